using System.Globalization;
using PowerTrace.Core.Errors;

namespace PowerTrace.Core.Analysis
{
    /// <summary>What <see cref="Oversubscription.Measure"/> is asked: the limit, the unit's nameplate, the risk level and the sampling.</summary>
    public sealed class OversubscriptionSettings
    {
        /// <summary>Power limit at the level above the units (e.g. a 600 kW row), kilowatts. Required.</summary>
        public double LimitKW { get; set; } = double.NaN;

        /// <summary>Nameplate (TDP-sized) power of one unit (e.g. a 26 kW rack), kilowatts. Required.</summary>
        public double NameplateKW { get; set; } = double.NaN;

        /// <summary>Risk level: a count fits when this quantile of the subset peaks is at or under the limit. In (0, 1); default 0.95.</summary>
        public double Quantile { get; set; } = 0.95;

        /// <summary>Random subsets drawn per candidate count; default 200.</summary>
        public int Trials { get; set; } = 200;

        /// <summary>Master seed; trial t draws from <c>Rng.ForStream(Seed, t)</c>, so the answer does not depend on thread count. Default 1.</summary>
        public ulong Seed { get; set; } = 1;

        /// <summary>Count at which the exceedance probability and time above the limit are reported; null = the answer.</summary>
        public int? AtCount { get; set; }

        /// <summary>
        /// Allow counts beyond the pool: the first units of a trial are a random permutation of the pool (no repeats);
        /// beyond the pool size further units are drawn uniformly with replacement. Repeats are perfectly correlated with
        /// their original, which overstates peaks (the answer errs on the safe side). Default false: counts stop at the pool size.
        /// </summary>
        public bool AllowReplacement { get; set; }

        /// <summary>Largest count evaluated (honoured as given); null = the pool size, stopping early at the count whose summed mean power surely exceeds the limit (without replacement) or that count (with replacement, at most max(10 × pool, 100)).</summary>
        public int? MaxCount { get; set; }

        /// <summary>Horizon over which a subset's peak is taken, seconds; null = the whole trace. Shorter: each trial takes a random window of this length.</summary>
        public double? HorizonSeconds { get; set; }

        /// <summary>Worker threads; -1 = all cores. The result does not depend on it.</summary>
        public int MaxDegreeOfParallelism { get; set; } = -1;

        /// <summary>Throws <see cref="InvalidSettingException"/> with a stable id for a setting that makes the call meaningless.</summary>
        public void Validate()
        {
            if (!(LimitKW > 0) || double.IsInfinity(LimitKW))
                throw new InvalidSettingException(AnalysisErrorIds.NonPositiveLimit, "LimitKW",
                    string.Format(CultureInfo.InvariantCulture, "The limit must be a positive number of kilowatts; got {0}.", LimitKW));
            if (!(NameplateKW > 0) || double.IsInfinity(NameplateKW))
                throw new InvalidSettingException(AnalysisErrorIds.NonPositiveNameplate, "NameplateKW",
                    string.Format(CultureInfo.InvariantCulture, "The nameplate power per unit must be a positive number of kilowatts; got {0}.", NameplateKW));
            if (!(Quantile > 0 && Quantile < 1))
                throw new InvalidSettingException(AnalysisErrorIds.QuantileOutOfRange, "Quantile",
                    string.Format(CultureInfo.InvariantCulture, "The quantile must lie strictly between 0 and 1 (e.g. 0.95); got {0}.", Quantile));
            if (Trials < 1)
                throw new InvalidSettingException(AnalysisErrorIds.TrialsOutOfRange, "Trials",
                    string.Format(CultureInfo.InvariantCulture, "At least one trial is needed; got {0}.", Trials));
            if (AtCount.HasValue && AtCount.Value < 1)
                throw new InvalidSettingException(AnalysisErrorIds.CountOutOfRange, "AtCount",
                    string.Format(CultureInfo.InvariantCulture, "AtCount must be at least 1; got {0}.", AtCount.Value));
            if (MaxCount.HasValue && MaxCount.Value < 1)
                throw new InvalidSettingException(AnalysisErrorIds.CountOutOfRange, "MaxCount",
                    string.Format(CultureInfo.InvariantCulture, "MaxCount must be at least 1; got {0}.", MaxCount.Value));
            if (HorizonSeconds.HasValue && (!(HorizonSeconds.Value > 0) || double.IsInfinity(HorizonSeconds.Value)))
                throw new InvalidSettingException(AnalysisErrorIds.NonPositiveHorizon, "HorizonSeconds",
                    string.Format(CultureInfo.InvariantCulture, "The horizon must be a positive number of seconds; got {0}.", HorizonSeconds.Value));
        }
    }
}
