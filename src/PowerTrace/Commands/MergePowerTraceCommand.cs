using System.Collections.Generic;
using System.Management.Automation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Traces;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// <para type="synopsis">Sums shard outputs of Invoke-TraceSynthesis into the site's traces.</para>
    /// <para type="description">Traces with the same level, name, position, start, bin width and bin count are summed;
    /// the others pass through. Synthesized traces merge exactly (bit-identical to the unsharded run) by recovering the
    /// engine's integer milliwatt sums (for the facility the site-scale sum, with the PUE the traces carry), exact while
    /// each input's sum is below 2^51 milliwatt-bins (156 MW per shard trace at 1 h from 250 ms bins); traces that do not round-trip are summed in double with a warning. Shards given
    /// twice, shards of different seeds or settings and missing shards are warned about. Output is in the order of an
    /// unsharded run.</para>
    /// </summary>
    [Cmdlet(VerbsData.Merge, "PowerTrace", DefaultParameterSetName = DefaultSet)]
    [OutputType(typeof(PowerSeries))]
    public sealed class MergePowerTraceCommand : PowerTraceCmdlet
    {
        private const string DefaultSet = "Default";
        private readonly List<PowerSeries> _traces = new List<PowerSeries>();

        /// <summary><para type="description">Traces to merge (pipeline).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0)]
        public PowerSeries[] InputObject { get; set; } = null!;

        /// <summary><para type="description">Override of the synthesizing model's bin width, seconds (default: carried by
        /// the synthesized traces, else derived from the values).</para></summary>
        [Parameter]
        public double ModelBinSeconds { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var t in InputObject) if (t != null) _traces.Add(t);
        }

        protected override void EndProcessing()
        {
            TraceMergeResult merged;
            bool binGiven = MyInvocation.BoundParameters.ContainsKey(nameof(ModelBinSeconds));
            try { merged = TraceMerger.Merge(_traces, binGiven ? ModelBinSeconds : (double?)null); }
            catch (PowerTraceException ex) { ThrowCoreError(ex, null); return; }
            WriteVerbose($"Merged {_traces.Count} input trace(s) into {merged.Traces.Count} trace(s)"
                + (merged.InexactGroups > 0 ? $" ({merged.InexactGroups} group(s) summed in double precision)." : "."));
            foreach (string w in merged.Warnings) WriteWarning(w);
            if (merged.InexactGroups > 0)
                WriteWarning($"{merged.InexactGroups} group(s) of traces were not exactly mergeable (not whole-milliwatt sums " +
                    (binGiven ? $"on a {ModelBinSeconds} s model bin" : "of a synthesis") + ", or too large) and were summed in double precision.");
            foreach (var t in merged.Traces) WriteObject(t);
        }
    }
}
