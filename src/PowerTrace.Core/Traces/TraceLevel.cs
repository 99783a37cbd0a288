namespace PowerTrace.Core.Traces
{
    /// <summary>Where in the power hierarchy a trace sits.</summary>
    public enum TraceLevel
    {
        /// <summary>One GPU's reading.</summary>
        Gpu,
        /// <summary>One model replica: the GPUs of one tensor-parallel group, summed.</summary>
        Node,
        /// <summary>A whole server (GPUs plus non-GPU power), e.g. an IPMI reading.</summary>
        Server,
        /// <summary>The servers of one rack, summed.</summary>
        Rack,
        /// <summary>The racks of one row, summed.</summary>
        Row,
        /// <summary>All rows: the IT load of the site.</summary>
        Site,
        /// <summary>The site's IT load times PUE: what the utility meter sees.</summary>
        Facility,
    }
}
