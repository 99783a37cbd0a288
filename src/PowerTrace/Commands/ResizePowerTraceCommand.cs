using System.Management.Automation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// Resize-PowerTrace: averages each trace to a coarser bin width that is a whole multiple of its own
    /// (<see cref="TraceResampler"/>), so traces of different widths can be compared or exported together.
    /// </summary>
    [Cmdlet(VerbsCommon.Resize, "PowerTrace", DefaultParameterSetName = DefaultSet)]
    [OutputType(typeof(PowerSeries))]
    public sealed class ResizePowerTraceCommand : PowerTraceCmdlet
    {
        private const string DefaultSet = "Default";

        /// <summary>Traces to resample (pipeline); each is written as soon as it is resampled.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = DefaultSet)]
        public PowerSeries[] InputObject { get; set; } = null!;

        /// <summary>New bin width, seconds: a whole multiple of every input's bin width.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DefaultSet)]
        public double BinSeconds { get; set; }

        /// <summary>Where the coarse bins start: at each trace's start (default) or on the UTC grid of the new width.</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public ResampleAlignment Alignment { get; set; } = ResampleAlignment.Start;

        protected override void ProcessRecord()
        {
            if (InputObject == null) return;
            foreach (var t in InputObject)
            {
                if (t == null) continue;
                PowerSeries resized;
                int dropped;
                try { resized = TraceResampler.Resample(t, BinSeconds, Alignment, out dropped); }
                catch (PowerTraceException ex) { WriteCoreError(ex, t); continue; }
                if (dropped > 0)
                    WriteWarning($"'{t.Name}': {dropped} bin(s) of {t.BinSeconds} s outside complete {BinSeconds} s bins were dropped.");
                WriteVerbose($"'{t.Name}': {t.BinCount:N0} bins of {t.BinSeconds} s -> {resized.BinCount:N0} bins of {resized.BinSeconds} s ({Alignment} alignment).");
                WriteObject(resized);
            }
        }
    }
}
