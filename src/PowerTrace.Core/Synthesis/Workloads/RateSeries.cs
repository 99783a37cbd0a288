using System;
using System.Collections.Generic;

namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>
    /// A user-given rate: one value per fixed interval (requests per second, piecewise constant),
    /// starting at horizon second 0. A horizon longer than the series repeats it from the start.
    /// </summary>
    public sealed class RateSeries : ArrivalRate
    {
        private readonly double[] _rates;
        private readonly double _max;

        public RateSeries(IReadOnlyList<double> ratesPerSecond, double intervalSeconds)
        {
            if (ratesPerSecond == null) throw new ArgumentNullException(nameof(ratesPerSecond));
            _rates = new double[ratesPerSecond.Count];
            for (int i = 0; i < _rates.Length; i++) _rates[i] = ratesPerSecond[i];
            IntervalSeconds = intervalSeconds;
            double m = 0;
            foreach (double r in _rates) if (r > m) m = r;
            _max = m;
        }

        /// <summary>Requests per second in each interval (a copy).</summary>
        public double[] RatesPerSecond => (double[])_rates.Clone();

        /// <summary>Width of each interval, seconds.</summary>
        public double IntervalSeconds { get; }

        public override double MaxRatePerSecond => _max;

        public override double RatePerSecondAt(DateTime startUtc, double seconds)
        {
            // The series repeats; times before its start (a warm-up) take the end of the previous cycle.
            long i = (long)Math.Floor(seconds / IntervalSeconds) % _rates.Length;
            if (i < 0) i += _rates.Length;
            return _rates[(int)i];
        }

        internal override void Validate(string parameter)
        {
            if (_rates.Length == 0 || !(IntervalSeconds > 0) || double.IsInfinity(IntervalSeconds))
                throw new Errors.InvalidSettingException("NonPositiveRate", parameter, "A rate series needs at least one value and a positive interval.");
            foreach (double r in _rates)
                if (!(r >= 0) || double.IsInfinity(r))
                    throw new Errors.InvalidSettingException("NonPositiveRate", parameter, $"Every rate in the series must be zero or positive and finite (got {r}).");
            base.Validate(parameter);
        }

        public override string ToString() => $"rate series, {_rates.Length} x {IntervalSeconds:0.###} s, peak {_max:0.###} req/s";
    }
}
