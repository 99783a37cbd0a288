using System;
using System.Collections.Generic;
using System.Linq;
using PowerTrace.Core.Model;

namespace PowerTrace.Core.Derivation
{
    /// <summary>
    /// Adds a prefill state to a derived model whose source had none (rule P5): on a small GPU serving a small model,
    /// chunked prefill is folded into decode steps at the same (power-capped) level, so the fit finds no separate
    /// prefill state; on a target whose published prefill power is well above its decode power it must exist.
    /// </summary>
    /// <remarks>
    /// In a context with prompt rate p (tokens/s, the bucket's geometric middle), the share of time the target spends
    /// prefilling is f = min(0.95, p / prefill rate of the target). That share of the probability mass heading to busy
    /// (non-idle) states is moved to the prefill state, in every row and in the initial distribution; rows out of the
    /// prefill state copy the row of the highest busy state (it behaves like work continuing). Contexts, and thus
    /// the absolute work units, are unchanged. States are re-sorted by mean power.
    /// </remarks>
    internal static class PrefillStateInsertion
    {
        /// <summary>Prompt tokens/s standing for each prompt bucket (0 = none).</summary>
        internal static double BucketPromptRate(int bucket)
        {
            var e = WorkloadContext.PromptEdgesTokensPerSecond;
            if (bucket <= 0) return 0;
            if (bucket == 1) return e[0] / 2.0;
            if (bucket - 1 < e.Length) return Math.Sqrt((double)e[bucket - 2] * e[bucket - 1]);
            return 2.0 * e[e.Length - 1];
        }

        internal static (List<PowerState> states, TransitionModel transitions) Insert(
            IReadOnlyList<PowerState> states, TransitionModel t, PowerState prefillTemplate, double prefillTokensPerSecond)
        {
            int k = states.Count, c = t.ContextCount, k2 = k + 1;
            var busy = new bool[k2];
            for (int s = 0; s < k; s++) busy[s] = StatePowerRules.PhaseOf(states[s]) != "idle";
            busy[k] = true;
            int top = -1;
            for (int s = 0; s < k; s++) if (busy[s] && (top < 0 || states[s].MeanWatts > states[top].MeanWatts)) top = s;
            if (top < 0) top = k - 1;
            var f = new double[c];
            for (int x = 0; x < c; x++)
                f[x] = WorkloadContext.IsIdle(x) ? 0 : Math.Min(0.95, BucketPromptRate(WorkloadContext.PromptBucket(x)) / prefillTokensPerSecond);

            var p0 = t.RawProbabilities; var i0 = t.RawInitial;
            var p = new double[k2 * c * k2];
            var init = new double[c * k2];
            for (int cur = 0; cur < k2; cur++)
            {
                int from = cur < k ? cur : top;
                for (int x = 0; x < c; x++)
                {
                    int o0 = (from * c + x) * k, o = (cur * c + x) * k2;
                    double toBusy = 0;
                    for (int s = 0; s < k; s++) { double v = p0[o0 + s]; if (busy[s]) { toBusy += v; v *= 1 - f[x]; } p[o + s] = v; }
                    p[o + k] = f[x] * toBusy;
                }
            }
            double moved = 0, busyMass = 0, n = 0;
            var bins = t.RawContextBins;
            for (int x = 0; x < c; x++)
            {
                double toBusy = 0;
                for (int s = 0; s < k; s++) { double v = i0[x * k + s]; if (busy[s]) { toBusy += v; v *= 1 - f[x]; } init[x * k2 + s] = v; }
                init[x * k2 + k] = f[x] * toBusy;
                moved += bins[x] * f[x] * toBusy; busyMass += bins[x] * toBusy; n += bins[x];
            }
            double fBar = busyMass > 0 ? moved / busyMass : 0, preShare = n > 0 ? moved / n : 0;
            var all = new List<PowerState>();
            for (int s = 0; s < k; s++)
            {
                var st = states[s];
                all.Add(busy[s] ? new PowerState(s, st.Name, st.MeanWatts, st.StdWatts, st.Share * (1 - fBar), st.Ar1, st.MinWatts, st.MaxWatts, (long)Math.Round(st.BinCount * (1 - fBar))) : st);
            }
            var pt = prefillTemplate;
            all.Add(new PowerState(k, "prefill", pt.MeanWatts, pt.StdWatts, preShare, pt.Ar1, pt.MinWatts, pt.MaxWatts, (long)Math.Round(preShare * n)));

            // Re-sort by mean power, permuting the tables.
            int[] order = Enumerable.Range(0, k2).OrderBy(s => all[s].MeanWatts).ThenBy(s => s).ToArray();
            var sorted = new List<PowerState>();
            for (int i = 0; i < k2; i++) { var st = all[order[i]]; sorted.Add(new PowerState(i, st.Name, st.MeanWatts, st.StdWatts, st.Share, st.Ar1, st.MinWatts, st.MaxWatts, st.BinCount)); }
            var ps = new double[k2 * c * k2];
            var isrt = new double[c * k2];
            for (int a = 0; a < k2; a++)
                for (int x = 0; x < c; x++)
                    for (int b = 0; b < k2; b++)
                        ps[(a * c + x) * k2 + b] = p[(order[a] * c + x) * k2 + order[b]];
            for (int x = 0; x < c; x++)
                for (int b = 0; b < k2; b++) isrt[x * k2 + b] = init[x * k2 + order[b]];
            return (sorted, new TransitionModel(t.ContextScheme, k2, c, ps, isrt, (long[])bins.Clone()));
        }
    }
}
