using System;
using System.Globalization;
using PowerTrace.Core.Errors;

namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// Learns a <see cref="ServingProfile"/> (prefill and decode token rates) from what was measured while a
    /// configuration served traffic: a request log with TTFT and latency, or an engine-state series.
    /// </summary>
    /// <remarks>
    /// The concurrency limit and the chunked-prefill budget cannot be read from either source reliably, so they
    /// are parameters with vLLM's defaults: <c>max_num_seqs</c> = 256 and <c>max_num_batched_tokens</c> = 2048
    /// (vLLM V1 online serving; 8192 is common on H100-class GPUs: pass it when the engine was started so).
    /// Error id: <c>ServingProfileNotLearnable</c> when the source has too little of what the fit needs.
    /// </remarks>
    public static class ServingProfileLearner
    {
        /// <summary>
        /// True when the log has measured TTFT and end-to-end latency columns (what <see cref="FromRequests"/> needs); logs
        /// with arrivals and token counts only go through <see cref="ServingRateInference"/> with the power trace instead.
        /// </summary>
        public static bool HasLatency(RequestTrace log) => log != null && log.TtftSeconds != null && log.LatencySeconds != null;

        /// <summary>
        /// Fits the profile to a request log with measured TTFT and end-to-end latency (least squares).
        /// </summary>
        /// <remarks>
        /// <para>Prefill: TTFT = c + promptTokens / PrefillTokensPerSecond over the requests whose prefill overlapped no
        /// other request (all requests when fewer than 5 such); c absorbs scheduling and network overhead.</para>
        /// <para>Decode: per request, time per step τ = (latency − TTFT − time spent prefilling other requests meanwhile)
        /// / (outputTokens − 1) against the time-averaged
        /// number of requests decoding during its decode span b (from the log itself):
        /// τ = (1 + slowdown·(b − 1)) / DecodeStepsPerSecond, fitted by least squares weighted by the request's steps.</para>
        /// </remarks>
        public static ServingProfile FromRequests(RequestTrace log,
            int maxConcurrentRequests = ServingProfile.DefaultMaxConcurrentRequests,
            int maxBatchedPromptTokens = ServingProfile.DefaultMaxBatchedPromptTokens,
            PrefillInterleave interleave = PrefillInterleave.ChunkedPrefill)
        {
            if (log == null) throw new ArgumentNullException(nameof(log));
            if (log.TtftSeconds == null || log.LatencySeconds == null)
                throw new PowerTraceException("ServingProfileNotLearnable",
                    $"Request log '{log.Name}' has no measured time to first token and end-to-end latency; a serving profile can only be learned from a log that has both (or from an engine-state series, or from the power trace recorded beside the log: ServingRateInference).");
            int n = log.Count;
            var use = new int[n]; int m = 0;
            for (int i = 0; i < n; i++)
            {
                double t = log.TtftSeconds[i], l = log.LatencySeconds[i];
                if (t >= 0 && l >= t && !double.IsInfinity(l)) use[m++] = i;
            }
            if (m < 2)
                throw new PowerTraceException("ServingProfileNotLearnable",
                    $"Request log '{log.Name}': only {m} of {n} requests have a valid TTFT and latency (0 <= TTFT <= latency); at least 2 are needed.");

            var a = new double[m]; var pStart = new double[m]; var pEnd = new double[m]; var dEnd = new double[m];
            for (int k = 0; k < m; k++)
            {
                int i = use[k];
                a[k] = log.ArrivalSeconds[i];
                pStart[k] = a[k];
                pEnd[k] = a[k] + log.TtftSeconds[i];
                dEnd[k] = a[k] + log.LatencySeconds[i];
            }
            var activeCount = new StepIntegral(pStart, dEnd, m);
            var decodeCount = new StepIntegral(pEnd, dEnd, m);

            // Prefill rate.
            var x = new double[m]; var y = new double[m]; var w = new double[m];
            int q = 0;
            for (int k = 0; k < m; k++)
            {
                if (pEnd[k] > pStart[k] && activeCount.Average(pStart[k], pEnd[k]) <= 1.0 + 1e-9)
                { x[q] = log.PromptTokens[use[k]]; y[q] = pEnd[k] - pStart[k]; w[q] = 1; q++; }
            }
            bool alone = q >= 5;
            if (!alone)
            {
                q = 0;
                for (int k = 0; k < m; k++) { x[q] = log.PromptTokens[use[k]]; y[q] = pEnd[k] - pStart[k]; w[q] = 1; q++; }
            }
            int prefillCount = q;
            double prefillRate;
            if (Fit(x, y, w, q, out double c0, out double slope) && slope > 0) prefillRate = 1.0 / slope;
            else
            {
                double sp = 0, st = 0;
                for (int k = 0; k < q; k++) { sp += x[k]; st += y[k]; }
                if (!(sp > 0 && st > 0))
                    throw new PowerTraceException("ServingProfileNotLearnable", $"Request log '{log.Name}': no prompt tokens or no prefill time to learn a prefill rate from.");
                prefillRate = sp / st; c0 = 0;
            }

            // Decode step time against the decode batch, less the time the node spent prefilling others
            // during the span (chunked prefill makes those steps longer by chunk / prefill rate).
            var promptRate = new double[m];
            for (int k = 0; k < m; k++) promptRate[k] = pEnd[k] > pStart[k] ? log.PromptTokens[use[k]] / (pEnd[k] - pStart[k]) : 0;
            var promptFlow = new StepIntegral(pStart, pEnd, m, promptRate);
            q = 0;
            for (int k = 0; k < m; k++)
            {
                int steps = ServingProfile.DecodeSteps(log.OutputTokens[use[k]]);
                double span = dEnd[k] - pEnd[k];
                if (steps < 1 || !(span > 0)) continue;
                double prefillSeconds = (promptFlow.Integral(dEnd[k]) - promptFlow.Integral(pEnd[k])) / prefillRate;
                x[q] = decodeCount.Average(pEnd[k], dEnd[k]) - 1.0;
                y[q] = Math.Max(span - prefillSeconds, 0.5 * span) / steps;
                w[q] = steps;
                q++;
            }
            if (q < 1)
                throw new PowerTraceException("ServingProfileNotLearnable", $"Request log '{log.Name}': no request with more than one output token and a decode span to learn a decode rate from.");
            Decode(x, y, w, q, out double stepsPerSecond, out double slowdown);

            string from = string.Format(CultureInfo.InvariantCulture,
                "RequestLog '{0}': {1} requests; prefill fitted on {2} ({3}), TTFT overhead {4:0.###} s; decode fitted on {5} requests",
                log.Name, m, alone ? "requests prefilled alone" : "all requests", prefillCount, c0, q);
            return new ServingProfile(prefillRate, stepsPerSecond, slowdown, maxConcurrentRequests, maxBatchedPromptTokens, interleave, from, false);
        }

        /// <summary>
        /// Fits the profile to an engine-state series (vLLM's periodic throughput lines).
        /// </summary>
        /// <remarks>
        /// <para>Decode: from intervals with no prompt throughput and requests running at both ends, the step time
        /// b / generationThroughput against the mean running count b, by least squares as in <see cref="FromRequests"/>.</para>
        /// <para>Prefill: a 1 Hz log cannot time a burst of prompts that is prefilled inside one interval; only an
        /// interval with prompt throughput on both neighbours was busy with prefill throughout, and there
        /// PrefillTokensPerSecond = promptThroughput / (1 − share of the interval spent on decode steps). Where no such
        /// interval exists, the highest prompt throughput seen is used and flagged as a lower bound
        /// (<see cref="ServingProfile.PrefillRateIsLowerBound"/>).</para>
        /// </remarks>
        public static ServingProfile FromEngineState(EngineStateSeries s,
            int maxConcurrentRequests = ServingProfile.DefaultMaxConcurrentRequests,
            int maxBatchedPromptTokens = ServingProfile.DefaultMaxBatchedPromptTokens,
            PrefillInterleave interleave = PrefillInterleave.ChunkedPrefill)
        {
            if (s == null) throw new ArgumentNullException(nameof(s));
            int n = s.Count;
            var x = new double[n]; var y = new double[n]; var w = new double[n];
            int q = 0;
            for (int i = 1; i < n; i++)
            {
                if (s.PromptTokensPerSecond[i] > 0 || s.PromptTokensPerSecond[i - 1] > 0) continue;
                if (s.Running[i] <= 0 || s.Running[i - 1] <= 0 || !(s.GenerationTokensPerSecond[i] > 0)) continue;
                double b = 0.5 * (s.Running[i] + s.Running[i - 1]);
                x[q] = b - 1.0;
                y[q] = b / s.GenerationTokensPerSecond[i];
                w[q] = 1;
                q++;
            }
            if (q < 1)
                throw new PowerTraceException("ServingProfileNotLearnable",
                    $"Engine-state series '{s.Name}' has no interval of pure decoding (generation throughput with requests running and no prompt throughput); a decode rate cannot be learned from it.");
            int decodeSamples = q;
            Decode(x, y, w, q, out double stepsPerSecond, out double slowdown);

            double maxPrompt = 0; int sustained = 0;
            var rates = new double[n];
            for (int i = 0; i < n; i++)
            {
                double p = s.PromptTokensPerSecond[i];
                if (p > maxPrompt) maxPrompt = p;
                if (i == 0 || i == n - 1 || !(p > 0) || !(s.PromptTokensPerSecond[i - 1] > 0) || !(s.PromptTokensPerSecond[i + 1] > 0)) continue;
                double b = 0.5 * (s.Running[i] + s.Running[i - 1]);
                double decodeShare = b > 0 ? s.GenerationTokensPerSecond[i] / b * (1.0 + slowdown * (b - 1)) / stepsPerSecond : 0;
                if (decodeShare < 0.9) rates[sustained++] = p / (1.0 - decodeShare);
            }
            if (!(maxPrompt > 0))
                throw new PowerTraceException("ServingProfileNotLearnable", $"Engine-state series '{s.Name}' shows no prompt throughput; a prefill rate cannot be learned from it.");
            double prefillRate; bool lowerBound;
            if (sustained > 0) { Array.Sort(rates, 0, sustained); prefillRate = rates[sustained / 2]; lowerBound = false; }
            else { prefillRate = maxPrompt; lowerBound = true; }

            string from = string.Format(CultureInfo.InvariantCulture,
                "EngineState '{0}': {1} samples; decode fitted on {2} pure-decode intervals; prefill {3}",
                s.Name, n, decodeSamples,
                lowerBound ? "= highest prompt throughput seen (lower bound: no interval was busy with prefill throughout)" : $"from {sustained} intervals busy with prefill throughout");
            return new ServingProfile(prefillRate, stepsPerSecond, slowdown, maxConcurrentRequests, maxBatchedPromptTokens, interleave, from, lowerBound);
        }

        /// <summary>Step time τ = α + β·(b − 1): DecodeStepsPerSecond = 1/α, slowdown = β/α (β clipped at 0).</summary>
        private static void Decode(double[] x, double[] y, double[] w, int q, out double stepsPerSecond, out double slowdown)
        {
            if (Fit(x, y, w, q, out double alpha, out double beta) && alpha > 0 && beta >= 0)
            {
                stepsPerSecond = 1.0 / alpha;
                slowdown = beta / alpha;
                return;
            }
            // No spread of batch sizes, or a negative slope: a constant step time at batch 1.
            double sw = 0, swy = 0, swx = 0;
            for (int k = 0; k < q; k++) { sw += w[k]; swy += w[k] * y[k]; swx += w[k] * x[k]; }
            double tau = swy / sw;
            if (Fit(x, y, w, q, out alpha, out beta) && alpha > 0 && beta < 0) tau = alpha; // extrapolate to batch 1
            stepsPerSecond = 1.0 / tau;
            slowdown = 0;
        }

        /// <summary>Weighted least squares y = a + b·x; false when x has no spread.</summary>
        private static bool Fit(double[] x, double[] y, double[] w, int q, out double a, out double b)
        {
            double sw = 0, sx = 0, sy = 0;
            for (int k = 0; k < q; k++) { sw += w[k]; sx += w[k] * x[k]; sy += w[k] * y[k]; }
            a = b = 0;
            if (!(sw > 0)) return false;
            double mx = sx / sw, my = sy / sw, sxx = 0, sxy = 0;
            for (int k = 0; k < q; k++) { double dx = x[k] - mx; sxx += w[k] * dx * dx; sxy += w[k] * dx * (y[k] - my); }
            if (!(sxx > 1e-12 * sw * Math.Max(1.0, mx * mx))) { a = my; return false; }
            b = sxy / sxx;
            a = my - b * mx;
            return true;
        }
    }
}
