namespace PowerTrace.Core.Analysis
{
    /// <summary>
    /// Stable error ids of the analyses (oversubscription, load profile, power capping). They are part of
    /// the public contract: the cmdlets use them as PowerShell error ids and tests assert them.
    /// </summary>
    public static class AnalysisErrorIds
    {
        /// <summary>No trace was given, or the traces hold no measured bin.</summary>
        public const string NoInput = "NoInput";
        /// <summary>The limit is below the peak of a single unit: not even one unit fits.</summary>
        public const string LimitBelowUnitPeak = "LimitBelowUnitPeak";
        /// <summary>The risk quantile is outside the open interval (0, 1).</summary>
        public const string QuantileOutOfRange = "QuantileOutOfRange";
        /// <summary>Traces of different bin widths in one call.</summary>
        public const string MixedBinWidths = "MixedBinWidths";
        /// <summary>Traces with different start times in one call.</summary>
        public const string MixedStartTimes = "MixedStartTimes";
        /// <summary>The power limit is zero, negative or not a number.</summary>
        public const string NonPositiveLimit = "NonPositiveLimit";
        /// <summary>The nameplate power per unit is zero, negative or not a number.</summary>
        public const string NonPositiveNameplate = "NonPositiveNameplate";
        /// <summary>The cap is zero, negative or not a number.</summary>
        public const string NonPositiveCap = "NonPositiveCap";
        /// <summary>The number of trials is below 1.</summary>
        public const string TrialsOutOfRange = "TrialsOutOfRange";
        /// <summary>A unit count (AtCount, MaxCount) is below 1, or above the pool without replacement.</summary>
        public const string CountOutOfRange = "CountOutOfRange";
        /// <summary>The horizon is zero, negative or not a number.</summary>
        public const string NonPositiveHorizon = "NonPositiveHorizon";
        /// <summary>The share of energy to keep is outside (0, 1].</summary>
        public const string EnergyShareOutOfRange = "EnergyShareOutOfRange";
        /// <summary>The power factor is outside (0, 1].</summary>
        public const string PowerFactorOutOfRange = "PowerFactorOutOfRange";
        /// <summary>The number of load-duration points is below 2.</summary>
        public const string PointCountOutOfRange = "PointCountOutOfRange";
    }
}
