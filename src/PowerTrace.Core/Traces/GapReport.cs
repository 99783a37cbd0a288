namespace PowerTrace.Core.Traces
{
    /// <summary>
    /// Gaps found while binning samples: stretches longer than the gap threshold with no sample.
    /// Unfilled gap bins hold NaN; filled ones (explicit opt-in) hold a linear interpolation.
    /// </summary>
    public sealed class GapReport
    {
        public GapReport(int count, double totalSeconds, double longestSeconds, bool filled)
        {
            Count = count;
            TotalSeconds = totalSeconds;
            LongestSeconds = longestSeconds;
            Filled = filled;
        }

        /// <summary>No gaps.</summary>
        public static GapReport None { get; } = new GapReport(0, 0, 0, false);

        /// <summary>Number of gaps.</summary>
        public int Count { get; }

        /// <summary>Sum of the gaps' lengths, seconds.</summary>
        public double TotalSeconds { get; }

        /// <summary>Longest gap, seconds.</summary>
        public double LongestSeconds { get; }

        /// <summary>True when the gap bins were filled by interpolation (the user asked for it).</summary>
        public bool Filled { get; }

        public override string ToString() => Count == 0 ? "none" : $"{Count} gaps, {TotalSeconds:0.###} s{(Filled ? " (filled)" : "")}";
    }
}
