using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Workload
{
    /// <summary>Settings of <see cref="ServingRateInference.Infer"/>.</summary>
    public sealed class RateInferenceOptions
    {
        /// <summary>
        /// Rates searched around (and kept where the power does not determine them); also gives the concurrency limit,
        /// the step budget and the interleave. Default: <see cref="ServingRatePrior.Generic"/>.
        /// </summary>
        public ServingProfile? Prior { get; set; }

        /// <summary>Workload lag, seconds (power trailing the log; see Model.WorkloadLag). Null: searched over whole bins in [-4, 8] s.</summary>
        public double? LagSeconds { get; set; }

        /// <summary>The prefill and decode grids span prior / factor .. prior × factor (log-spaced). Default 8.</summary>
        public double SearchFactor { get; set; } = 8;

        /// <summary>Grid points on each side of the prior for the prefill and decode rates (default 16: 33 points, steps of 14 % at factor 8).</summary>
        public int GridPointsPerSide { get; set; } = 16;

        /// <summary>The "within tolerance of the best" rule, relative part: objective ≤ best × (1 + this) (default 0.05).</summary>
        public double RelativeTolerance { get; set; } = 0.05;

        /// <summary>The tolerance's absolute part, in bins of mismatch per measured busy period (default 0.5).</summary>
        public double BinsPerBusyPeriodTolerance { get; set; } = 0.5;

        /// <summary>A rate counts as determined when its interval is closed inside the grid and High / Low is at most this (default 4).</summary>
        public double MaxDeterminedRatio { get; set; } = 4;
    }

    /// <summary>One inferred (or kept) serving rate with how well the power trace determines it.</summary>
    public sealed class RateEstimate
    {
        internal RateEstimate(string name, string unit, double value, double best, double prior, double low, double high, bool lowOpen, bool highOpen, bool inferred)
        {
            Name = name; Unit = unit; Value = value; BestFit = best; Prior = prior; Low = low; High = high;
            LowIsGridEdge = lowOpen; HighIsGridEdge = highOpen; Inferred = inferred;
        }

        /// <summary>PrefillTokensPerSecond, DecodeStepsPerSecond or DecodeStepSlowdownPerRequest.</summary>
        public string Name { get; }

        /// <summary>Unit of the values (tok/s, steps/s, per request).</summary>
        public string Unit { get; }

        /// <summary>The value put into the profile: <see cref="BestFit"/> when inferred, else the prior (moved into [Low, High] when outside it).</summary>
        public double Value { get; }

        /// <summary>The value with the smallest mismatch.</summary>
        public double BestFit { get; }

        /// <summary>The prior's value.</summary>
        public double Prior { get; }

        /// <summary>Lowest value whose objective stays within the tolerance of the best (the grid's lowest when <see cref="LowIsGridEdge"/>).</summary>
        public double Low { get; }

        /// <summary>Highest value whose objective stays within the tolerance of the best (the grid's highest when <see cref="HighIsGridEdge"/>).</summary>
        public double High { get; }

        /// <summary>True when the objective stays within the tolerance down to the end of the searched grid (no lower bound).</summary>
        public bool LowIsGridEdge { get; }

        /// <summary>True when the objective stays within the tolerance up to the end of the searched grid (no upper bound).</summary>
        public bool HighIsGridEdge { get; }

        /// <summary>True when the power trace determines the rate (closed interval, narrow enough); false: the prior was kept.</summary>
        public bool Inferred { get; }

        /// <summary>"42.1 steps/s inferred (38.0-46.3 within tolerance)" or "… from the prior (not determined: …)".</summary>
        public override string ToString()
        {
            string lo = LowIsGridEdge ? "≤" + F(Low) : F(Low), hi = HighIsGridEdge ? "≥" + F(High) : F(High);
            string range = $"{lo} to {hi}";
            if (Inferred) return $"{Name} {F(Value)} {Unit} inferred (within tolerance over {range}; prior {F(Prior)})";
            string why = LowIsGridEdge && HighIsGridEdge ? "objective flat over the whole searched range"
                : LowIsGridEdge ? $"only bounded above: objective within tolerance over {range}"
                : HighIsGridEdge ? $"only bounded below: objective within tolerance over {range}"
                : $"objective within tolerance over {range}, too wide";
            string moved = Value != Prior ? $"; prior {F(Prior)} lies outside that range, moved to {F(Value)}" : "";
            return $"{Name} {F(Value)} {Unit} from the prior (not determined: {why}; best fit {F(BestFit)}{moved})";
        }

        private static string F(double v) => v >= 100 ? v.ToString("0", CultureInfo.InvariantCulture)
            : v >= 1 ? v.ToString("0.0#", CultureInfo.InvariantCulture) : v.ToString("0.####", CultureInfo.InvariantCulture);
    }

    /// <summary>What <see cref="ServingRateInference.Infer"/> found.</summary>
    public sealed class RateInferenceResult
    {
        internal RateInferenceResult(ServingProfile profile, ServingProfile prior, RateEstimate prefill, RateEstimate decode, RateEstimate slowdown,
            double lagSeconds, bool lagGiven, IReadOnlyList<BusyLevels> levels, double objective, double tolerance, int evaluations, IReadOnlyList<string> notes)
        {
            Profile = profile; PriorProfile = prior; Prefill = prefill; Decode = decode; Slowdown = slowdown; LagSeconds = lagSeconds; LagGiven = lagGiven;
            Levels = levels; Objective = objective; Tolerance = tolerance; Evaluations = evaluations; Notes = notes;
        }

        /// <summary>The serving profile to use (inferred rates where determined, the prior's elsewhere); LearnedFrom says which.</summary>
        public ServingProfile Profile { get; }

        /// <summary>The prior searched around.</summary>
        public ServingProfile PriorProfile { get; }

        /// <summary>Prefill tokens per second.</summary>
        public RateEstimate Prefill { get; }

        /// <summary>Decode steps per second at batch 1.</summary>
        public RateEstimate Decode { get; }

        /// <summary>Decode step slowdown per extra request.</summary>
        public RateEstimate Slowdown { get; }

        /// <summary>Workload lag used, seconds (power trailing the log).</summary>
        public double LagSeconds { get; }

        /// <summary>True when the caller gave the lag; false when it was searched.</summary>
        public bool LagGiven { get; }

        /// <summary>Idle/busy levels and thresholds of each trace used.</summary>
        public IReadOnlyList<BusyLevels> Levels { get; }

        /// <summary>Mean squared mismatch per bin between the measured busy indicator and the emulated busy fraction, at the result.</summary>
        public double Objective { get; }

        /// <summary>The objective's tolerance (the intervals are where the objective stays within best + this).</summary>
        public double Tolerance { get; }

        /// <summary>Emulations run.</summary>
        public int Evaluations { get; }

        /// <summary>Traces skipped and other remarks.</summary>
        public IReadOnlyList<string> Notes { get; }

        /// <summary>The rates that were inferred (names), for messages.</summary>
        public IEnumerable<RateEstimate> All => new[] { Prefill, Decode, Slowdown };
    }

    /// <summary>The measured busy indicator of one trace: levels and the threshold between them.</summary>
    public sealed class BusyLevels
    {
        internal BusyLevels(string trace, double idle, double busy, double threshold, double busyFraction, int periods, bool usable, string why)
        {
            Trace = trace; IdleWatts = idle; BusyWatts = busy; ThresholdWatts = threshold; BusyFraction = busyFraction; BusyPeriods = periods; Usable = usable; Why = why;
        }

        /// <summary>Trace name.</summary>
        public string Trace { get; }
        /// <summary>Median power of the low mode, W.</summary>
        public double IdleWatts { get; }
        /// <summary>Median power of the high mode, W.</summary>
        public double BusyWatts { get; }
        /// <summary>Busy = power above this (midpoint of the two modes), W.</summary>
        public double ThresholdWatts { get; }
        /// <summary>Share of valid bins above the threshold.</summary>
        public double BusyFraction { get; }
        /// <summary>Runs of consecutive busy bins.</summary>
        public int BusyPeriods { get; }
        /// <summary>False when the trace shows no clear busy/idle contrast (then <see cref="Why"/> says why).</summary>
        public bool Usable { get; }
        /// <summary>Why the trace is not usable; empty when it is.</summary>
        public string Why { get; }

        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "'{0}': busy = above {1:0} W (midpoint of the {2:0} W low and {3:0} W high modes), {4:P1} of bins in {5} busy period(s)", Trace, ThresholdWatts, IdleWatts, BusyWatts, BusyFraction, BusyPeriods);
    }

    /// <summary>
    /// Infers a configuration's serving rates (prefill tokens/s, decode steps/s, decode slowdown per request) from a measured
    /// node power trace and a request log that has arrivals and token counts only (no TTFT, no end-to-end latency).
    /// </summary>
    /// <remarks>
    /// <para><b>Measured busy indicator.</b> Per trace, bins are split into a low mode (idle, and the raised standby level
    /// GPUs hold for seconds after work ends) and a high mode (serving) by 2-medians on the power values: start at the
    /// midpoint of the 2nd and 98th percentiles, then repeat threshold = (median below + median above) / 2 until it stops
    /// moving. A bin is busy when its power is above that threshold. A post-work hold sits far below the serving level on
    /// real GPUs (A6000: 89 W hold against 33 W idle and 299 W serving), so it falls below the midpoint and does not
    /// lengthen the measured busy periods; it also carries few bins, so it barely moves the low mode's median. Limitation:
    /// a hold above the midpoint counts as busy and biases the decode rate low (synthetic check: a 3 s hold at 60 % of the
    /// gap gave 44 steps/s for 60 true; at 25-45 % of the gap, 59.4).
    /// A trace is usable when the high mode is at least 1.2 × the low mode, fewer than 20 % of its bins lie within a quarter
    /// of the gap around the threshold (a real valley between two modes, not one noisy level), and it has both busy and idle
    /// bins (at least 2 %); unusable traces are skipped with a note.</para>
    /// <para><b>Emulated busy fraction.</b> For candidate rates, <see cref="ServingEmulator.EmulateRequests"/> serves the log
    /// (queue-aware continuous batching, chunked prefill); work is in flight from a request's arrival to its finish, and the
    /// union of those spans, binned on the trace's grid, gives the fraction of each bin with work in flight.</para>
    /// <para><b>Objective.</b> J = mean over valid bins (all traces pooled) of (busy_i − fraction_{i−lag})², lag in whole bins
    /// (power trailing the log, as in Model.WorkloadLag) searched over [-4, 8] s or given.</para>
    /// <para><b>Search.</b> Log-spaced grids prior / 8 .. prior × 8 for the prefill and decode rates (33 points), slowdown on
    /// {0, 0.0025 · 2^k, k = 0..8} plus the prior's; two rounds of coordinate search (decode, prefill, slowdown, then the lag),
    /// then golden-section refinement of the two rates inside the neighbouring grid cells.</para>
    /// <para><b>How well determined.</b> Each parameter's profile objective is walked along its grid (every second point for
    /// the two rates), the other free parameters re-fitted at each value (one golden-section pass each), so a ridge (prefill vs
    /// decode, decode vs slowdown: both lengthen a busy period) widens the interval instead of hiding; a profile that finds a
    /// better point than the coordinate search moves the fit there. The interval is the range (interpolated between grid
    /// points) where J ≤ J* + tolerance, tolerance = max(5 % of J*, half a bin of mismatch per measured busy period). A rate is inferred when the interval is closed inside the grid and its
    /// High / Low is at most 4; otherwise the prior is kept, one parameter at a time (prefill, slowdown, decode), each moved
    /// into its interval given those already kept when the data rule the prior out, and the determined ones are re-fitted
    /// with them (their reported intervals are then conditional on the kept values). Typical outcome: decode (which sets how long a busy period lasts) is determined;
    /// prefill at low load only bounded below (prompt work is a small part of a busy period); the slowdown only when
    /// batch sizes vary widely.</para>
    /// <para>Error ids: <c>WorkloadDoesNotOverlapTrace</c> (no request of a log arrives within its trace),
    /// <c>NoBusyPeriodInTrace</c> (no trace shows busy periods against idle: nothing to time the work by).</para>
    /// </remarks>
    public static class ServingRateInference
    {
        private const double MinLagSeconds = -4.0, MaxLagSeconds = 8.0;
        private static readonly double[] SlowdownGrid = { 0, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64 };

        /// <summary>The measured busy indicator's levels for one trace (see the class remarks for the rule).</summary>
        public static BusyLevels MeasureBusy(PowerSeries trace)
        {
            if (trace == null) throw new ArgumentNullException(nameof(trace));
            var v = trace.Watts.Where(w => !double.IsNaN(w) && !double.IsInfinity(w)).ToArray();
            Array.Sort(v);
            int n = v.Length;
            if (n < 4) return new BusyLevels(trace.Name, double.NaN, double.NaN, double.NaN, 0, 0, false, "fewer than 4 valid bins");
            double t = 0.5 * (v[(int)(0.02 * (n - 1))] + v[(int)Math.Ceiling(0.98 * (n - 1))]);
            double lo = v[0], hi = v[n - 1];
            for (int it = 0; it < 100; it++)
            {
                int k = UpperBound(v, t);
                if (k == 0 || k == n) break;
                lo = MedianSorted(v, 0, k); hi = MedianSorted(v, k, n);
                double t2 = 0.5 * (lo + hi);
                if (t2 == t) break;
                t = t2;
            }
            int kk = UpperBound(v, t);
            double frac = (double)(n - kk) / n;
            int periods = 0; bool prev = false;
            foreach (double w in trace.Watts)
            {
                if (double.IsNaN(w) || double.IsInfinity(w)) { prev = false; continue; }
                bool b = w > t;
                if (b && !prev) periods++;
                prev = b;
            }
            string why = "";
            double gap = hi - lo;
            int near = UpperBound(v, t + 0.25 * gap) - UpperBound(v, t - 0.25 * gap);
            if (kk == 0 || kk == n || !(gap > 0)) why = "a single power level";
            else if (!(hi >= 1.2 * lo)) why = string.Format(CultureInfo.InvariantCulture, "high mode {0:0} W is less than 1.2 × the low mode {1:0} W", hi, lo);
            else if (near >= 0.2 * n) why = string.Format(CultureInfo.InvariantCulture, "{0:P0} of bins lie near the threshold: no valley between idle and busy", (double)near / n);
            else if (frac < 0.02) why = string.Format(CultureInfo.InvariantCulture, "only {0:P1} of bins busy", frac);
            else if (frac > 0.98) why = string.Format(CultureInfo.InvariantCulture, "{0:P1} of bins busy: never idle, so busy periods do not time the work", frac);
            return new BusyLevels(trace.Name, lo, hi, t, frac, periods, why.Length == 0, why);
        }

        /// <summary>
        /// Infers the serving rates from <paramref name="traces"/> (node power) and <paramref name="logs"/> (one request log per
        /// trace, same order; only arrivals and token counts are used). See the class remarks for the method.
        /// </summary>
        /// <exception cref="InvalidSettingException">WorkloadDoesNotOverlapTrace.</exception>
        /// <exception cref="PowerTraceException">NoBusyPeriodInTrace.</exception>
        public static RateInferenceResult Infer(IReadOnlyList<PowerSeries> traces, IReadOnlyList<RequestTrace> logs, RateInferenceOptions? options = null, CancellationToken cancel = default)
        {
            if (traces == null) throw new ArgumentNullException(nameof(traces));
            if (logs == null) throw new ArgumentNullException(nameof(logs));
            if (traces.Count != logs.Count) throw new ArgumentException($"{traces.Count} trace(s) but {logs.Count} request log(s): give one per trace.");
            if (traces.Count == 0) throw new ArgumentException("No traces.", nameof(traces));
            options ??= new RateInferenceOptions();
            if (!(options.SearchFactor > 1)) throw new ArgumentOutOfRangeException(nameof(options), "SearchFactor must be above 1.");
            var prior = options.Prior ?? ServingRatePrior.Generic();
            double bin0 = traces[0].BinSeconds;
            bool lagGiven = options.LagSeconds.HasValue;
            int minL = lagGiven ? 0 : (int)Math.Ceiling(MinLagSeconds / bin0 - 1e-9), maxL = lagGiven ? 0 : (int)Math.Floor(MaxLagSeconds / bin0 + 1e-9);
            double givenLag = options.LagSeconds ?? 0;

            var notes = new List<string>();
            var levels = new List<BusyLevels>();
            var pairs = new List<Pair>();
            for (int i = 0; i < traces.Count; i++)
            {
                var tr = traces[i]; var log = logs[i];
                if (tr == null || log == null) throw new ArgumentNullException(nameof(traces), "A trace or log is null.");
                string file = log.SourceFile ?? log.Name;
                double offset = log.StartUtc.HasValue ? (log.StartUtc.Value - tr.StartUtc).TotalSeconds : 0.0;
                int inside = 0;
                for (int r = 0; r < log.Count; r++) { double a = offset + log.ArrivalSeconds[r]; if (a >= 0 && a < tr.DurationSeconds) inside++; }
                if (inside == 0)
                    throw new InvalidSettingException("WorkloadDoesNotOverlapTrace", "Requests",
                        $"Request log '{file}' has no request within trace '{tr.Name}' ({tr.StartUtc:yyyy-MM-dd HH:mm:ss.fff} to {tr.EndUtc:yyyy-MM-dd HH:mm:ss.fff} UTC): serving rates cannot be inferred from power that does not cover the requests. Pair each trace with the log recorded at the same time.");
                var lv = MeasureBusy(tr);
                levels.Add(lv);
                if (!lv.Usable) { notes.Add($"Trace '{tr.Name}' skipped: {lv.Why}."); continue; }
                pairs.Add(new Pair(tr, log, offset, lv, Math.Max(Math.Abs(minL), Math.Abs(maxL)) + Math.Abs(LagBins(givenLag, tr.BinSeconds)) + 1,
                    tr.BinSeconds / bin0));
            }
            if (pairs.Count == 0)
                throw new PowerTraceException("NoBusyPeriodInTrace",
                    $"No busy period against idle in the power trace(s) ({string.Join("; ", levels.Select(l => $"'{l.Trace}': {l.Why}"))}), paired with request log(s) '{string.Join("', '", logs.Select(l => l.SourceFile ?? l.Name))}': serving rates cannot be inferred from power without idle gaps and busy periods. Give a log with TTFT and latency, an engine-state series, or record power across idle gaps.");

            var s = new Search(pairs, prior, options, cancel);
            double[] x = { prior.PrefillTokensPerSecond, prior.DecodeStepsPerSecond, prior.DecodeStepSlowdownPerRequest };
            int lag = lagGiven ? int.MinValue : s.BestLag(x, minL, maxL);
            double LagSec(int l) => l == int.MinValue ? givenLag : l * bin0;

            for (int round = 0; round < 2; round++)
            {
                for (int p = 0; p < 3; p++) s.GridBest(x, p, LagSec(lag));
                if (!lagGiven) lag = s.BestLag(x, minL, maxL);
            }
            for (int it = 0; it < 3; it++) { s.Refine(x, 1, LagSec(lag)); s.Refine(x, 0, LagSec(lag)); }
            if (!lagGiven) { lag = s.BestLag(x, minL, maxL); s.Refine(x, 1, LagSec(lag)); s.Refine(x, 0, LagSec(lag)); }

            // Intervals from profile objectives (the other free parameters re-fitted at each grid value). A profile that
            // finds a better point than the coordinate search (a ridge: decode vs slowdown, decode vs prefill) moves the fit there.
            var est = new RateEstimate[3];
            double jBest = 0, tol = 0;
            void Intervals(bool[] which)
            {
                for (int attempt = 0; attempt < 3; attempt++)
                {
                    jBest = s.Objective(x, LagSec(lag));
                    tol = s.Tolerance(jBest);
                    double[]? moveTo = null; double jMove = jBest - Math.Max(1e-9, 0.01 * tol);
                    for (int p = 0; p < 3; p++)
                    {
                        if (!which[p]) continue;
                        est[p] = s.Interval(x, p, LagSec(lag), jBest, tol, out var better, out double jb);
                        if (jb < jMove) { jMove = jb; moveTo = better; }
                    }
                    if (moveTo == null) return;
                    Array.Copy(moveTo, x, 3);
                    if (!lagGiven) lag = s.BestLag(x, minL, maxL);
                    for (int p = 1; p >= 0; p--) if (s.Free[p]) s.Refine(x, p, LagSec(lag));
                }
                jBest = s.Objective(x, LagSec(lag));
                tol = s.Tolerance(jBest);
                for (int p = 0; p < 3; p++) if (which[p]) est[p] = s.Interval(x, p, LagSec(lag), jBest, tol, out _, out _);
            }
            Intervals(new[] { true, true, true });
            var determined = est.Select(e => e.Inferred).ToArray();
            if (determined.Any(d => !d))
            {
                // Keep the prior where the power does not determine the rate, one rate at a time (prefill, slowdown, decode):
                // each is moved into its interval given the rates already kept (consistent with the data jointly, within
                // the tolerance of the unconstrained best), then the determined ones are re-fitted with them.
                double j0 = jBest, tol0 = tol;
                foreach (int p in new[] { 0, 2, 1 })
                {
                    if (determined[p]) continue;
                    est[p] = s.Interval(x, p, LagSec(lag), j0, tol0, out _, out _);
                    x[p] = est[p].Value;
                    s.Free[p] = false;
                    for (int q = 0; q < 3; q++) if (s.Free[q]) s.GridBest(x, q, LagSec(lag));
                    if (!lagGiven) lag = s.BestLag(x, minL, maxL);
                    for (int q = 1; q >= 0; q--) if (s.Free[q]) s.Refine(x, q, LagSec(lag));
                }
                if (determined.Any(d => d)) Intervals(determined);
                for (int p = 0; p < 3; p++)
                    if (determined[p] && !est[p].Inferred) x[p] = est[p].Value; // lost its determination with the prior's other rates: keep its prior too
                jBest = s.Objective(x, LagSec(lag));
            }

            double lagSeconds = LagSec(lag);
            string fmt(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
            var inferredNames = est.Where(e => e.Inferred).Select(e => e.Name).ToList();
            string learned = string.Format(CultureInfo.InvariantCulture,
                "inferred from power (ServingRateInference): {0} trace(s) [{1}] with request log(s) '{2}' (arrivals and token counts only); " +
                "busy = power above the midpoint of the trace's low and high modes ({3}); workload lag {4} s ({5}); " +
                "objective = mean squared mismatch of busy bins against emulated work in flight, {6:0.#####} at the result, tolerance {7:0.#####}; " +
                "inferred: {8}; prior [{9}]: {10}",
                pairs.Count, string.Join("; ", pairs.Select(p => p.Levels.ToString())), string.Join("', '", pairs.Select(p => p.Log.SourceFile ?? p.Log.Name)),
                string.Join(", ", pairs.Select(p => fmt(p.Levels.ThresholdWatts) + " W")), fmt(lagSeconds), lagGiven ? "given" : "searched over -4..8 s",
                jBest, tol, inferredNames.Count == 0 ? "none (all from the prior)" : string.Join(", ", inferredNames),
                prior.LearnedFrom.Length > 0 ? prior.LearnedFrom : "given by the caller", string.Join("; ", est.Select(e => e.ToString())));
            if (notes.Count > 0) learned += "; " + string.Join(" ", notes);
            var profile = new ServingProfile(x[0], x[1], x[2], prior.MaxConcurrentRequests, prior.MaxBatchedPromptTokens, prior.Interleave, learned,
                prefillRateIsLowerBound: !est[0].Inferred && !est[0].LowIsGridEdge && est[0].HighIsGridEdge);
            return new RateInferenceResult(profile, prior, est[0], est[1], est[2], lagSeconds, lagGiven, levels, jBest, tol, s.Evaluations, notes);
        }

        private static int LagBins(double seconds, double bin) => (int)Math.Round(seconds / bin);

        private static int UpperBound(double[] sorted, double t)
        {
            int lo = 0, hi = sorted.Length;
            while (lo < hi) { int m = (lo + hi) >> 1; if (sorted[m] <= t) lo = m + 1; else hi = m; }
            return lo;
        }

        private static double MedianSorted(double[] v, int from, int to)
        {
            int n = to - from, m = from + n / 2;
            return n % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
        }

        /// <summary>One trace with its log: measured busy indicator, the log as emulator input, the emulated busy fraction.</summary>
        private sealed class Pair
        {
            public readonly RequestTrace Log;
            public readonly BusyLevels Levels;
            public readonly double BinSeconds;
            public readonly sbyte[] Busy;        // 1 busy, 0 idle, -1 invalid
            public readonly int Pad;             // emulated fraction covers bins [-Pad, N + Pad)
            public readonly double[] Fraction;
            public readonly ServerWorkload Work;
            public readonly double[] Admitted, FirstToken, Finish;
            public readonly int ValidBins;

            public Pair(PowerSeries trace, RequestTrace log, double offset, BusyLevels levels, int pad, double binRatio)
            {
                Log = log; Levels = levels; BinSeconds = trace.BinSeconds; Pad = (int)Math.Ceiling(pad * Math.Max(1.0, 1.0 / binRatio));
                int n = trace.BinCount;
                Busy = new sbyte[n];
                for (int i = 0; i < n; i++)
                {
                    double w = trace.Watts[i];
                    if (double.IsNaN(w) || double.IsInfinity(w)) Busy[i] = -1;
                    else { Busy[i] = (sbyte)(w > levels.ThresholdWatts ? 1 : 0); ValidBins++; }
                }
                Fraction = new double[n + 2 * Pad];
                var arr = new double[log.Count];
                for (int r = 0; r < arr.Length; r++) arr[r] = offset + log.ArrivalSeconds[r];
                Work = new ServerWorkload(new ArraySegment<double>(arr), new ArraySegment<int>(log.PromptTokens), new ArraySegment<int>(log.OutputTokens));
                Admitted = new double[log.Count]; FirstToken = new double[log.Count]; Finish = new double[log.Count];
            }

            /// <summary>Fills <see cref="Fraction"/>: the share of each bin with at least one request between arrival and finish.</summary>
            public void Emulate(ServingProfile profile)
            {
                new ServingEmulator(profile).EmulateRequests(Work, Admitted, FirstToken, Finish);
                Array.Clear(Fraction, 0, Fraction.Length);
                var a = Work.ArrivalSeconds.Array!; int o = Work.ArrivalSeconds.Offset, n = Work.Count;
                if (n == 0) return;
                double s = a[o], e = Finish[0];
                for (int r = 1; r < n; r++)
                {
                    double ar = a[o + r];
                    if (ar > e) { Cover(s, e); s = ar; e = Finish[r]; }
                    else if (Finish[r] > e) e = Finish[r];
                }
                Cover(s, e);
            }

            private void Cover(double s, double e)
            {
                double u = s / BinSeconds + Pad, v = e / BinSeconds + Pad;
                if (u < 0) u = 0;
                if (v > Fraction.Length) v = Fraction.Length;
                if (!(v > u)) return;
                int b0 = (int)u, b1 = (int)Math.Ceiling(v) - 1;
                if (b0 == b1) { Fraction[b0] += v - u; return; }
                Fraction[b0] += b0 + 1 - u;
                for (int b = b0 + 1; b < b1; b++) Fraction[b] += 1;
                Fraction[b1] += v - b1;
            }

            /// <summary>Σ (busy_i − fraction_{i−lag})² over valid bins.</summary>
            public double Mismatch(int lagBins)
            {
                double sum = 0;
                int n = Busy.Length;
                for (int i = 0; i < n; i++)
                {
                    sbyte m = Busy[i];
                    if (m < 0) continue;
                    int j = i - lagBins + Pad;
                    double f = j >= 0 && j < Fraction.Length ? Math.Min(Fraction[j], 1.0) : 0.0;
                    double d = m - f;
                    sum += d * d;
                }
                return sum;
            }
        }

        private sealed class Search
        {
            private readonly List<Pair> _pairs;
            private readonly ServingProfile _prior;
            private readonly RateInferenceOptions _o;
            private readonly CancellationToken _cancel;
            private readonly double[][] _grids = new double[3][];
            private readonly long _valid;
            private readonly int _periods;
            public int Evaluations;

            public Search(List<Pair> pairs, ServingProfile prior, RateInferenceOptions o, CancellationToken cancel)
            {
                _pairs = pairs; _prior = prior; _o = o; _cancel = cancel;
                int h = Math.Max(2, o.GridPointsPerSide);
                double step = Math.Pow(o.SearchFactor, 1.0 / h);
                _grids[0] = Enumerable.Range(-h, 2 * h + 1).Select(k => prior.PrefillTokensPerSecond * Math.Pow(step, k)).ToArray();
                _grids[1] = Enumerable.Range(-h, 2 * h + 1).Select(k => prior.DecodeStepsPerSecond * Math.Pow(step, k)).ToArray();
                _grids[2] = SlowdownGrid.Concat(new[] { prior.DecodeStepSlowdownPerRequest }).Distinct().OrderBy(v => v).ToArray();
                foreach (var p in pairs) { _valid += p.ValidBins; _periods += p.Levels.BusyPeriods; }
            }

            private ServingProfile Profile(double[] x) =>
                new ServingProfile(x[0], x[1], x[2], _prior.MaxConcurrentRequests, _prior.MaxBatchedPromptTokens, _prior.Interleave);

            private void EmulateAll(double[] x)
            {
                _cancel.ThrowIfCancellationRequested();
                var prof = Profile(x);
                foreach (var p in _pairs) p.Emulate(prof);
                Evaluations++;
            }

            private double MismatchAt(double lagSeconds)
            {
                double sum = 0;
                foreach (var p in _pairs) sum += p.Mismatch(LagBins(lagSeconds, p.BinSeconds));
                return sum / _valid;
            }

            public double Objective(double[] x, double lagSeconds) { EmulateAll(x); return MismatchAt(lagSeconds); }

            public double Tolerance(double best) => Math.Max(_o.RelativeTolerance * best, _o.BinsPerBusyPeriodTolerance * _periods / _valid);

            /// <summary>Lag (bins of the first trace) minimising the objective at x; ties to the smallest |lag|.</summary>
            public int BestLag(double[] x, int minL, int maxL)
            {
                EmulateAll(x);
                double bin0 = _pairs[0].BinSeconds;
                int best = 0; double bj = double.PositiveInfinity;
                for (int l = minL; l <= maxL; l++)
                {
                    double j = MismatchAt(l * bin0);
                    if (j < bj - 1e-12 || (Math.Abs(j - bj) <= 1e-12 && Math.Abs(l) < Math.Abs(best))) { bj = j; best = l; }
                }
                return best;
            }

            /// <summary>Parameters the profiles may re-fit (all at first; those kept at the prior are fixed later).</summary>
            public readonly bool[] Free = { true, true, true };

            private const double SlowdownShift = 0.005;
            private static double ToU(int p, double v) => p == 2 ? Math.Log(v + SlowdownShift) : Math.Log(v);
            private static double FromU(int p, double u) => p == 2 ? Math.Max(0, Math.Exp(u) - SlowdownShift) : Math.Exp(u);

            /// <summary>Objective along p's grid; with <paramref name="reoptimize"/>, the other free parameters re-fitted at each value.</summary>
            private double[] Profile1D(double[] x, int p, double lagSeconds, bool reoptimize, out double[] bestPoint, out double bestJ)
            {
                var g = ProfileGrid(p, reoptimize);
                var j = new double[g.Length];
                bestPoint = (double[])x.Clone(); bestJ = double.PositiveInfinity;
                for (int k = 0; k < g.Length; k++)
                {
                    var y = (double[])x.Clone();
                    y[p] = g[k];
                    j[k] = reoptimize ? Reoptimize(y, p, lagSeconds) : Objective(y, lagSeconds);
                    if (j[k] < bestJ) { bestJ = j[k]; bestPoint = y; }
                }
                return j;
            }

            /// <summary>The grid a profile walks: the search grid, every second point for the rates' re-fitted profiles (cost).</summary>
            private double[] ProfileGrid(int p, bool reoptimize) => reoptimize && p < 2 ? _grids[p].Where((v, k) => k % 2 == 0).ToArray() : _grids[p];

            /// <summary>
            /// Re-fits the free parameters other than <paramref name="p"/> in <paramref name="y"/> (one golden-section pass each:
            /// rates within ÷2.5..×2.5, slowdown over its whole grid; 9 emulations each); returns the objective at the result.
            /// </summary>
            private double Reoptimize(double[] y, int p, double lagSeconds)
            {
                double j = Objective(y, lagSeconds);
                foreach (int q in new[] { 1, 0, 2 })
                {
                    if (q == p || !Free[q]) continue;
                    double a = q == 2 ? ToU(2, 0) : ToU(q, y[q] / 2.5), b = q == 2 ? ToU(2, _grids[2][_grids[2].Length - 1]) : ToU(q, y[q] * 2.5);
                    double jq = Golden(y, q, a, b, 7, lagSeconds, out double v);
                    if (jq < j) { j = jq; y[q] = v; }
                }
                return j;
            }

            /// <summary>Golden-section minimum of the objective over y[p] (log scale) in [a, b]; y[p] is left unchanged.</summary>
            private double Golden(double[] y, int p, double a, double b, int iterations, double lagSeconds, out double argmin)
            {
                double keep = y[p];
                double gr = (Math.Sqrt(5) - 1) / 2;
                double F(double u) { y[p] = FromU(p, u); return Objective(y, lagSeconds); }
                double c = b - gr * (b - a), d = a + gr * (b - a), fc = F(c), fd = F(d);
                for (int it = 0; it < iterations; it++)
                {
                    if (fc <= fd) { b = d; d = c; fd = fc; c = b - gr * (b - a); fc = F(c); }
                    else { a = c; c = d; fc = fd; d = a + gr * (b - a); fd = F(d); }
                }
                y[p] = keep;
                argmin = FromU(p, fc <= fd ? c : d);
                return Math.Min(fc, fd);
            }

            /// <summary>Sets x[p] to its best grid value (the others fixed); ties go to the value nearest the prior.</summary>
            public void GridBest(double[] x, int p, double lagSeconds)
            {
                var g = _grids[p];
                var j = Profile1D(x, p, lagSeconds, false, out _, out _);
                double pv = PriorValue(p);
                int best = 0;
                for (int k = 1; k < g.Length; k++)
                    if (j[k] < j[best] - 1e-12 || (Math.Abs(j[k] - j[best]) <= 1e-12 && Dist(p, g[k], pv) < Dist(p, g[best], pv))) best = k;
                x[p] = g[best];
            }

            private double PriorValue(int p) => p == 0 ? _prior.PrefillTokensPerSecond : p == 1 ? _prior.DecodeStepsPerSecond : _prior.DecodeStepSlowdownPerRequest;
            private static double Dist(int p, double a, double b) => p == 2 ? Math.Abs(a - b) : Math.Abs(Math.Log(a / b));

            /// <summary>Golden-section search of log x[p] within one grid step either side (rates only).</summary>
            public void Refine(double[] x, int p, double lagSeconds)
            {
                double step = Math.Pow(_o.SearchFactor, 1.0 / Math.Max(2, _o.GridPointsPerSide));
                var y = (double[])x.Clone();
                double fu = Golden(y, p, ToU(p, x[p] / step), ToU(p, x[p] * step), 14, lagSeconds, out double u);
                if (fu < Objective(y, lagSeconds)) x[p] = u;
            }

            /// <summary>The interval of x[p] over which the objective stays within best + tol (the others at x).</summary>
            public RateEstimate Interval(double[] x, int p, double lagSeconds, double jBest, double tol, out double[] bestPoint, out double bestJ)
            {
                var g = ProfileGrid(p, true);
                var j = Profile1D(x, p, lagSeconds, true, out bestPoint, out bestJ);
                double limit = jBest + tol;
                // Points sorted by value with the result itself inserted.
                var xs = g.ToList(); var js = j.ToList();
                var atX = (double[])x.Clone();
                double jx = Reoptimize(atX, p, lagSeconds);
                if (jx < bestJ) { bestJ = jx; bestPoint = atX; }
                int at = xs.FindIndex(v => v >= x[p]);
                if (at < 0) at = xs.Count;
                if (at < xs.Count && xs[at] == x[p]) js[at] = Math.Min(js[at], jx);
                else { xs.Insert(at, x[p]); js.Insert(at, jx); }
                // Expand from the profile's minimum (x[p] itself unless another value fits better); when even the minimum is
                // above the limit (rates kept at the prior constrain this one), the interval is that single best value.
                for (int k = 0; k < js.Count; k++) if (js[k] < js[at]) at = k;
                int lo = at, hi = at;
                while (lo > 0 && js[lo - 1] <= limit) lo--;
                while (hi < xs.Count - 1 && js[hi + 1] <= limit) hi++;
                bool lowOpen = lo == 0, highOpen = hi == xs.Count - 1;
                double low = lowOpen ? xs[0] : Cross(p, xs[lo - 1], js[lo - 1], xs[lo], js[lo], limit);
                double high = highOpen ? xs[xs.Count - 1] : Cross(p, xs[hi], js[hi], xs[hi + 1], js[hi + 1], limit);
                double prior = PriorValue(p);
                bool inferred;
                if (p == 2) inferred = !lowOpen && !highOpen && low > 0 && high / low <= _o.MaxDeterminedRatio;
                else inferred = !lowOpen && !highOpen && high / low <= _o.MaxDeterminedRatio;
                if (js[at] > limit) { low = high = xs[at]; lowOpen = highOpen = false; inferred = false; }
                double value = inferred ? x[p] : Math.Min(Math.Max(prior, low), high);
                string name = p == 0 ? "PrefillTokensPerSecond" : p == 1 ? "DecodeStepsPerSecond" : "DecodeStepSlowdownPerRequest";
                string unit = p == 0 ? "tok/s" : p == 1 ? "steps/s" : "per request";
                return new RateEstimate(name, unit, value, inferred ? x[p] : xs[at], prior, low, high, lowOpen, highOpen, inferred);
            }

            /// <summary>Where the objective crosses the limit between an inside point (ja ≤ limit) and an outside one.</summary>
            private static double Cross(int p, double xa, double ja, double xb, double jb, double limit)
            {
                double inside = Math.Min(ja, jb), outside = Math.Max(ja, jb);
                double f = outside > inside ? (limit - inside) / (outside - inside) : 0.5;
                double xin = ja <= jb ? xa : xb, xout = ja <= jb ? xb : xa;
                if (p == 2 || xin <= 0 || xout <= 0) return xin + f * (xout - xin);
                return Math.Exp(Math.Log(xin) + f * (Math.Log(xout) - Math.Log(xin)));
            }
        }
    }
}
