using System;
using PowerTrace.Core.Numerics;

namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>
    /// The rate of a (possibly time-varying) Poisson arrival process, requests per second.
    /// Arrivals are drawn by thinning: candidates at <see cref="MaxRatePerSecond"/>, each kept with
    /// probability rate(t) / max. Randomly routing such a stream over N servers gives N independent
    /// Poisson streams at rate(t) / N, which is what lets synthesis draw each server's arrivals alone.
    /// </summary>
    public abstract class ArrivalRate
    {
        /// <summary>Upper bound of the rate over any horizon, requests per second (the thinning envelope).</summary>
        public abstract double MaxRatePerSecond { get; }

        /// <summary>
        /// Rate at <paramref name="seconds"/> after <paramref name="startUtc"/>, requests per second
        /// (never negative, never above <see cref="MaxRatePerSecond"/>).
        /// </summary>
        public abstract double RatePerSecondAt(DateTime startUtc, double seconds);

        /// <summary>True when the rate never changes (no thinning needed).</summary>
        public virtual bool IsConstant => false;

        /// <summary>Mean rate over [0, horizon), requests per second (numeric, 1 s steps for varying rates).</summary>
        public virtual double MeanRatePerSecond(DateTime startUtc, double horizonSeconds)
        {
            if (IsConstant) return MaxRatePerSecond;
            int steps = Math.Max(1, (int)Math.Min(1e6, Math.Ceiling(horizonSeconds)));
            double dt = horizonSeconds / steps, sum = 0;
            for (int i = 0; i < steps; i++) sum += RatePerSecondAt(startUtc, (i + 0.5) * dt);
            return sum / steps;
        }

        /// <summary>Throws <c>NonPositiveRate</c> when the rate is never positive or not finite.</summary>
        internal virtual void Validate(string parameter)
        {
            if (!(MaxRatePerSecond > 0) || double.IsInfinity(MaxRatePerSecond))
                throw new Errors.InvalidSettingException("NonPositiveRate", parameter,
                    $"The arrival rate must be a positive, finite number of requests per second (got a peak of {MaxRatePerSecond}).");
        }

        /// <summary>
        /// Draws the arrivals of a Poisson process at <paramref name="share"/> times this rate over
        /// [0, horizon), with token lengths from <paramref name="tokens"/>, appending to <paramref name="into"/>.
        /// </summary>
        internal void Generate(DateTime startUtc, double horizonSeconds, double share, TokenLengthDistribution tokens, ref Rng rng, RequestBuffer into)
            => Generate(startUtc, 0, horizonSeconds, share, tokens, ref rng, into);

        /// <summary>
        /// As above over [<paramref name="fromSeconds"/>, horizon) relative to <paramref name="startUtc"/>
        /// (fromSeconds &lt;= 0 adds a warm-up before the horizon); arrival times are recorded from
        /// fromSeconds, i.e. as t − fromSeconds.
        /// </summary>
        internal void Generate(DateTime startUtc, double fromSeconds, double horizonSeconds, double share, TokenLengthDistribution tokens, ref Rng rng, RequestBuffer into)
        {
            double envelope = MaxRatePerSecond * share;
            if (!(envelope > 0)) return;
            bool constant = IsConstant;
            double max = MaxRatePerSecond;
            double span = horizonSeconds - fromSeconds;
            double t = 0;
            while (true)
            {
                t += rng.NextExponential(envelope);
                if (t >= span) break;
                if (!constant && rng.NextDouble() * max >= RatePerSecondAt(startUtc, fromSeconds + t)) continue;
                tokens.Sample(ref rng, out int p, out int o);
                into.Add(t, p, o);
            }
        }
    }
}
