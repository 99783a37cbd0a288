using System;
using System.Collections.Generic;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// The delay between a measured workload log and the measured power it explains ("workload lag"): power bin
    /// i is labelled with the workload context of bin i − lag. Estimated at fit time, stored in the model, and
    /// applied wherever contexts are built from measured logs (fitting, <see cref="PowerModelEvaluator"/>).
    /// </summary>
    /// <remarks>
    /// Why it exists: engine logs and power meters do not describe the same instant. vLLM truncates its log times
    /// to whole seconds and each line describes the interval that ends at that time; nvidia-smi's power.draw is an
    /// average over about the last second; other meters (IPMI, PDUs) lag more. Without a correction every bin
    /// near a busy/idle transition is labelled with the wrong context, which blurs the learned state-given-context
    /// distributions. The lag is a property of the measuring pipeline, not of the GPU; synthesis through the
    /// serving emulator never applies it, because emulated features describe the work at the instant it runs,
    /// which is what the lag-corrected training contexts describe.
    /// <para>
    /// Estimate: whole bins in [<see cref="MinEstimateSeconds"/>, <see cref="MaxEstimateSeconds"/>] maximising the
    /// agreement between "work in flight" in the (shifted) features and power above the midpoint between the
    /// long-idle level (median power at least 40 s after work) and the busy level (median power with work in
    /// flight). Agreement, not cross-correlation with watts, so the raised power GPUs hold after work ends
    /// (modelled by the idle-age contexts) does not pull the estimate late. Ties go to the smallest |lag|.
    /// </para>
    /// </remarks>
    public static class WorkloadLag
    {
        /// <summary>Smallest lag the estimate considers, seconds (power leading the log).</summary>
        public const double MinEstimateSeconds = -4.0;

        /// <summary>Largest lag the estimate considers, seconds (power trailing the log).</summary>
        public const double MaxEstimateSeconds = 8.0;

        /// <summary>Largest lag a model or an override may carry, seconds.</summary>
        public const double MaxAbsSeconds = 600.0;

        /// <summary>Busy-to-idle transitions (of the features) the estimate needs; fewer gives 0.</summary>
        public const int MinTransitions = 2;

        /// <summary>The lag rounded to whole bins.</summary>
        public static int ToBins(double lagSeconds, double binSeconds) => (int)Math.Round(lagSeconds / binSeconds);

        /// <summary>Throws InvalidWorkloadLag unless the value is finite and within ±<see cref="MaxAbsSeconds"/>.</summary>
        /// <exception cref="InvalidSettingException">InvalidWorkloadLag.</exception>
        public static void Validate(double lagSeconds, string parameter)
        {
            if (double.IsNaN(lagSeconds) || double.IsInfinity(lagSeconds) || Math.Abs(lagSeconds) > MaxAbsSeconds)
                throw new InvalidSettingException("InvalidWorkloadLag", parameter,
                    $"The workload lag must be a number of seconds within ±{MaxAbsSeconds}; got {lagSeconds}.");
        }

        /// <summary>
        /// Estimates the lag of the training inputs (pooled), in seconds (a whole number of bins); 0 when the inputs
        /// have too few busy/idle transitions or no power contrast between idle and busy.
        /// </summary>
        public static double Estimate(IReadOnlyList<PowerModelTrainingInput> inputs)
        {
            if (inputs == null) throw new ArgumentNullException(nameof(inputs));
            if (inputs.Count == 0) return 0;
            double bin = inputs[0].Trace.BinSeconds;
            var contexts = new List<byte[]>(inputs.Count);
            foreach (var inp in inputs)
            {
                var c = new byte[inp.Features.BinCount];
                WorkloadContext.Compute(inp.Features, c);
                contexts.Add(c);
            }
            return EstimateBins(inputs, contexts) * bin;
        }

        internal static int EstimateBins(IReadOnlyList<PowerModelTrainingInput> inputs, IReadOnlyList<byte[]> contexts)
        {
            double bin = inputs[0].Trace.BinSeconds;
            var idle = new List<double>();
            var busy = new List<double>();
            int transitions = 0;
            for (int t = 0; t < inputs.Count; t++)
            {
                var w = inputs[t].Trace.Watts; var c = contexts[t];
                int n = Math.Min(w.Length, c.Length);
                for (int i = 0; i < n; i++)
                {
                    if (i > 0 && !WorkloadContext.IsIdle(c[i - 1]) && WorkloadContext.IsIdle(c[i])) transitions++;
                    if (!PowerModelFitter.IsFinite(w[i])) continue;
                    if (!WorkloadContext.IsIdle(c[i])) busy.Add(w[i]);
                    else if (c[i] == WorkloadContext.LongIdle) idle.Add(w[i]);
                }
            }
            if (transitions < MinTransitions || idle.Count == 0 || busy.Count == 0) return 0;
            double lo = Median(idle), hi = Median(busy);
            if (!(hi > lo)) return 0;
            double threshold = 0.5 * (lo + hi);
            int minL = (int)Math.Ceiling(MinEstimateSeconds / bin - 1e-9), maxL = (int)Math.Floor(MaxEstimateSeconds / bin + 1e-9);
            int best = 0;
            double bestScore = double.NegativeInfinity;
            for (int lag = minL; lag <= maxL; lag++)
            {
                long agree = 0, total = 0;
                for (int t = 0; t < inputs.Count; t++)
                {
                    var w = inputs[t].Trace.Watts; var c = contexts[t];
                    int n = Math.Min(w.Length, c.Length);
                    int i0 = Math.Max(0, lag), i1 = Math.Min(n, n + lag);
                    for (int i = i0; i < i1; i++)
                    {
                        double v = w[i];
                        if (!PowerModelFitter.IsFinite(v)) continue;
                        total++;
                        if ((v > threshold) == !WorkloadContext.IsIdle(c[i - lag])) agree++;
                    }
                }
                if (total == 0) continue;
                double score = (double)agree / total;
                if (score > bestScore + 1e-12 || (Math.Abs(score - bestScore) <= 1e-12 && Math.Abs(lag) < Math.Abs(best)))
                {
                    bestScore = score;
                    best = lag;
                }
            }
            return best;
        }

        /// <summary>
        /// Delays a context sequence in place by <paramref name="lagBins"/> bins: contexts[i] becomes the context of
        /// bin i − lag. The bins the shift uncovers repeat the nearest known context.
        /// </summary>
        public static void Shift(Span<byte> contexts, int lagBins) => Shift<byte>(contexts, lagBins);

        /// <summary>As <see cref="Shift(Span{byte}, int)"/> for any per-bin values (contexts, work-power watts, prefill shares).</summary>
        public static void Shift<T>(Span<T> values, int lagBins)
        {
            int n = values.Length;
            if (lagBins == 0 || n == 0) return;
            if (lagBins > 0)
            {
                int l = Math.Min(lagBins, n);
                T first = values[0];
                for (int i = n - 1; i >= l; i--) values[i] = values[i - l];
                for (int i = 0; i < l; i++) values[i] = first;
            }
            else
            {
                int l = Math.Min(-lagBins, n);
                T last = values[n - 1];
                for (int i = 0; i < n - l; i++) values[i] = values[i + l];
                for (int i = n - l; i < n; i++) values[i] = last;
            }
        }

        private static double Median(List<double> v)
        {
            v.Sort();
            int m = v.Count / 2;
            return v.Count % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
        }
    }
}
