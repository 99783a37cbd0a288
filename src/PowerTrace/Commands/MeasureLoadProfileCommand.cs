using System;
using System.Collections.Generic;
using System.Management.Automation;
using PowerTrace.Core.Analysis;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// Measure-LoadProfile: the utility-facing profile of a site or facility trace (peak, load factor, ramps,
    /// steps, load-duration curve, diversity, transformer rating, energy). Several traces of the top level are
    /// pooled as replicates (seeds); traces of a lower level are components for the diversity figures.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "LoadProfile", DefaultParameterSetName = DefaultSet)]
    [OutputType(typeof(LoadProfile))]
    public sealed class MeasureLoadProfileCommand : PowerTraceCmdlet
    {
        private const string DefaultSet = "Default";
        private readonly List<PowerSeries> _traces = new List<PowerSeries>();

        /// <summary>Traces (site or facility, optionally with server traces beside them).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = DefaultSet)]
        [AllowEmptyCollection]
        public PowerSeries[] InputObject { get; set; } = Array.Empty<PowerSeries>();

        /// <summary>Power factor for the transformer rating, in (0, 1].</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public double PowerFactor { get; set; } = LoadProfileAnalysis.DefaultPowerFactor;

        /// <summary>Points of the load-duration curve.</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public int LoadDurationPoints { get; set; } = LoadProfileAnalysis.DefaultLoadDurationPoints;

        protected override void ProcessRecord()
        {
            if (InputObject == null) return;
            foreach (var s in InputObject)
                if (s != null) _traces.Add(s);
        }

        protected override void EndProcessing()
        {
            LoadProfile profile;
            try
            {
                WriteVerbose($"Measuring the load profile of {_traces.Count} trace(s) (power factor {PowerFactor}, {LoadDurationPoints} load-duration points).");
                profile = LoadProfileAnalysis.Measure(_traces, PowerFactor, LoadDurationPoints);
                WriteVerbose($"'{profile.Name}' ({profile.Level}): {profile.DurationHours:0.##} h at {profile.BinSeconds} s bins, {profile.ReplicateCount} replicate(s); peak {profile.PeakKW:N1} kW, mean {profile.MeanKW:N1} kW, load factor {profile.LoadFactor:0.###}.");
            }
            catch (PowerTraceException ex)
            {
                ThrowCoreError(ex, null);
                return;
            }
            foreach (string w in profile.Warnings) WriteWarning(w);
            WriteObject(profile);
        }
    }
}
