using System;

namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>
    /// A daily cycle: rate(t) = trough + (peak − trough) · (1 + cos(2π (h − peakHour) / 24)) / 2,
    /// where h is the UTC hour of day at time t (start time plus offset). Highest at the peak hour,
    /// lowest twelve hours later.
    /// </summary>
    public sealed class DiurnalRate : ArrivalRate
    {
        public DiurnalRate(double peakRatePerSecond, double troughRatePerSecond, double peakHourUtc = 14)
        {
            PeakRatePerSecond = peakRatePerSecond;
            TroughRatePerSecond = troughRatePerSecond;
            PeakHourUtc = peakHourUtc;
        }

        /// <summary>Rate at the peak hour, requests per second.</summary>
        public double PeakRatePerSecond { get; }

        /// <summary>Rate twelve hours from the peak, requests per second.</summary>
        public double TroughRatePerSecond { get; }

        /// <summary>UTC hour of day (0-24, fractional) of the peak.</summary>
        public double PeakHourUtc { get; }

        public override double MaxRatePerSecond => Math.Max(PeakRatePerSecond, TroughRatePerSecond);

        public override double RatePerSecondAt(DateTime startUtc, double seconds)
        {
            double h = startUtc.TimeOfDay.TotalHours + seconds / 3600.0;
            double c = 0.5 * (1 + Math.Cos(2 * Math.PI * (h - PeakHourUtc) / 24.0));
            return TroughRatePerSecond + (PeakRatePerSecond - TroughRatePerSecond) * c;
        }

        internal override void Validate(string parameter)
        {
            if (!(PeakRatePerSecond > 0) || double.IsInfinity(PeakRatePerSecond) || !(TroughRatePerSecond >= 0) || double.IsInfinity(TroughRatePerSecond))
                throw new Errors.InvalidSettingException("NonPositiveRate", parameter,
                    $"The diurnal peak rate must be positive and the trough rate zero or positive (got peak {PeakRatePerSecond}, trough {TroughRatePerSecond} requests/s).");
            if (double.IsNaN(PeakHourUtc) || double.IsInfinity(PeakHourUtc))
                throw new Errors.InvalidSettingException("InvalidPeakHour", parameter, "The peak hour must be a finite hour of day (0-24, UTC).");
        }

        public override string ToString() => $"diurnal {TroughRatePerSecond:0.###}..{PeakRatePerSecond:0.###} req/s, peak {PeakHourUtc:0.#} h UTC";
    }
}
