using System;
using System.Collections.Generic;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// Workload-conditioned state transitions: P(next state | current state, context of the next bin),
    /// plus P(state | context) for a chain's first bin. Contexts come from <see cref="WorkloadContext"/>.
    /// </summary>
    /// <remarks>
    /// Learned from labelled bins with hierarchical Dirichlet back-off, so contexts seen rarely or never
    /// behave sensibly:
    /// <list type="number">
    /// <item>P(s | c) = (n(c, s) + γ·N_c(s)) / (n(c) + γ), where N_c is the state distribution of the other
    /// busy contexts weighted by closeness in the (prompt-rate, decode-batch) grid (4^−distance) and by data,
    /// mixed with a little of the busy-time marginal; for an idle context N_c is the other idle ages, nearest first, so
    /// nothing in flight always means the idle states (with no idle data at all, the lowest state).</item>
    /// <item>Row prior R(s | cur, c) ∝ P(s | c)·sqrt(P(s | cur) / P(s)), P(s | cur) the global transition
    /// matrix: where a (state, context) pair was never seen, the context decides where the chain goes
    /// and the state's usual persistence is kept in a tempered form.</item>
    /// <item>P(s | cur, c) = (n(cur, c, s) + β·R(s | cur, c)) / (n(cur, c) + β).</item>
    /// </list>
    /// </remarks>
    public sealed class TransitionModel
    {
        /// <summary>Dirichlet strength of the context prior (pseudo-bins).</summary>
        public const double ContextPriorStrength = 2.0;
        /// <summary>Dirichlet strength of the row prior (pseudo-transitions).</summary>
        public const double RowPriorStrength = 2.0;

        private readonly double[] _p;       // [cur, ctx, next]
        private readonly double[] _initial; // [ctx, state]
        private readonly long[] _contextBins;

        internal TransitionModel(string scheme, int stateCount, int contextCount, double[] probabilities, double[] initial, long[] contextBins)
        {
            if (stateCount < 1) throw new ArgumentOutOfRangeException(nameof(stateCount));
            if (contextCount < 1 || contextCount > 256) throw new ArgumentOutOfRangeException(nameof(contextCount));
            if (probabilities.Length != stateCount * contextCount * stateCount) throw new ArgumentException("Transition table has the wrong size.", nameof(probabilities));
            if (initial.Length != contextCount * stateCount) throw new ArgumentException("Initial table has the wrong size.", nameof(initial));
            if (contextBins.Length != contextCount) throw new ArgumentException("Context bin counts have the wrong size.", nameof(contextBins));
            ContextScheme = scheme;
            StateCount = stateCount;
            ContextCount = contextCount;
            _p = probabilities;
            _initial = initial;
            _contextBins = contextBins;
        }

        /// <summary>Name of the context discretisation (see <see cref="WorkloadContext.Scheme"/>).</summary>
        public string ContextScheme { get; }

        /// <summary>Number of states.</summary>
        public int StateCount { get; }

        /// <summary>Number of context ids.</summary>
        public int ContextCount { get; }

        /// <summary>Training bins seen in each context.</summary>
        public IReadOnlyList<long> ContextBinCounts => _contextBins;

        /// <summary>P(next | current, context of the next bin).</summary>
        public double Probability(int current, int context, int next) => _p[(current * ContextCount + context) * StateCount + next];

        /// <summary>P(state | context) used for a chain's first bin.</summary>
        public double InitialProbability(int context, int state) => _initial[context * StateCount + state];

        internal double[] RawProbabilities => _p;
        internal double[] RawInitial => _initial;
        internal long[] RawContextBins => _contextBins;

        /// <summary>
        /// Learns the transitions from labelled sequences. states[i] = −1 marks an unmeasured bin (it breaks
        /// the chain); contexts[i] is the bin's context id.
        /// </summary>
        public static TransitionModel Learn(int stateCount, IReadOnlyList<int[]> states, IReadOnlyList<byte[]> contexts)
        {
            int k = stateCount, c = WorkloadContext.Count;
            var n = new double[k * c * k];
            var nc = new double[c * k];
            var g = new double[k * k];
            var ctxBins = new long[c];
            var share = new double[k];
            var busyShare = new double[k];
            for (int t = 0; t < states.Count; t++)
            {
                int[] s = states[t]; byte[] x = contexts[t];
                if (s.Length != x.Length) throw new ArgumentException("States and contexts differ in length.");
                for (int i = 0; i < s.Length; i++)
                {
                    if (s[i] < 0) continue;
                    ctxBins[x[i]]++;
                    nc[x[i] * k + s[i]]++;
                    share[s[i]]++;
                    if (!WorkloadContext.IsIdle(x[i])) busyShare[s[i]]++;
                    if (i > 0 && s[i - 1] >= 0)
                    {
                        n[(s[i - 1] * c + x[i]) * k + s[i]]++;
                        g[s[i - 1] * k + s[i]]++;
                    }
                }
            }
            Normalize(share, 1e-9);
            double busyTotal = Sum(busyShare);
            if (busyTotal > 0) Normalize(busyShare, 1e-9); else Array.Copy(share, busyShare, k);

            // Level 1: P(s | c).
            var pctx = new double[c * k];
            var prior = new double[k];
            for (int ctx = 0; ctx < c; ctx++)
            {
                Array.Clear(prior, 0, k);
                if (WorkloadContext.IsIdle(ctx))
                {
                    // Other idle ages, nearest first; with no idle data at all, the lowest state.
                    double tot = 0;
                    for (int o = 0; o < WorkloadContext.IdleContexts; o++)
                    {
                        if (o == ctx || ctxBins[o] == 0) continue;
                        double wgt = Math.Pow(0.25, Math.Abs(o - ctx));
                        for (int s = 0; s < k; s++) { double v = wgt * nc[o * k + s]; prior[s] += v; tot += v; }
                    }
                    if (tot > 0) for (int s = 0; s < k; s++) prior[s] /= tot;
                    else prior[0] = 1.0;
                }
                else
                {
                    int p0 = WorkloadContext.PromptBucket(ctx), d0 = WorkloadContext.DecodeBucket(ctx);
                    double tot = 0;
                    for (int o = WorkloadContext.IdleContexts; o < c; o++)
                    {
                        if (o == ctx || ctxBins[o] == 0) continue;
                        int dist = Math.Abs(WorkloadContext.PromptBucket(o) - p0) + Math.Abs(WorkloadContext.DecodeBucket(o) - d0);
                        double wgt = Math.Pow(0.25, dist);
                        for (int s = 0; s < k; s++) { double v = wgt * nc[o * k + s]; prior[s] += v; tot += v; }
                    }
                    if (tot > 0) for (int s = 0; s < k; s++) prior[s] = 0.98 * prior[s] / tot + 0.02 * busyShare[s];
                    else Array.Copy(busyShare, prior, k);
                }
                double nrow = ctxBins[ctx];
                for (int s = 0; s < k; s++)
                    pctx[ctx * k + s] = (nc[ctx * k + s] + ContextPriorStrength * prior[s]) / (nrow + ContextPriorStrength);
            }

            // Global transition matrix (lightly smoothed toward the marginal).
            var pg = new double[k * k];
            for (int a = 0; a < k; a++)
            {
                double row = 0;
                for (int s = 0; s < k; s++) row += g[a * k + s];
                for (int s = 0; s < k; s++) pg[a * k + s] = (g[a * k + s] + share[s]) / (row + 1.0);
            }

            // Level 2 and 3: rows.
            var p = new double[k * c * k];
            for (int a = 0; a < k; a++)
                for (int ctx = 0; ctx < c; ctx++)
                {
                    double z = 0;
                    for (int s = 0; s < k; s++)
                    {
                        double r = pctx[ctx * k + s] * Math.Sqrt((pg[a * k + s] + 1e-6) / (share[s] + 1e-6));
                        prior[s] = r;
                        z += r;
                    }
                    int row = (a * c + ctx) * k;
                    double nrow = 0;
                    for (int s = 0; s < k; s++) nrow += n[row + s];
                    for (int s = 0; s < k; s++)
                        p[row + s] = (n[row + s] + RowPriorStrength * prior[s] / z) / (nrow + RowPriorStrength);
                }
            return new TransitionModel(WorkloadContext.Scheme, k, c, p, pctx, ctxBins);
        }

        private static double Sum(double[] a) { double s = 0; foreach (double v in a) s += v; return s; }

        private static void Normalize(double[] a, double floor)
        {
            double s = Sum(a);
            if (s <= 0) { for (int i = 0; i < a.Length; i++) a[i] = 1.0 / a.Length; return; }
            for (int i = 0; i < a.Length; i++) a[i] = Math.Max(a[i] / s, floor);
        }
    }
}
