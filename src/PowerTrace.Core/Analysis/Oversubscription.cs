using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Analysis
{
    /// <summary>
    /// How many units (racks or servers) fit under a power limit, by the method of the published study
    /// (Wilkins et al. 2026): for each candidate count n draw random subsets of n units, take the peak of
    /// their summed power over the horizon, and find the largest n whose peak quantile stays at or under the limit.
    /// </summary>
    /// <remarks>
    /// <para>Sampling. Trial t draws from <c>Rng.ForStream(Seed, t)</c>: a random permutation of the pool
    /// (partial Fisher-Yates); its first n units are a uniform random n-subset, so one running sum per trial
    /// yields the subset of every size 1, 2, ... (incremental over n: the cost is Trials × nMax × horizon
    /// additions, vectorised, trials in parallel). Subsets of different sizes within one trial are nested;
    /// for each size on its own they are exactly uniform. Beyond the pool (only with
    /// <see cref="OversubscriptionSettings.AllowReplacement"/>) further units are drawn uniformly with replacement.</para>
    /// <para>Quantile: type 7 (linear interpolation, numpy's default) over the trials' peaks. The answer is the
    /// largest n such that every count up to n has its quantile at or under the limit (with power ≥ 0 the curve
    /// cannot decrease, so this is the largest n that fits). NaN bins count at the unit's mean power.</para>
    /// <para>Counts at which the sum of the units' mean powers exceeds the limit cannot fit, so evaluation stops
    /// there: n ≤ ⌊limit / smallest unit mean⌋ + 1 (unless MaxCount is given, which is honoured).</para>
    /// </remarks>
    public static class Oversubscription
    {
        /// <summary>Runs the analysis on unit traces (same bin width and start time). Throws <see cref="InvalidSettingException"/> with ids from <see cref="AnalysisErrorIds"/>.</summary>
        public static OversubscriptionResult Measure(IReadOnlyList<PowerSeries> units, OversubscriptionSettings settings, CancellationToken cancellationToken = default)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            settings.Validate();
            var sw = Stopwatch.StartNew();
            var warnings = new List<string>();
            int L = TraceAlignment.Check(units, "InputObject", warnings);
            int N = units.Count;
            double bin = units[0].BinSeconds;
            double limit = settings.LimitKW;

            // Units in kW over the common length; NaN bins at the unit's mean.
            var kw = new double[N][];
            var meanKW = new double[N];
            var peakKW = new double[N];
            long nanBins = 0;
            for (int u = 0; u < N; u++)
            {
                double[] src = units[u].Watts;
                double sum = 0; int valid = 0;
                for (int i = 0; i < L; i++) if (!double.IsNaN(src[i])) { sum += src[i]; valid++; }
                if (valid == 0)
                    throw new InvalidSettingException(AnalysisErrorIds.NoInput, "InputObject", $"Unit trace '{units[u].Name}' has no measured bin.");
                double meanW = sum / valid;
                var dst = new double[L];
                double pk = double.NegativeInfinity;
                for (int i = 0; i < L; i++)
                {
                    double w = src[i];
                    if (double.IsNaN(w)) { w = meanW; nanBins++; }
                    dst[i] = w / 1000.0;
                    if (dst[i] > pk) pk = dst[i];
                }
                kw[u] = dst;
                meanKW[u] = meanW / 1000.0;
                peakKW[u] = pk;
            }
            if (nanBins > 0)
                warnings.Add(string.Format(CultureInfo.InvariantCulture, "{0} unmeasured (NaN) bins were counted at their unit's mean power.", nanBins));

            int worstUnit = 0;
            for (int u = 1; u < N; u++) if (peakKW[u] > peakKW[worstUnit]) worstUnit = u;
            if (peakKW[worstUnit] > limit)
                throw new InvalidSettingException(AnalysisErrorIds.LimitBelowUnitPeak, "LimitKW",
                    string.Format(CultureInfo.InvariantCulture,
                        "The limit {0:0.###} kW is below the peak of a single unit ('{1}' peaks at {2:0.###} kW): not even one unit fits. Check the limit's level and units.",
                        limit, units[worstUnit].Name, peakKW[worstUnit]));

            // Horizon.
            int H = L;
            double traceSeconds = L * bin;
            if (settings.HorizonSeconds.HasValue)
            {
                double hs = settings.HorizonSeconds.Value;
                int want = Math.Max(1, (int)Math.Round(hs / bin));
                if (want > L)
                    warnings.Add(string.Format(CultureInfo.InvariantCulture,
                        "The horizon ({0:0.###} h) is longer than the traces ({1:0.###} h): the quantile is of the peak over {1:0.###} h and understates the peak over {0:0.###} h.",
                        hs / 3600.0, traceSeconds / 3600.0));
                else if (want < L)
                {
                    H = want;
                    warnings.Add(string.Format(CultureInfo.InvariantCulture,
                        "The horizon ({0:0.###} h) is shorter than the traces ({1:0.###} h): each trial takes the peak over a random {0:0.###} h window, so the quantile is of {0:0.###} h peaks, not of the whole trace's peak.",
                        H * bin / 3600.0, traceSeconds / 3600.0));
                }
            }

            // Largest count to evaluate.
            double minMean = double.PositiveInfinity;
            foreach (double m in meanKW) minMean = Math.Min(minMean, m);
            long surelyOver = minMean > 0 ? (long)Math.Floor(limit / minMean) + 1 : long.MaxValue;
            bool repl = settings.AllowReplacement;
            int nMax;
            bool capBound = false;
            if (settings.MaxCount.HasValue)
            {
                nMax = settings.MaxCount.Value;
                if (!repl && nMax > N)
                    throw new InvalidSettingException(AnalysisErrorIds.CountOutOfRange, "MaxCount",
                        $"MaxCount {nMax} exceeds the {N} units given; allow drawing with replacement or give more units.");
            }
            else if (!repl) nMax = N;
            else
            {
                int hardCap = Math.Max(10 * N, 100);
                nMax = (int)Math.Min(surelyOver, hardCap);
                capBound = surelyOver > hardCap;
            }
            if (settings.AtCount.HasValue)
            {
                int at = settings.AtCount.Value;
                if (!repl && at > N)
                    throw new InvalidSettingException(AnalysisErrorIds.CountOutOfRange, "AtCount",
                        $"AtCount {at} exceeds the {N} units given; allow drawing with replacement or give more units.");
            }
            int nEval = settings.MaxCount.HasValue ? nMax : (int)Math.Min(nMax, surelyOver);
            if (settings.AtCount.HasValue) nEval = Math.Max(nEval, settings.AtCount.Value);
            nEval = Math.Max(nEval, 1);

            // Trials: running sums over a random order of units.
            int T = settings.Trials;
            var peaks = new double[(long)T * nEval];
            var above = new int[(long)T * nEval];
            ulong seed = settings.Seed;
            var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = settings.MaxDegreeOfParallelism };
            try
            {
                Parallel.For(0, T, options,
                    () => new TrialBuffers(H, N),
                    (t, state, buf) =>
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var rng = Rng.ForStream(seed, (ulong)t);
                        int offset = H < L ? rng.NextInt(L - H + 1) : 0;
                        Array.Clear(buf.Acc, 0, H);
                        int[] perm = buf.Perm;
                        for (int i = 0; i < N; i++) perm[i] = i;
                        long row = (long)t * nEval;
                        for (int k = 0; k < nEval; k++)
                        {
                            int unit;
                            if (k < N)
                            {
                                int j = k + rng.NextInt(N - k);
                                unit = perm[j];
                                perm[j] = perm[k];
                                perm[k] = unit;
                            }
                            else unit = rng.NextInt(N);
                            peaks[row + k] = AddAndPeak(buf.Acc, kw[unit], offset, H, limit, out int count);
                            above[row + k] = count;
                        }
                        return buf;
                    },
                    _ => { });
            }
            catch (AggregateException ex) when (ex.InnerException is OperationCanceledException oce)
            {
                throw oce;
            }

            // The curve.
            var curve = new OversubscriptionPoint[nEval];
            var col = new double[T];
            int fit = -1;
            for (int k = 0; k < nEval; k++)
            {
                double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
                long exceed = 0, aboveSum = 0;
                for (int t = 0; t < T; t++)
                {
                    double p = peaks[(long)t * nEval + k];
                    col[t] = p;
                    sum += p;
                    if (p < min) min = p;
                    if (p > max) max = p;
                    if (p > limit) exceed++;
                    aboveSum += above[(long)t * nEval + k];
                }
                Array.Sort(col);
                double q = Quantiles.SortedType7(col, settings.Quantile);
                bool fits = q <= limit;
                if (!fits && fit < 0) fit = k; // k = (count − 1) of the first failing count = the last fitting count
                curve[k] = new OversubscriptionPoint(k + 1, q, sum / T, min, max, (double)exceed / T, aboveSum * bin / T, fits);
            }
            bool lowerBound = fit < 0;
            if (lowerBound)
            {
                fit = nEval;
                string why = !repl && nEval >= N
                    ? $"all {N} units given fit"
                    : $"every count up to {nEval} fits{(capBound ? " (the evaluation cap)" : settings.MaxCount.HasValue ? " (MaxCount)" : "")}";
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "{0} at the {1} quantile: the answer is at least {2}. {3}",
                    char.ToUpperInvariant(why[0]) + why.Substring(1), settings.Quantile, fit,
                    repl ? "Raise MaxCount to look further." : "Give more units (a larger synthesized pool) or allow drawing with replacement."));
            }

            // What bounds the quantile's meaning.
            int distinct = CountDistinct(kw, L);
            if (distinct < N)
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "Only {0} of the {1} unit traces are distinct (identical traces, e.g. from one seed, are perfectly correlated and overstate peaks).",
                    distinct, N));
            if (fit >= 1 && fit <= N)
            {
                double subsets = Choose(N, fit);
                if (subsets < T)
                    warnings.Add(string.Format(CultureInfo.InvariantCulture,
                        "At {0} units only {1:0} distinct subsets of the {2} units exist, fewer than the {3} trials: the {4} quantile rests on {1:0} combinations. Give a larger pool of units (more seeds) for a meaningful quantile.",
                        fit, subsets, N, T, settings.Quantile));
            }
            if (repl && fit > N)
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "The answer ({0}) exceeds the {1} units given: counts beyond {1} repeat units (drawn with replacement), whose perfect correlation overstates peaks.",
                    fit, N));

            int atCount = settings.AtCount ?? Math.Max(fit, 1);
            int nameplateCount = (int)Math.Floor(limit / settings.NameplateKW + 1e-9);
            double meanUnit = 0, meanPeak = 0;
            for (int u = 0; u < N; u++) { meanUnit += meanKW[u]; meanPeak += peakKW[u]; }
            meanUnit /= N;
            meanPeak /= N;
            int meanCount = meanUnit > 0 ? (int)Math.Min(int.MaxValue, Math.Floor(limit / meanUnit + 1e-9)) : int.MaxValue;

            return new OversubscriptionResult(units[0].Level, N, distinct, limit, settings.NameplateKW, settings.Quantile, T, seed, repl,
                H * bin, traceSeconds, fit, lowerBound, nameplateCount, meanCount, meanUnit, meanPeak,
                atCount, curve[atCount - 1], curve, warnings.ToArray(), sw.Elapsed.TotalSeconds);
        }

        private sealed class TrialBuffers
        {
            public TrialBuffers(int h, int n)
            {
                Acc = new double[h];
                Perm = new int[n];
            }
            public readonly double[] Acc;
            public readonly int[] Perm;
        }

        /// <summary>acc += unit[offset..offset+h); returns max(acc) and counts bins with acc &gt; limit. Vectorised.</summary>
        internal static double AddAndPeak(double[] acc, double[] unit, int offset, int h, double limit, out int countAbove)
        {
            var accV = MemoryMarshal.Cast<double, Vector<double>>(new Span<double>(acc, 0, h));
            var unitV = MemoryMarshal.Cast<double, Vector<double>>(new ReadOnlySpan<double>(unit, offset, h));
            var maxV = new Vector<double>(double.NegativeInfinity);
            var limV = new Vector<double>(limit);
            var cntV = Vector<long>.Zero;
            for (int i = 0; i < accV.Length; i++)
            {
                Vector<double> s = accV[i] + unitV[i];
                accV[i] = s;
                maxV = Vector.Max(maxV, s);
                cntV -= Vector.GreaterThan(s, limV); // true lanes are all ones = -1
            }
            double peak = double.NegativeInfinity;
            long cnt = 0;
            for (int j = 0; j < Vector<double>.Count; j++)
            {
                if (maxV[j] > peak) peak = maxV[j];
                cnt += cntV[j];
            }
            for (int i = accV.Length * Vector<double>.Count; i < h; i++)
            {
                double s = acc[i] + unit[offset + i];
                acc[i] = s;
                if (s > peak) peak = s;
                if (s > limit) cnt++;
            }
            countAbove = (int)cnt;
            return peak;
        }

        /// <summary>Number of distinct arrays by content (hash, then exact comparison).</summary>
        private static int CountDistinct(double[][] arrays, int length)
        {
            var byHash = new Dictionary<ulong, List<double[]>>();
            int distinct = 0;
            foreach (double[] a in arrays)
            {
                ulong h = 14695981039346656037UL;
                for (int i = 0; i < length; i++)
                {
                    h ^= (ulong)BitConverter.DoubleToInt64Bits(a[i]);
                    h *= 1099511628211UL;
                }
                if (!byHash.TryGetValue(h, out var list)) byHash[h] = list = new List<double[]>();
                bool seen = false;
                foreach (double[] b in list)
                {
                    if (new ReadOnlySpan<double>(a, 0, length).SequenceEqual(new ReadOnlySpan<double>(b, 0, length))) { seen = true; break; }
                }
                if (!seen) { list.Add(a); distinct++; }
            }
            return distinct;
        }

        /// <summary>Binomial coefficient C(n, k) as a double (saturates at 1e300).</summary>
        internal static double Choose(int n, int k)
        {
            if (k < 0 || k > n) return 0;
            k = Math.Min(k, n - k);
            double c = 1;
            for (int i = 1; i <= k; i++)
            {
                c = c * (n - k + i) / i;
                if (c > 1e300) return 1e300;
            }
            return Math.Round(c);
        }
    }
}
