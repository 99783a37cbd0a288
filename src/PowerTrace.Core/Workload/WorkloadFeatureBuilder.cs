using System;
using System.Globalization;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis;

namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// Builds per-bin workload features on a power trace's grid from what was measured alongside it:
    /// a request log (<see cref="FromRequests"/>) or an engine-state series (<see cref="FromEngineState"/>).
    /// </summary>
    /// <remarks>
    /// Bin i covers [startUtc + i·binSeconds, startUtc + (i+1)·binSeconds). Counts (active, decode batch,
    /// waiting) are time-weighted averages over the bin; new arrivals are counts per bin; prompt tokens are
    /// the tokens prefilled during the bin. Error ids: <c>WorkloadDoesNotOverlapTrace</c> (the log and the bins
    /// do not overlap; the message says by how much), <c>WorkloadLatencyUnknown</c> (a request has no
    /// measured TTFT/latency and no profile was given), <c>EngineStateDoesNotCoverTrace</c> (bins outside the
    /// engine-state series' span).
    /// </remarks>
    public static class WorkloadFeatureBuilder
    {
        /// <summary>
        /// Features from a measured request log. Request i arrives at <c>log.StartUtc + ArrivalSeconds[i]</c>
        /// (a log without StartUtc is taken to start at <paramref name="startUtc"/>).
        /// </summary>
        /// <remarks>
        /// <para>Where TTFT and end-to-end latency are measured: the request is active over [arrival, arrival+latency],
        /// prefills over [arrival, arrival+TTFT] (its prompt tokens spread evenly over that span; all in the
        /// arrival bin when TTFT is 0) and decodes over [arrival+TTFT, arrival+latency]. Queueing cannot be told
        /// apart from prefill in measured TTFT, so WaitingRequests stays 0 for measured requests.</para>
        /// <para>Where only one of the two is measured, the other comes from <paramref name="profile"/> served alone
        /// (TTFT = min(latency, PrefillSeconds), or latency = TTFT + DecodeSeconds). Where neither is measured for
        /// any request, the whole log is emulated with <see cref="ServingEmulator"/> (queue-aware, fills
        /// WaitingRequests); where neither is measured for some requests only, those take the profile's
        /// uncontended durations. Without a profile, any request lacking measurements is an error.</para>
        /// </remarks>
        public static WorkloadFeatures FromRequests(RequestTrace log, DateTime startUtc, double binSeconds, int binCount, ServingProfile? profile)
        {
            if (log == null) throw new ArgumentNullException(nameof(log));
            CheckGrid(binSeconds, binCount);
            startUtc = AsUtc(startUtc);
            var f = new WorkloadFeatures(binSeconds, binCount);
            int n = log.Count;
            if (n == 0) return f;
            double offset = log.StartUtc.HasValue ? (log.StartUtc.Value - startUtc).TotalSeconds : 0.0;
            double horizon = binCount * binSeconds;
            double[]? ttftA = log.TtftSeconds, latA = log.LatencySeconds;

            int measured = 0, unknown = 0;
            for (int i = 0; i < n; i++)
            {
                bool hasT = ttftA != null && IsMeasured(ttftA[i]);
                bool hasL = latA != null && IsMeasured(latA[i]);
                if (hasT && hasL) measured++;
                else if (!hasT && !hasL) unknown++;
            }
            if (measured < n && profile == null)
                throw new PowerTraceException("WorkloadLatencyUnknown",
                    $"Request log '{log.Name}': {n - measured} of {n} requests lack a measured time to first token or end-to-end latency; pass a serving profile (learned with ServingProfileLearner) so their prefill and decode can be emulated.");

            // Span of the log on the grid, for the overlap check.
            double first = offset + log.ArrivalSeconds[0];
            double last = offset + log.ArrivalSeconds[n - 1];
            for (int i = 0; i < n; i++)
            {
                double end = offset + log.ArrivalSeconds[i] + EndToEnd(log, i, profile);
                if (end > last) last = end;
            }
            CheckOverlap(first, last, horizon, startUtc, "request log '" + log.Name + "'");

            if (unknown == n)
            {
                var arrivals = new double[n];
                for (int i = 0; i < n; i++) arrivals[i] = offset + log.ArrivalSeconds[i];
                var work = new ServerWorkload(new ArraySegment<double>(arrivals), new ArraySegment<int>(log.PromptTokens), new ArraySegment<int>(log.OutputTokens));
                new ServingEmulator(profile!).Emulate(work, f, binCount);
                return f;
            }

            var active = new BinIntegrator(); active.Reset(binSeconds, binCount);
            var decode = new BinIntegrator(); decode.Reset(binSeconds, binCount);
            var prompt = new BinIntegrator(); prompt.Reset(binSeconds, binCount);
            for (int i = 0; i < n; i++)
            {
                double a = offset + log.ArrivalSeconds[i];
                Durations(log, i, profile, out double ttft, out double lat);
                if (a >= 0 && a < horizon) { int b = (int)(a / binSeconds); if (b < binCount) f.NewArrivals[b] += 1f; }
                active.Add(f.ActiveRequests, a, a + lat, 1.0);
                decode.Add(f.DecodeBatchSize, a + ttft, a + lat, 1.0);
                int pt = log.PromptTokens[i];
                if (pt > 0)
                {
                    if (ttft > 0) prompt.Add(f.PromptTokensInFlight, a, a + ttft, pt / ttft * binSeconds);
                    else if (a >= 0 && a < horizon) { int b = (int)(a / binSeconds); if (b < binCount) f.PromptTokensInFlight[b] += pt; }
                }
            }
            active.Flush(f.ActiveRequests);
            decode.Flush(f.DecodeBatchSize);
            prompt.Flush(f.PromptTokensInFlight);
            return f;
        }

        /// <summary>
        /// Features from an engine-state series (e.g. vLLM's 1 Hz <c>loggers.py</c> lines). Sample i describes the
        /// interval of the series' nominal spacing (median sample gap) ending at its time.
        /// </summary>
        /// <remarks>
        /// <para>Running → ActiveRequests and DecodeBatchSize (the engine counts prefilling requests as running): Running is
        /// a snapshot at the log time, the throughputs cover the interval before it, so an interval is busy when its
        /// generation or prompt throughput is positive or the previous sample had requests running, and the count over
        /// it is the mean of the opening and closing snapshots (at least 1 while busy);
        /// Waiting → WaitingRequests; prompt throughput × interval → PromptTokensInFlight spread evenly over
        /// the interval; NewArrivals = the rise of running + waiting from the previous sample (a lower bound:
        /// arrivals that finish within one interval are not seen), spread over the interval.</para>
        /// <para>Gaps inside the series: vLLM prints nothing while idle, so a gap after a sample with nothing
        /// running or waiting is idle; a gap after a busy sample holds that sample's counts (no prompt tokens).</para>
        /// <para>Coverage: features are not invented outside the series. Bins before its first interval or after
        /// its last sample raise <c>EngineStateDoesNotCoverTrace</c>, unless <paramref name="idleOutsideSpan"/> is true:
        /// then they are idle (right for a vLLM log that starts before the first request and ends after the last,
        /// since the engine logs nothing while idle). No overlap at all raises <c>WorkloadDoesNotOverlapTrace</c>.</para>
        /// </remarks>
        public static WorkloadFeatures FromEngineState(EngineStateSeries s, DateTime startUtc, double binSeconds, int binCount, bool idleOutsideSpan = false)
        {
            if (s == null) throw new ArgumentNullException(nameof(s));
            CheckGrid(binSeconds, binCount);
            startUtc = AsUtc(startUtc);
            int n = s.Count;
            if (n == 0)
                throw new InvalidSettingException("WorkloadDoesNotOverlapTrace", "EngineState", $"Engine-state series '{s.Name}' has no samples.");
            double interval = NominalInterval(s.TimeSeconds);
            double offset = (s.StartUtc - startUtc).TotalSeconds;
            double horizon = binCount * binSeconds;
            double spanStart = offset + s.TimeSeconds[0] - interval;
            double spanEnd = offset + s.TimeSeconds[n - 1];
            CheckOverlap(spanStart, spanEnd, horizon, startUtc, "engine-state series '" + s.Name + "'");
            if (!idleOutsideSpan && (spanStart > 1e-9 || spanEnd < horizon - 1e-9))
            {
                string msg = $"Engine-state series '{s.Name}' covers {Utc(startUtc, spanStart)} to {Utc(startUtc, spanEnd)} UTC, but the bins run from {Utc(startUtc, 0)} to {Utc(startUtc, horizon)} UTC";
                if (spanStart > 1e-9) msg += $"; the first {Sec(spanStart)} s are not covered";
                if (spanEnd < horizon - 1e-9) msg += $"; the last {Sec(horizon - spanEnd)} s are not covered";
                msg += ". Trim the power trace to the series' span, or treat uncovered time as idle (vLLM logs nothing while idle).";
                throw new InvalidSettingException("EngineStateDoesNotCoverTrace", "EngineState", msg);
            }

            var f = new WorkloadFeatures(binSeconds, binCount);
            var active = new BinIntegrator(); active.Reset(binSeconds, binCount);
            var decode = new BinIntegrator(); decode.Reset(binSeconds, binCount);
            var waiting = new BinIntegrator(); waiting.Reset(binSeconds, binCount);
            var prompt = new BinIntegrator(); prompt.Reset(binSeconds, binCount);
            var arrivals = new BinIntegrator(); arrivals.Reset(binSeconds, binCount);
            int prevInSystem = 0;
            for (int i = 0; i < n; i++)
            {
                double t1 = offset + s.TimeSeconds[i];
                double t0 = t1 - interval;
                if (i > 0)
                {
                    double prevEnd = offset + s.TimeSeconds[i - 1];
                    if (t0 < prevEnd) t0 = prevEnd;
                    else if (t0 > prevEnd && prevInSystem > 0)
                    {
                        // Gap after a busy sample: hold its counts.
                        active.Add(f.ActiveRequests, prevEnd, t0, s.Running[i - 1]);
                        decode.Add(f.DecodeBatchSize, prevEnd, t0, s.Running[i - 1]);
                        waiting.Add(f.WaitingRequests, prevEnd, t0, s.Waiting[i - 1]);
                    }
                }
                double len = t1 - t0;
                int run = s.Running[i], wait = s.Waiting[i];
                double inFlight = InFlightOver(s, i);
                active.Add(f.ActiveRequests, t0, t1, inFlight);
                decode.Add(f.DecodeBatchSize, t0, t1, inFlight);
                waiting.Add(f.WaitingRequests, t0, t1, wait);
                double p = s.PromptTokensPerSecond[i];
                if (p > 0 && len > 0) prompt.Add(f.PromptTokensInFlight, t0, t1, p * binSeconds);
                int inSystem = run + wait;
                int rise = inSystem - prevInSystem;
                if (rise > 0 && len > 0) arrivals.Add(f.NewArrivals, t0, t1, rise * binSeconds / len);
                prevInSystem = inSystem;
            }
            active.Flush(f.ActiveRequests);
            decode.Flush(f.DecodeBatchSize);
            waiting.Flush(f.WaitingRequests);
            prompt.Flush(f.PromptTokensInFlight);
            arrivals.Flush(f.NewArrivals);
            return f;
        }

        /// <summary>
        /// Requests in flight over the interval that sample <paramref name="i"/> closes. Running is a snapshot at the log
        /// time while the throughputs cover the interval before it, so: the interval is busy when its generation or
        /// prompt throughput is positive or the previous sample had requests running (a request that finished
        /// mid-interval kept the GPU busy though the closing snapshot reads 0); the count over it is the mean of the
        /// two snapshots (the closing one alone for the first sample); a busy interval whose snapshots both read 0
        /// (work that started and finished inside it) counts one request.
        /// </summary>
        internal static double InFlightOver(EngineStateSeries s, int i)
        {
            int prev = i > 0 ? s.Running[i - 1] : 0;
            double mean = i > 0 ? 0.5 * (prev + s.Running[i]) : s.Running[i];
            bool busy = s.GenerationTokensPerSecond[i] > 0 || s.PromptTokensPerSecond[i] > 0 || prev > 0;
            return busy ? Math.Max(mean, 1.0) : mean;
        }

        /// <summary>The series' nominal sample spacing: the median positive gap between samples (1 s for a single sample).</summary>
        public static double NominalInterval(double[] timeSeconds)
        {
            int n = timeSeconds.Length;
            if (n < 2) return 1.0;
            var gaps = new double[n - 1];
            int k = 0;
            for (int i = 1; i < n; i++) { double g = timeSeconds[i] - timeSeconds[i - 1]; if (g > 0) gaps[k++] = g; }
            if (k == 0) return 1.0;
            Array.Sort(gaps, 0, k);
            return k % 2 == 1 ? gaps[k / 2] : 0.5 * (gaps[k / 2 - 1] + gaps[k / 2]);
        }

        private static bool IsMeasured(double v) => !double.IsNaN(v) && !double.IsInfinity(v) && v >= 0;

        private static double EndToEnd(RequestTrace log, int i, ServingProfile? profile)
        {
            if (profile == null && (log.LatencySeconds == null || !IsMeasured(log.LatencySeconds[i]))) return 0;
            Durations(log, i, profile, out _, out double lat);
            return lat;
        }

        /// <summary>TTFT and latency of request i: measured where present, else the profile's uncontended durations.</summary>
        private static void Durations(RequestTrace log, int i, ServingProfile? profile, out double ttft, out double lat)
        {
            double t = log.TtftSeconds != null ? log.TtftSeconds[i] : double.NaN;
            double l = log.LatencySeconds != null ? log.LatencySeconds[i] : double.NaN;
            bool hasT = IsMeasured(t), hasL = IsMeasured(l);
            if (hasT && hasL) { ttft = Math.Min(t, l); lat = l; return; }
            var p = profile!;
            if (hasL) { ttft = Math.Min(l, p.PrefillSeconds(log.PromptTokens[i])); lat = l; return; }
            ttft = hasT ? t : p.PrefillSeconds(log.PromptTokens[i]);
            lat = ttft + p.DecodeSeconds(log.OutputTokens[i]);
        }

        private static void CheckGrid(double binSeconds, int binCount)
        {
            if (!(binSeconds > 0) || double.IsInfinity(binSeconds))
                throw new InvalidSettingException("InvalidBinSeconds", "BinSeconds", $"Bin width must be a positive number of seconds, not {binSeconds}.");
            if (binCount < 1)
                throw new InvalidSettingException("InvalidBinCount", "BinCount", $"Bin count must be at least 1, not {binCount}.");
        }

        private static void CheckOverlap(double first, double last, double horizon, DateTime startUtc, string what)
        {
            if (last <= 0 || first >= horizon)
            {
                string by = last <= 0
                    ? $"it ends {Sec(-last)} s before the trace starts"
                    : $"it starts {Sec(first - horizon)} s after the trace ends";
                throw new InvalidSettingException("WorkloadDoesNotOverlapTrace", "StartUtc",
                    $"The {what} spans {Utc(startUtc, first)} to {Utc(startUtc, last)} UTC and the power trace {Utc(startUtc, 0)} to {Utc(startUtc, horizon)} UTC: {by}. Check the log's clock (time zone or offset) and the trace's start.");
            }
        }

        private static DateTime AsUtc(DateTime t) =>
            t.Kind == DateTimeKind.Utc ? t : t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc);

        private static string Utc(DateTime start, double seconds) =>
            start.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

        private static string Sec(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
