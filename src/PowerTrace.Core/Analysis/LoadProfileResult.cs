using System;
using System.Collections.Generic;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Analysis
{
    /// <summary>One point of a load-duration curve: the power exceeded (or met) during a given share of the time.</summary>
    public sealed class LoadDurationPoint
    {
        public LoadDurationPoint(double exceedanceFraction, double hoursAtOrAbove, double powerKW)
        {
            ExceedanceFraction = exceedanceFraction;
            HoursAtOrAbove = hoursAtOrAbove;
            PowerKW = powerKW;
        }

        /// <summary>Share of the time (0..1) at or above <see cref="PowerKW"/>.</summary>
        public double ExceedanceFraction { get; }
        /// <summary><see cref="ExceedanceFraction"/> times the horizon, hours.</summary>
        public double HoursAtOrAbove { get; }
        /// <summary>Power, kW.</summary>
        public double PowerKW { get; }

        public override string ToString() => $"{ExceedanceFraction:P1}: {PowerKW:0.###} kW";
    }

    /// <summary>
    /// What the utility sees of a load: peak, mean, load factor, ramps, steps, load-duration curve, diversity,
    /// transformer rating and energy (<see cref="LoadProfileAnalysis.Measure"/>). Powers in kW, energy in MWh.
    /// </summary>
    public sealed class LoadProfile
    {
        internal LoadProfile(string name, TraceLevel level, DateTime startUtc, double binSeconds, double durationHours, int replicateCount,
            double peakKW, double peakP95AcrossSeedsKW, double meanKW, double minKW, double stdDevKW,
            double rampSmoothingSeconds, double shortRampIntervalSeconds, double[] shortRamps, double longRampIntervalSeconds, double[] longRamps,
            double[] blockRamps, double largestStepKW,
            IReadOnlyList<LoadDurationPoint> loadDuration, TraceLevel? componentLevel, int componentCount, double sumOfComponentPeaksKW, double primaryPeakKW,
            double powerFactor, IReadOnlyList<double>? hourlyProfileKW, IReadOnlyList<string> warnings)
        {
            Name = name;
            Level = level;
            StartUtc = startUtc;
            BinSeconds = binSeconds;
            DurationHours = durationHours;
            ReplicateCount = replicateCount;
            PeakKW = peakKW;
            PeakP95AcrossSeedsKW = peakP95AcrossSeedsKW;
            MeanKW = meanKW;
            MinKW = minKW;
            StdDevKW = stdDevKW;
            LoadFactor = meanKW / peakKW;
            PeakToAverage = peakKW / meanKW;
            CoefficientOfVariation = stdDevKW / meanKW;
            RampSmoothingSeconds = rampSmoothingSeconds;
            ShortRampIntervalSeconds = shortRampIntervalSeconds;
            RampUp95KWPerSecond = shortRamps[0];
            RampUpMaxKWPerSecond = shortRamps[1];
            RampDown95KWPerSecond = shortRamps[2];
            RampDownMaxKWPerSecond = shortRamps[3];
            LongRampIntervalSeconds = longRampIntervalSeconds;
            RampUp95KWPer15Min = longRamps[0];
            RampUpMaxKWPer15Min = longRamps[1];
            RampDown95KWPer15Min = longRamps[2];
            RampDownMaxKWPer15Min = longRamps[3];
            RampUp95KWPer15MinBlock = blockRamps[0];
            RampUpMaxKWPer15MinBlock = blockRamps[1];
            RampDown95KWPer15MinBlock = blockRamps[2];
            RampDownMaxKWPer15MinBlock = blockRamps[3];
            LargestStepKW = largestStepKW;
            LoadDuration = loadDuration;
            ComponentLevel = componentLevel;
            ComponentCount = componentCount;
            SumOfComponentPeaksKW = sumOfComponentPeaksKW;
            CoincidenceFactor = componentCount > 0 ? primaryPeakKW / sumOfComponentPeaksKW : double.NaN;
            DiversityFactor = componentCount > 0 ? sumOfComponentPeaksKW / primaryPeakKW : double.NaN;
            PowerFactor = powerFactor;
            TransformerMVA = peakKW / 1000.0 / powerFactor;
            EnergyMWh = meanKW * durationHours / 1000.0;
            AnnualEnergyMWh = meanKW * 8760.0 / 1000.0;
            HourlyProfileKW = hourlyProfileKW;
            Warnings = warnings;
        }

        /// <summary>Name of the (first) trace profiled.</summary>
        public string Name { get; }
        /// <summary>Level of the traces profiled (the highest level given).</summary>
        public TraceLevel Level { get; }
        /// <summary>Start of the horizon, UTC.</summary>
        public DateTime StartUtc { get; }
        /// <summary>Bin width, seconds.</summary>
        public double BinSeconds { get; }
        /// <summary>Horizon, hours (one replicate).</summary>
        public double DurationHours { get; }
        /// <summary>Traces of the profiled level pooled (e.g. synthesis seeds).</summary>
        public int ReplicateCount { get; }
        /// <summary>Highest bin over all replicates, kW.</summary>
        public double PeakKW { get; }
        /// <summary>95th percentile (type 7) of the replicates' peaks, kW; NaN with a single replicate.</summary>
        public double PeakP95AcrossSeedsKW { get; }
        /// <summary>Mean over all measured bins of all replicates, kW.</summary>
        public double MeanKW { get; }
        /// <summary>Lowest bin, kW.</summary>
        public double MinKW { get; }
        /// <summary>Population standard deviation of the bins, kW.</summary>
        public double StdDevKW { get; }
        /// <summary>Mean / peak (1 for a constant load).</summary>
        public double LoadFactor { get; }
        /// <summary>Peak / mean.</summary>
        public double PeakToAverage { get; }
        /// <summary>Standard deviation / mean.</summary>
        public double CoefficientOfVariation { get; }
        /// <summary>
        /// Window of the trailing moving average applied before the rolling ramps, seconds: m·bin with m = max(1, round(1 s / bin)),
        /// i.e. about one second for sub-second bins and the bin itself (no smoothing) for bins of 1 s or wider.
        /// </summary>
        public double RampSmoothingSeconds { get; }
        /// <summary>Interval of the per-second ramps actually used, seconds: k·bin with k = max(1, round(1 s / bin)) (1 unless bins are wider or do not divide a second).</summary>
        public double ShortRampIntervalSeconds { get; }
        /// <summary>95th percentile (type 7) of the rolling change S(t + Δ) − S(t) over Δ = <see cref="ShortRampIntervalSeconds"/>, at every bin t, per second, kW/s; 0 when the load rarely rises.</summary>
        public double RampUp95KWPerSecond { get; }
        /// <summary>Largest rolling rise over <see cref="ShortRampIntervalSeconds"/>, per second, kW/s.</summary>
        public double RampUpMaxKWPerSecond { get; }
        /// <summary>95th percentile of the rolling fall over <see cref="ShortRampIntervalSeconds"/>, per second, kW/s, as a positive number.</summary>
        public double RampDown95KWPerSecond { get; }
        /// <summary>Largest rolling fall over <see cref="ShortRampIntervalSeconds"/>, per second, kW/s, as a positive number.</summary>
        public double RampDownMaxKWPerSecond { get; }
        /// <summary>Interval of the 15-minute ramps actually used, seconds: k·bin with k = max(1, round(900 s / bin)) (900 unless bins are wider or do not divide it).</summary>
        public double LongRampIntervalSeconds { get; }
        /// <summary>
        /// Headline 15-minute ramp: 95th percentile (type 7) of the rolling change S(t + 15 min) − S(t) of the (1-s mean) load over
        /// every 15-minute window starting at any bin, kW per 15 min (scaled by 900 / <see cref="LongRampIntervalSeconds"/>); NaN
        /// when the trace is no longer than 15 minutes.
        /// </summary>
        public double RampUp95KWPer15Min { get; }
        /// <summary>Largest rise over any 15-minute window (rolling), kW per 15 min.</summary>
        public double RampUpMaxKWPer15Min { get; }
        /// <summary>95th percentile of the fall over every 15-minute window (rolling), kW per 15 min, positive.</summary>
        public double RampDown95KWPer15Min { get; }
        /// <summary>Largest fall over any 15-minute window (rolling), kW per 15 min, positive.</summary>
        public double RampDownMaxKWPer15Min { get; }
        /// <summary>95th percentile of the change between consecutive fixed 15-minute block means (blocks aligned to the start, as a 15-minute interval meter sees them), kW per 15 min; NaN with under 30 min of data.</summary>
        public double RampUp95KWPer15MinBlock { get; }
        /// <summary>Largest rise between consecutive fixed 15-minute block means, kW per 15 min.</summary>
        public double RampUpMaxKWPer15MinBlock { get; }
        /// <summary>95th percentile of the fall between consecutive fixed 15-minute block means, kW per 15 min, positive.</summary>
        public double RampDown95KWPer15MinBlock { get; }
        /// <summary>Largest fall between consecutive fixed 15-minute block means, kW per 15 min, positive.</summary>
        public double RampDownMaxKWPer15MinBlock { get; }
        /// <summary>Largest absolute change between consecutive bins, kW.</summary>
        public double LargestStepKW { get; }
        /// <summary>Load-duration curve: the bins sorted from highest to lowest, at the requested number of points.</summary>
        public IReadOnlyList<LoadDurationPoint> LoadDuration { get; }
        /// <summary>Level of the component traces given beside the profiled ones (e.g. Server); null when none.</summary>
        public TraceLevel? ComponentLevel { get; }
        /// <summary>Number of component traces.</summary>
        public int ComponentCount { get; }
        /// <summary>Sum of the components' individual peaks, kW; NaN without components.</summary>
        public double SumOfComponentPeaksKW { get; }
        /// <summary>Peak of the first profiled trace / sum of the components' peaks (≤ 1; the "site peak over the sum of server peaks").</summary>
        public double CoincidenceFactor { get; }
        /// <summary>Sum of the components' peaks / peak of the first profiled trace (≥ 1; the IEEE definition, the reciprocal of <see cref="CoincidenceFactor"/>).</summary>
        public double DiversityFactor { get; }
        /// <summary>Power factor used for the transformer rating.</summary>
        public double PowerFactor { get; }
        /// <summary>Transformer rating: peak / power factor, MVA.</summary>
        public double TransformerMVA { get; }
        /// <summary>Energy over the horizon (mean × horizon; unmeasured bins count at the mean), MWh.</summary>
        public double EnergyMWh { get; }
        /// <summary>Mean power extrapolated to 8760 hours, MWh.</summary>
        public double AnnualEnergyMWh { get; }
        /// <summary>Hourly means of the first 8760 hours, kW (averaged over replicates); null when the horizon is shorter than 8760 h.</summary>
        public IReadOnlyList<double>? HourlyProfileKW { get; }
        /// <summary>What the caller should know (ignored traces, truncation).</summary>
        public IReadOnlyList<string> Warnings { get; }

        public override string ToString() => $"{Name} [{Level}] peak {PeakKW:0.#} kW, mean {MeanKW:0.#} kW, load factor {LoadFactor:0.###}";
    }
}
