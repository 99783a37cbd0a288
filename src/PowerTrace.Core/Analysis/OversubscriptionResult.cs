using System;
using System.Collections.Generic;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Analysis
{
    /// <summary>One point of the peak-quantile curve: the subset peaks at one unit count.</summary>
    public sealed class OversubscriptionPoint
    {
        public OversubscriptionPoint(int count, double peakQuantileKW, double peakMeanKW, double peakMinKW, double peakMaxKW,
            double exceedanceProbability, double meanSecondsAboveLimit, bool fits)
        {
            Count = count;
            PeakQuantileKW = peakQuantileKW;
            PeakMeanKW = peakMeanKW;
            PeakMinKW = peakMinKW;
            PeakMaxKW = peakMaxKW;
            ExceedanceProbability = exceedanceProbability;
            MeanSecondsAboveLimit = meanSecondsAboveLimit;
            Fits = fits;
        }

        /// <summary>Number of units summed.</summary>
        public int Count { get; }
        /// <summary>The requested quantile (type 7) of the subsets' peaks, kW.</summary>
        public double PeakQuantileKW { get; }
        /// <summary>Mean of the subsets' peaks, kW.</summary>
        public double PeakMeanKW { get; }
        /// <summary>Smallest subset peak, kW.</summary>
        public double PeakMinKW { get; }
        /// <summary>Largest subset peak, kW.</summary>
        public double PeakMaxKW { get; }
        /// <summary>Share of trials whose summed power went above the limit at least once in the horizon.</summary>
        public double ExceedanceProbability { get; }
        /// <summary>Time the summed power spent above the limit, seconds, averaged over trials (trials that never exceed count as 0).</summary>
        public double MeanSecondsAboveLimit { get; }
        /// <summary>True when <see cref="PeakQuantileKW"/> is at or under the limit.</summary>
        public bool Fits { get; }

        public override string ToString() => $"n={Count}: q-peak {PeakQuantileKW:0.##} kW, P(exceed) {ExceedanceProbability:0.###}";
    }

    /// <summary>How many units fit under a power limit at a risk level (<see cref="Oversubscription.Measure"/>).</summary>
    public sealed class OversubscriptionResult
    {
        internal OversubscriptionResult(TraceLevel unitLevel, int poolSize, int distinctUnitCount, double limitKW, double nameplateKW,
            double quantile, int trials, ulong seed, bool withReplacement, double horizonSeconds, double traceSeconds,
            int unitsThatFit, bool fitIsLowerBound, int nameplateCount, int meanPowerCount, double meanUnitPowerKW, double meanUnitPeakKW,
            int atCount, OversubscriptionPoint atPoint, IReadOnlyList<OversubscriptionPoint> curve, IReadOnlyList<string> warnings, double elapsedSeconds)
        {
            UnitLevel = unitLevel;
            PoolSize = poolSize;
            DistinctUnitCount = distinctUnitCount;
            LimitKW = limitKW;
            NameplateKW = nameplateKW;
            Quantile = quantile;
            Trials = trials;
            Seed = seed;
            WithReplacement = withReplacement;
            HorizonSeconds = horizonSeconds;
            TraceSeconds = traceSeconds;
            UnitsThatFit = unitsThatFit;
            FitIsLowerBound = fitIsLowerBound;
            NameplateCount = nameplateCount;
            OversubscriptionRatio = nameplateCount > 0 ? (double)unitsThatFit / nameplateCount : double.NaN;
            MeanPowerCount = meanPowerCount;
            MeanUnitPowerKW = meanUnitPowerKW;
            MeanUnitPeakKW = meanUnitPeakKW;
            AtCount = atCount;
            PeakQuantileAtCountKW = atPoint.PeakQuantileKW;
            ExceedanceProbabilityAtCount = atPoint.ExceedanceProbability;
            ExpectedSecondsAboveLimitAtCount = atPoint.MeanSecondsAboveLimit;
            Curve = curve;
            Warnings = warnings;
            ElapsedSeconds = elapsedSeconds;
        }

        /// <summary>Level of the units (Rack, Server, ...).</summary>
        public TraceLevel UnitLevel { get; }
        /// <summary>Number of unit traces given.</summary>
        public int PoolSize { get; }
        /// <summary>Number of distinct unit traces (identical traces, e.g. from one seed, count once).</summary>
        public int DistinctUnitCount { get; }
        /// <summary>The limit, kW.</summary>
        public double LimitKW { get; }
        /// <summary>Nameplate power per unit, kW.</summary>
        public double NameplateKW { get; }
        /// <summary>The risk quantile.</summary>
        public double Quantile { get; }
        /// <summary>Random subsets per count.</summary>
        public int Trials { get; }
        /// <summary>Master seed used.</summary>
        public ulong Seed { get; }
        /// <summary>True when counts beyond the pool were drawn with replacement.</summary>
        public bool WithReplacement { get; }
        /// <summary>Horizon over which each subset's peak was taken, seconds.</summary>
        public double HorizonSeconds { get; }
        /// <summary>Length of the unit traces used, seconds.</summary>
        public double TraceSeconds { get; }
        /// <summary>The answer: the largest count whose peak quantile (and that of every smaller count) stays at or under the limit.</summary>
        public int UnitsThatFit { get; }
        /// <summary>True when every evaluated count fit: the answer is at least <see cref="UnitsThatFit"/> (the pool or MaxCount bounded it).</summary>
        public bool FitIsLowerBound { get; }
        /// <summary>Baseline 1, TDP/nameplate sizing: ⌊limit / nameplate⌋.</summary>
        public int NameplateCount { get; }
        /// <summary><see cref="UnitsThatFit"/> / <see cref="NameplateCount"/>; NaN when no unit fits by nameplate.</summary>
        public double OversubscriptionRatio { get; }
        /// <summary>Baseline 2, constant mean power: ⌊limit / mean unit power⌋ (ignores peaks: optimistic).</summary>
        public int MeanPowerCount { get; }
        /// <summary>Mean over units of each unit's mean power, kW.</summary>
        public double MeanUnitPowerKW { get; }
        /// <summary>Mean over units of each unit's peak, kW.</summary>
        public double MeanUnitPeakKW { get; }
        /// <summary>Count at which the risk figures below are reported (default the answer).</summary>
        public int AtCount { get; }
        /// <summary>Peak quantile at <see cref="AtCount"/>, kW.</summary>
        public double PeakQuantileAtCountKW { get; }
        /// <summary>Probability that <see cref="AtCount"/> random units exceed the limit at least once in the horizon (share of trials).</summary>
        public double ExceedanceProbabilityAtCount { get; }
        /// <summary>Expected total time above the limit in the horizon at <see cref="AtCount"/> units, seconds (mean over trials).</summary>
        public double ExpectedSecondsAboveLimitAtCount { get; }
        /// <summary>The peak quantile versus count, from 1 to the largest count evaluated (for plotting).</summary>
        public IReadOnlyList<OversubscriptionPoint> Curve { get; }
        /// <summary>What bounds the meaning of the answer (short horizon, few distinct subsets, duplicates, repeats).</summary>
        public IReadOnlyList<string> Warnings { get; }
        /// <summary>Computation time, seconds.</summary>
        public double ElapsedSeconds { get; }

        public override string ToString()
            => $"{UnitsThatFit}{(FitIsLowerBound ? "+" : "")} units fit under {LimitKW:0.##} kW at q={Quantile} (nameplate {NameplateCount}, ratio {OversubscriptionRatio:0.##})";
    }
}
