using System;
using System.Management.Automation;
using PowerTrace.Core.Analysis;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// Measure-PowerCap: what a power cap does to each piped trace (energy above, time and episodes above,
    /// longest episode, peak after capping), or the cap that keeps a given share of the energy untouched.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "PowerCap", DefaultParameterSetName = CapSet)]
    [OutputType(typeof(PowerCapResult))]
    public sealed class MeasurePowerCapCommand : PowerTraceCmdlet
    {
        private const string CapSet = "Cap";
        private const string ShareSet = "EnergyShare";
        private int _count;

        /// <summary>Traces to cap (any level).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = CapSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ShareSet)]
        [AllowEmptyCollection]
        public PowerSeries[] InputObject { get; set; } = Array.Empty<PowerSeries>();

        /// <summary>The cap, kW.</summary>
        [Parameter(Mandatory = true, ParameterSetName = CapSet)]
        public double CapKW { get; set; }

        /// <summary>Share of the energy the cap must leave untouched, in (0, 1].</summary>
        [Parameter(Mandatory = true, ParameterSetName = ShareSet)]
        public double KeepEnergyShare { get; set; }

        protected override void BeginProcessing()
        {
            if (ParameterSetName == CapSet && (!(CapKW > 0) || double.IsInfinity(CapKW)))
                ThrowCoreError(new InvalidSettingException(AnalysisErrorIds.NonPositiveCap, nameof(CapKW),
                    $"The cap must be a positive number of kilowatts; got {CapKW}."), CapKW);
            if (ParameterSetName == ShareSet && !(KeepEnergyShare > 0 && KeepEnergyShare <= 1))
                ThrowCoreError(new InvalidSettingException(AnalysisErrorIds.EnergyShareOutOfRange, nameof(KeepEnergyShare),
                    $"The share of energy to keep must lie in (0, 1], e.g. 0.999; got {KeepEnergyShare}."), KeepEnergyShare);
        }

        protected override void ProcessRecord()
        {
            if (InputObject == null) return;
            foreach (var trace in InputObject)
            {
                if (trace == null) continue;
                _count++;
                try
                {
                    var r = ParameterSetName == ShareSet
                        ? PowerCap.MeasureKeepingEnergyShare(trace, KeepEnergyShare)
                        : PowerCap.Measure(trace, CapKW);
                    WriteVerbose($"'{r.Name}' ({r.Level}): cap {r.CapKW:N1} kW"
                        + (ParameterSetName == ShareSet ? $" (keeps {KeepEnergyShare:P2} of the energy)" : " (given)")
                        + $", peak {r.PeakKW:N1} kW, {r.SecondsAboveCap:0.#} s above the cap in {r.EpisodeCount} episode(s).");
                    WriteObject(r);
                }
                catch (PowerTraceException ex)
                {
                    WriteCoreError(ex, trace);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_count == 0)
                ThrowCoreError(new InvalidSettingException(AnalysisErrorIds.NoInput, nameof(InputObject), "No trace was given."), null);
        }
    }
}
