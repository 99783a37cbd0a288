using System;
using PowerTrace.Core.Synthesis.Workloads;

namespace PowerTrace.Core.Planning
{
    /// <summary>
    /// A daily cycle (as <see cref="DiurnalRate"/>) scaled by steady traffic growth: rate(t) = diurnal(t) · (1 + g)^(years since
    /// <see cref="GrowthOriginUtc"/>), years of 365.2425 days. Bounded by its value at <see cref="HorizonEndUtc"/> (or the origin
    /// when traffic shrinks), which is the thinning envelope.
    /// </summary>
    public sealed class GrowingDiurnalRate : ArrivalRate
    {
        private readonly DiurnalRate _daily;

        public GrowingDiurnalRate(double peakRatePerSecond, double troughRatePerSecond, double peakHourUtc, double growthPerYear, DateTime growthOriginUtc, DateTime horizonEndUtc)
        {
            _daily = new DiurnalRate(peakRatePerSecond, troughRatePerSecond, peakHourUtc);
            GrowthPerYear = growthPerYear;
            GrowthOriginUtc = growthOriginUtc;
            HorizonEndUtc = horizonEndUtc;
        }

        /// <summary>Growth per year as a fraction.</summary>
        public double GrowthPerYear { get; }
        /// <summary>Instant at which the growth factor is 1.</summary>
        public DateTime GrowthOriginUtc { get; }
        /// <summary>Latest instant the rate is used at (fixes the envelope).</summary>
        public DateTime HorizonEndUtc { get; }

        private double Factor(DateTime t) => Math.Pow(1 + GrowthPerYear, (t - GrowthOriginUtc).TotalDays / 365.2425);

        public override double MaxRatePerSecond => _daily.MaxRatePerSecond * Math.Max(Factor(HorizonEndUtc), Factor(GrowthOriginUtc));

        public override double RatePerSecondAt(DateTime startUtc, double seconds)
            => Math.Min(MaxRatePerSecond, _daily.RatePerSecondAt(startUtc, seconds) * Factor(startUtc.AddSeconds(seconds)));

        public override string ToString() => $"{_daily}, growing {GrowthPerYear:P1} a year from {GrowthOriginUtc:yyyy-MM-dd}";
    }
}
