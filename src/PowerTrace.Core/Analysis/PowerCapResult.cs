using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Analysis
{
    /// <summary>What a power cap does to a trace (<see cref="PowerCap"/>). Powers in kW, energy in kWh, times in seconds.</summary>
    public sealed class PowerCapResult
    {
        internal PowerCapResult(string name, TraceLevel level, double capKW, double requestedEnergyShare, double peakKW, double peakAfterCapKW,
            double energyKWh, double energyAboveCapKWh, double secondsAboveCap, double durationSeconds, int episodeCount, double longestEpisodeSeconds)
        {
            Name = name;
            Level = level;
            CapKW = capKW;
            RequestedEnergyShare = requestedEnergyShare;
            PeakKW = peakKW;
            PeakAfterCapKW = peakAfterCapKW;
            EnergyKWh = energyKWh;
            EnergyAboveCapKWh = energyAboveCapKWh;
            EnergyShareKept = energyKWh > 0 ? 1 - energyAboveCapKWh / energyKWh : 1;
            SecondsAboveCap = secondsAboveCap;
            ShareOfTimeAboveCap = durationSeconds > 0 ? secondsAboveCap / durationSeconds : 0;
            EpisodeCount = episodeCount;
            LongestEpisodeSeconds = longestEpisodeSeconds;
        }

        /// <summary>Name of the trace.</summary>
        public string Name { get; }
        /// <summary>Level of the trace.</summary>
        public TraceLevel Level { get; }
        /// <summary>The cap, kW.</summary>
        public double CapKW { get; }
        /// <summary>The share of energy the cap was chosen to keep untouched; NaN when the cap was given.</summary>
        public double RequestedEnergyShare { get; }
        /// <summary>Peak before capping, kW.</summary>
        public double PeakKW { get; }
        /// <summary>Peak after capping: min(peak, cap), kW.</summary>
        public double PeakAfterCapKW { get; }
        /// <summary>Energy of the uncapped trace over measured bins, kWh.</summary>
        public double EnergyKWh { get; }
        /// <summary>Energy above the cap (what capping removes or defers): Σ max(0, P − cap)·bin, kWh.</summary>
        public double EnergyAboveCapKWh { get; }
        /// <summary>1 − EnergyAboveCapKWh / EnergyKWh: the share of energy the cap leaves untouched.</summary>
        public double EnergyShareKept { get; }
        /// <summary>Time with power strictly above the cap, seconds.</summary>
        public double SecondsAboveCap { get; }
        /// <summary>SecondsAboveCap over the trace's duration.</summary>
        public double ShareOfTimeAboveCap { get; }
        /// <summary>Episodes above the cap: maximal runs of consecutive bins above it (an unmeasured bin ends a run).</summary>
        public int EpisodeCount { get; }
        /// <summary>Longest episode, seconds.</summary>
        public double LongestEpisodeSeconds { get; }

        public override string ToString() => $"{Name}: cap {CapKW:0.###} kW, {EnergyAboveCapKWh:0.###} kWh above in {EpisodeCount} episodes";
    }
}
