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
    /// Measure-Oversubscription: how many units (racks, servers) fit under a power limit at a risk level, by
    /// drawing random subsets of the piped unit traces (the published study's method), against nameplate and
    /// mean-power sizing.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "Oversubscription", DefaultParameterSetName = DefaultSet)]
    [OutputType(typeof(OversubscriptionResult))]
    public sealed class MeasureOversubscriptionCommand : PowerTraceCmdlet
    {
        private const string DefaultSet = "Default";
        private readonly List<PowerSeries> _units = new List<PowerSeries>();
        private OversubscriptionSettings _settings = new OversubscriptionSettings();

        /// <summary>Unit traces (rack or server level), from the pipeline or an array.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = DefaultSet)]
        [AllowEmptyCollection]
        public PowerSeries[] InputObject { get; set; } = Array.Empty<PowerSeries>();

        /// <summary>Power limit at the level above the units, kW.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DefaultSet)]
        public double LimitKW { get; set; }

        /// <summary>Nameplate power of one unit, kW.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DefaultSet)]
        public double NameplateKW { get; set; }

        /// <summary>Risk quantile of the subset peaks, in (0, 1).</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public double Quantile { get; set; } = 0.95;

        /// <summary>Random subsets per count.</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public int Trials { get; set; } = 200;

        /// <summary>Master seed (default 1, like every PowerTrace cmdlet).</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public ulong Seed { get; set; } = 1;

        /// <summary>Count at which to report the exceedance probability and time; default the answer.</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public int AtCount { get; set; }

        /// <summary>Largest count to evaluate.</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public int MaxCount { get; set; }

        /// <summary>Draw units with replacement beyond the pool size.</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public SwitchParameter AllowReplacement { get; set; }

        /// <summary>Horizon over which a subset's peak is taken, seconds; default the whole trace.</summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public double HorizonSeconds { get; set; }

        protected override void BeginProcessing()
        {
            var bound = MyInvocation.BoundParameters;
            _settings = new OversubscriptionSettings
            {
                LimitKW = LimitKW,
                NameplateKW = NameplateKW,
                Quantile = Quantile,
                Trials = Trials,
                Seed = Seed,
                AtCount = bound.ContainsKey(nameof(AtCount)) ? AtCount : (int?)null,
                MaxCount = bound.ContainsKey(nameof(MaxCount)) ? MaxCount : (int?)null,
                AllowReplacement = AllowReplacement.IsPresent,
                HorizonSeconds = bound.ContainsKey(nameof(HorizonSeconds)) ? HorizonSeconds : (double?)null,
            };
            try
            {
                _settings.Validate();
            }
            catch (PowerTraceException ex)
            {
                ThrowCoreError(ex, null);
            }
        }

        protected override void ProcessRecord()
        {
            if (InputObject == null) return;
            foreach (var s in InputObject)
                if (s != null) _units.Add(s);
        }

        protected override void EndProcessing()
        {
            OversubscriptionResult result;
            try
            {
                WriteVerbose($"Oversubscription: {_units.Count} unit trace(s) under a {_settings!.LimitKW} kW limit (nameplate {_settings.NameplateKW} kW per unit), quantile {_settings.Quantile}, {_settings.Trials} trials, seed {_settings.Seed}"
                    + (_settings.AllowReplacement ? ", with replacement." : ", without replacement."));
                var clock = System.Diagnostics.Stopwatch.StartNew();
                result = Oversubscription.Measure(_units, _settings, CancellationToken);
                WriteVerbose($"{result.UnitsThatFit} unit(s) fit{(result.FitIsLowerBound ? " (at least; the pool ran out)" : "")} vs {result.NameplateCount} by nameplate (ratio {result.OversubscriptionRatio:0.###}); {result.Curve.Count} counts tried over {result.HorizonSeconds:0.#} s in {clock.Elapsed.TotalSeconds:0.00} s.");
            }
            catch (Exception ex) when (ex is PowerTraceException || ex is OperationCanceledException)
            {
                ThrowCoreError(ex, null);
                return;
            }
            foreach (string w in result.Warnings) WriteWarning(w);
            WriteObject(result);
        }
    }
}
