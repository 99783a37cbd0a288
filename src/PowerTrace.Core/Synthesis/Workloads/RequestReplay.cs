using System;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>
    /// Replays a request log as the site's traffic. The first logged arrival becomes horizon second 0.
    /// With a target rate, inter-arrival times are scaled by (log's mean rate / target rate), so the
    /// shape of the traffic is kept and only its speed changes. A log shorter than the horizon is
    /// looped (each copy starts one mean inter-arrival gap after the previous copy's last request);
    /// requests at or after the horizon are cut.
    /// </summary>
    public sealed class RequestReplay
    {
        public RequestReplay(RequestTrace trace, double? targetRatePerSecond = null, bool loop = true)
        {
            Trace = trace ?? throw new ArgumentNullException(nameof(trace));
            TargetRatePerSecond = targetRatePerSecond;
            Loop = loop;
        }

        /// <summary>The log replayed.</summary>
        public RequestTrace Trace { get; }

        /// <summary>Mean arrival rate to scale the log to, requests per second; null keeps its own timing.</summary>
        public double? TargetRatePerSecond { get; }

        /// <summary>Repeat the log until the horizon is filled.</summary>
        public bool Loop { get; }

        /// <summary>Factor applied to the log's inter-arrival times (1 without a target rate).</summary>
        public double TimeScale
            => TargetRatePerSecond.HasValue && Trace.MeanRatePerSecond > 0 ? Trace.MeanRatePerSecond / TargetRatePerSecond.Value : 1.0;

        internal void Validate(string parameter)
        {
            if (Trace.Count == 0)
                throw new Errors.InvalidSettingException("EmptyRequestTrace", parameter, $"The request log '{Trace.Name}' has no requests to replay.");
            if (TargetRatePerSecond.HasValue && (!(TargetRatePerSecond.Value > 0) || double.IsInfinity(TargetRatePerSecond.Value)))
                throw new Errors.InvalidSettingException("NonPositiveRate", "TargetRatePerSecond",
                    $"The target rate must be a positive, finite number of requests per second (got {TargetRatePerSecond.Value}).");
            if (TargetRatePerSecond.HasValue && !(Trace.MeanRatePerSecond > 0))
                throw new Errors.InvalidSettingException("NonPositiveRate", parameter, $"The request log '{Trace.Name}' spans no time, so it cannot be scaled to a rate.");
        }

        /// <summary>
        /// The site's requests over [0, horizon). Token lengths come from the log unless
        /// <paramref name="tokens"/> is given (then drawn with <paramref name="rng"/>, one draw per request in order).
        /// </summary>
        internal void Build(double horizonSeconds, TokenLengthDistribution? tokens, ref Rng rng, RequestBuffer into)
        {
            var cursor = default(ReplayCursor);
            BuildRange(0, horizonSeconds, tokens, ref rng, into, ref cursor);
        }

        /// <summary>Mean rate the replay runs at, requests per second (its log's mean rate scaled by <see cref="TimeScale"/>).</summary>
        internal double ReplayRatePerSecond => Trace.MeanRatePerSecond > 0 ? Trace.MeanRatePerSecond / TimeScale : Trace.Count;

        /// <summary>
        /// The requests of <see cref="Build"/> that arrive in [<paramref name="fromSeconds"/>, <paramref name="toSeconds"/>),
        /// continuing from <paramref name="cursor"/> (start with a default cursor and pass it back for the next window;
        /// windows must follow each other). Consecutive windows together give exactly <see cref="Build"/>'s requests and
        /// generator use.
        /// </summary>
        internal void BuildRange(double fromSeconds, double toSeconds, TokenLengthDistribution? tokens, ref Rng rng, RequestBuffer into, ref ReplayCursor cursor)
        {
            double[] a = Trace.ArrivalSeconds;
            int n = a.Length;
            double a0 = a[0], scale = TimeScale;
            double span = (a[n - 1] - a0) * scale;
            double gap = n > 1 && span > 0 ? span / (n - 1) : 1.0;
            double period = span + gap;
            while (!cursor.Done)
            {
                double offset = cursor.Copy * period;
                if (offset >= toSeconds) return;
                for (; cursor.Index < n; cursor.Index++)
                {
                    int i = cursor.Index;
                    double t = offset + (a[i] - a0) * scale;
                    if (t >= toSeconds) return;
                    int p, o;
                    if (tokens != null) tokens.Sample(ref rng, out p, out o);
                    else { p = Math.Max(1, Trace.PromptTokens[i]); o = Math.Max(1, Trace.OutputTokens[i]); }
                    if (t >= fromSeconds) into.Add(t, p, o);
                }
                cursor.Index = 0;
                cursor.Copy++;
                if (!Loop) cursor.Done = true;
            }
        }

        public override string ToString() => $"replay of {Trace.Name}" + (TargetRatePerSecond.HasValue ? $" at {TargetRatePerSecond.Value:0.###} req/s" : "");
    }

    /// <summary>Where a windowed replay (<see cref="RequestReplay.BuildRange"/>) stopped: the copy of the log and the request within it.</summary>
    internal struct ReplayCursor
    {
        public long Copy;
        public int Index;
        public bool Done;
    }
}
