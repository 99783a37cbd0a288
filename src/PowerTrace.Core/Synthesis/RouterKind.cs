namespace PowerTrace.Core.Synthesis
{
    /// <summary>How the site's requests are spread over its servers.</summary>
    public enum RouterKind
    {
        /// <summary>
        /// Each request to a uniformly random server (the published study). With Poisson traffic this is
        /// drawn as one independent Poisson stream per server, so memory stays O(one server).
        /// </summary>
        Random,
        /// <summary>Request j to server j mod N.</summary>
        RoundRobin,
        /// <summary>
        /// Each request to the server whose estimated backlog ends first (ties: lowest index). The backlog
        /// grows by the model's <see cref="IServerPowerModel.EstimateServiceSeconds"/> per request, served
        /// one after the other; a heuristic, not the model's batching.
        /// </summary>
        LeastLoaded,
    }
}
