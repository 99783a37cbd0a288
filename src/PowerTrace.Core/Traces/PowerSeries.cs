using System;

namespace PowerTrace.Core.Traces
{
    /// <summary>
    /// A power trace: watts per fixed-width time bin, starting at a UTC instant.
    /// </summary>
    /// <remarks>
    /// Bin i covers [StartUtc + i·BinSeconds, StartUtc + (i+1)·BinSeconds) and holds the time-weighted
    /// mean power over that interval, in watts. A bin with no measurement (an unfilled gap) holds NaN (infinite
    /// values are rejected);
    /// the summary properties skip NaN bins and <see cref="ValidBinCount"/> says how many were used.
    /// The array returned by <see cref="Watts"/> is the trace's own storage: treat it as read-only.
    /// </remarks>
    public sealed class PowerSeries
    {
        private readonly double[] _watts;

        public PowerSeries(
            string name,
            TraceLevel level,
            DateTime startUtc,
            double binSeconds,
            double[] watts,
            TraceMetadata? metadata = null,
            GapReport? gaps = null,
            HierarchyPosition? position = null)
        {
            if (watts == null) throw new ArgumentNullException(nameof(watts));
            if (!(binSeconds > 0) || double.IsInfinity(binSeconds))
                throw new ArgumentOutOfRangeException(nameof(binSeconds), binSeconds, "Bin width must be a positive number of seconds.");
            if (startUtc.Kind == DateTimeKind.Local) startUtc = startUtc.ToUniversalTime();
            else if (startUtc.Kind == DateTimeKind.Unspecified) startUtc = DateTime.SpecifyKind(startUtc, DateTimeKind.Utc);

            Name = name ?? "";
            Level = level;
            StartUtc = startUtc;
            BinSeconds = binSeconds;
            _watts = watts;
            Metadata = metadata ?? TraceMetadata.Empty;
            Gaps = gaps ?? GapReport.None;
            Position = position ?? HierarchyPosition.None;

            double sum = 0, peak = double.NegativeInfinity, min = double.PositiveInfinity;
            int valid = 0;
            for (int i = 0; i < watts.Length; i++)
            {
                double w = watts[i];
                if (double.IsNaN(w)) continue;
                if (double.IsInfinity(w))
                    throw new ArgumentException($"Bin {i} of trace '{name}' is infinite: watts must be finite, or NaN for an unmeasured bin.", nameof(watts));
                valid++;
                sum += w;
                if (w > peak) peak = w;
                if (w < min) min = w;
            }
            ValidBinCount = valid;
            MeanWatts = valid > 0 ? sum / valid : double.NaN;
            PeakWatts = valid > 0 ? peak : double.NaN;
            MinWatts = valid > 0 ? min : double.NaN;
            EnergyWh = sum * binSeconds / 3600.0;
        }

        /// <summary>A label, e.g. the source file's name or "rack 3".</summary>
        public string Name { get; }

        /// <summary>Level in the hierarchy (Gpu, Node, Server, Rack, Row, Site, Facility).</summary>
        public TraceLevel Level { get; }

        /// <summary>Start of the first bin, UTC.</summary>
        public DateTime StartUtc { get; }

        /// <summary>End of the last bin, UTC.</summary>
        public DateTime EndUtc => StartUtc.AddTicks((long)Math.Round(DurationSeconds * TimeSpan.TicksPerSecond));

        /// <summary>Bin width, seconds.</summary>
        public double BinSeconds { get; }

        /// <summary>Watts per bin (NaN where unmeasured). The trace's own storage: do not modify.</summary>
        public double[] Watts => _watts;

        /// <summary>Number of bins.</summary>
        public int BinCount => _watts.Length;

        /// <summary>Number of bins that hold a measurement (not NaN).</summary>
        public int ValidBinCount { get; }

        /// <summary>Length of the trace, seconds (BinCount · BinSeconds).</summary>
        public double DurationSeconds => _watts.Length * BinSeconds;

        /// <summary>Mean over measured bins, watts; NaN when no bin is measured.</summary>
        public double MeanWatts { get; }

        /// <summary>Highest bin, watts; NaN when no bin is measured.</summary>
        public double PeakWatts { get; }

        /// <summary>Lowest bin, watts; NaN when no bin is measured.</summary>
        public double MinWatts { get; }

        /// <summary>Energy over measured bins, watt-hours.</summary>
        public double EnergyWh { get; }

        /// <summary>Hardware and provenance.</summary>
        public TraceMetadata Metadata { get; }

        /// <summary>Gaps found while binning.</summary>
        public GapReport Gaps { get; }

        /// <summary>Place in a synthesized site; <see cref="HierarchyPosition.None"/> for measured traces.</summary>
        public HierarchyPosition Position { get; }

        /// <summary>UTC start time of bin <paramref name="index"/>.</summary>
        public DateTime BinStartUtc(int index) => StartUtc.AddTicks((long)Math.Round(index * BinSeconds * TimeSpan.TicksPerSecond));

        /// <summary>A new trace over bins [start, start+count) with the same metadata.</summary>
        public PowerSeries Slice(int start, int count, string? name = null)
        {
            if (start < 0 || count < 0 || start + count > _watts.Length)
                throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {start + count}) is outside the trace's {_watts.Length} bins.");
            var w = new double[count];
            Array.Copy(_watts, start, w, 0, count);
            return new PowerSeries(name ?? Name, Level, BinStartUtc(start), BinSeconds, w, Metadata, Gaps, Position);
        }

        /// <summary>A copy with other metadata.</summary>
        public PowerSeries WithMetadata(TraceMetadata metadata)
            => new PowerSeries(Name, Level, StartUtc, BinSeconds, _watts, metadata, Gaps, Position);

        public override string ToString()
            => $"{Name} [{Level}] {StartUtc:yyyy-MM-ddTHH:mm:ss.fffZ} {BinCount} x {BinSeconds} s, mean {MeanWatts:0.#} W, peak {PeakWatts:0.#} W";
    }
}
