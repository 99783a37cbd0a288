using System;
using System.Collections.Generic;
using System.Linq;

namespace PowerTrace.Core.Analysis
{
    /// <summary>
    /// How closely a synthesized power trace reproduces a measured one of the same workload and bin width,
    /// by the metrics of DESIGN.md ("Fidelity metrics"), so numbers compare with the published ones.
    /// </summary>
    public sealed class FidelityResult
    {
        public FidelityResult(double energyErrorPercent, double acfRSquared, double ksStatistic, double nrmse,
            double p95ErrorPercent, double p99ErrorPercent, int validBins, int acfLags, int runs,
            double measuredMeanWatts, double synthesizedMeanWatts)
        {
            EnergyErrorPercent = energyErrorPercent;
            AcfRSquared = acfRSquared;
            KsStatistic = ksStatistic;
            Nrmse = nrmse;
            P95ErrorPercent = p95ErrorPercent;
            P99ErrorPercent = p99ErrorPercent;
            ValidBins = validBins;
            AcfLags = acfLags;
            Runs = runs;
            MeasuredMeanWatts = measuredMeanWatts;
            SynthesizedMeanWatts = synthesizedMeanWatts;
        }

        /// <summary>100 · |ΣQ − ΣP| / ΣP, percent.</summary>
        public double EnergyErrorPercent { get; }
        /// <summary>1 − Σ_k (ρP(k) − ρQ(k))² / Σ_k (ρP(k) − mean ρP)² over lags 1..<see cref="AcfLags"/> (dimensionless, 1 = perfect).</summary>
        public double AcfRSquared { get; }
        /// <summary>Two-sample Kolmogorov-Smirnov statistic: largest gap between the empirical CDFs (0..1).</summary>
        public double KsStatistic { get; }
        /// <summary>RMSE / (max P − min P), dimensionless (a fraction of the measured range).</summary>
        public double Nrmse { get; }
        /// <summary>100 · |Q95 − P95| / P95, percent (95th percentiles, linear interpolation).</summary>
        public double P95ErrorPercent { get; }
        /// <summary>100 · |Q99 − P99| / P99, percent.</summary>
        public double P99ErrorPercent { get; }
        /// <summary>Bins where both traces have a value (NaN bins skipped); for a median, the total over runs.</summary>
        public int ValidBins { get; }
        /// <summary>Lags used for the ACF R² (50, fewer for short traces).</summary>
        public int AcfLags { get; }
        /// <summary>Comparisons summarized: 1 for one pair of traces, n for a median over n.</summary>
        public int Runs { get; }
        /// <summary>Mean of the measured trace over the valid bins, watts (median over runs for a median).</summary>
        public double MeasuredMeanWatts { get; }
        /// <summary>Mean of the synthesized trace over the valid bins, watts (median over runs for a median).</summary>
        public double SynthesizedMeanWatts { get; }

        public override string ToString() =>
            $"energy {EnergyErrorPercent:0.00} %, ACF R² {AcfRSquared:0.000}, KS {KsStatistic:0.000}, NRMSE {Nrmse:0.000}, P95 {P95ErrorPercent:0.00} %, P99 {P99ErrorPercent:0.00} % ({Runs} run(s), {ValidBins} bins)";
    }

    /// <summary>The fidelity metrics, the median across seeds or traces, and the constant-trace baselines.</summary>
    /// <remarks>
    /// Bins where either trace is NaN are skipped: the value metrics use the bins where both are valid; the ACF
    /// uses, for both traces, the mean and variance over those bins and, at lag k, only pairs of bins that are both
    /// valid (the biased estimator ρ(k) = Σ(x_t − μ)(x_{t+k} − μ) / Σ(x_t − μ)², as statsmodels' acf). A trace with
    /// zero variance has ρ(k) = 0 for every lag (so a constant baseline gets a defined, usually poor, R²); a constant
    /// measured trace makes ACF R² NaN (its denominator is 0).
    /// </remarks>
    public static class FidelityMetrics
    {
        /// <summary>Lags of the ACF R² (DESIGN.md: 1..50).</summary>
        public const int DefaultAcfLags = 50;

        /// <summary>Compares a measured trace P with a synthesized trace Q of the same workload and bin width.</summary>
        public static FidelityResult Compare(double[] measured, double[] synthesized, int maxLag = DefaultAcfLags)
        {
            if (measured == null) throw new ArgumentNullException(nameof(measured));
            if (synthesized == null) throw new ArgumentNullException(nameof(synthesized));
            if (measured.Length != synthesized.Length)
                throw new ArgumentException($"The measured trace has {measured.Length} bins and the synthesized one {synthesized.Length}: compare traces of the same workload on the same grid.");
            if (maxLag < 1) throw new ArgumentOutOfRangeException(nameof(maxLag), maxLag, "At least one lag.");
            int len = measured.Length;
            var valid = new bool[len];
            int n = 0;
            for (int i = 0; i < len; i++) { valid[i] = !double.IsNaN(measured[i]) && !double.IsNaN(synthesized[i]); if (valid[i]) n++; }
            if (n == 0) throw new ArgumentException("The traces have no bin where both have a value.");
            var p = new double[n]; var q = new double[n];
            for (int i = 0, k = 0; i < len; i++) if (valid[i]) { p[k] = measured[i]; q[k] = synthesized[i]; k++; }

            double sp = 0, sq = 0, sse = 0, pMax = double.NegativeInfinity, pMin = double.PositiveInfinity;
            for (int i = 0; i < n; i++)
            {
                sp += p[i]; sq += q[i];
                double d = q[i] - p[i]; sse += d * d;
                if (p[i] > pMax) pMax = p[i];
                if (p[i] < pMin) pMin = p[i];
            }
            double energy = 100.0 * Math.Abs(sq - sp) / sp;
            double nrmse = pMax > pMin ? Math.Sqrt(sse / n) / (pMax - pMin) : double.NaN;

            int lags = Math.Min(maxLag, len - 1);
            double r2 = double.NaN;
            if (lags >= 1)
            {
                var rp = Acf(measured, valid, lags);
                var rq = Acf(synthesized, valid, lags);
                r2 = AcfRSquared(rp, rq);
            }

            var ps = (double[])p.Clone(); Array.Sort(ps);
            var qs = (double[])q.Clone(); Array.Sort(qs);
            double ks = KsSorted(ps, qs);
            double p95 = RelativeErrorPercent(Percentile(ps, 95), Percentile(qs, 95));
            double p99 = RelativeErrorPercent(Percentile(ps, 99), Percentile(qs, 99));
            return new FidelityResult(energy, r2, ks, nrmse, p95, p99, n, Math.Max(lags, 0), 1, sp / n, sq / n);
        }

        /// <summary>Per-metric median over several comparisons (seeds, held-out traces), NaN values skipped.</summary>
        public static FidelityResult Median(IEnumerable<FidelityResult> results)
        {
            if (results == null) throw new ArgumentNullException(nameof(results));
            var list = results.ToList();
            if (list.Count == 0) throw new ArgumentException("No results to summarize.", nameof(results));
            return new FidelityResult(
                Median(list.Select(r => r.EnergyErrorPercent)),
                Median(list.Select(r => r.AcfRSquared)),
                Median(list.Select(r => r.KsStatistic)),
                Median(list.Select(r => r.Nrmse)),
                Median(list.Select(r => r.P95ErrorPercent)),
                Median(list.Select(r => r.P99ErrorPercent)),
                list.Sum(r => r.ValidBins),
                list.Max(r => r.AcfLags),
                list.Sum(r => r.Runs),
                Median(list.Select(r => r.MeasuredMeanWatts)),
                Median(list.Select(r => r.SynthesizedMeanWatts)));
        }

        /// <summary>A flat trace at <paramref name="watts"/> (the TDP or mean-power baseline).</summary>
        public static double[] ConstantTrace(double watts, int bins)
        {
            if (bins < 0) throw new ArgumentOutOfRangeException(nameof(bins));
            var t = new double[bins];
            for (int i = 0; i < bins; i++) t[i] = watts;
            return t;
        }

        /// <summary>The mean-power baseline: a flat trace at the mean of <paramref name="measured"/> (NaN bins skipped), same length.</summary>
        public static double[] MeanPowerTrace(double[] measured)
        {
            if (measured == null) throw new ArgumentNullException(nameof(measured));
            double s = 0; int n = 0;
            foreach (var v in measured) if (!double.IsNaN(v)) { s += v; n++; }
            return ConstantTrace(n > 0 ? s / n : double.NaN, measured.Length);
        }

        /// <summary>Autocorrelation at lags 1..maxLag over the bins flagged valid (see the class remarks).</summary>
        public static double[] Acf(double[] x, bool[] valid, int maxLag)
        {
            int len = x.Length;
            double s = 0; int n = 0;
            for (int i = 0; i < len; i++) if (valid[i]) { s += x[i]; n++; }
            var r = new double[maxLag];
            if (n == 0) return r;
            double mu = s / n, var = 0;
            for (int i = 0; i < len; i++) if (valid[i]) { double d = x[i] - mu; var += d * d; }
            if (!(var > 1e-12 * Math.Max(1.0, mu * mu) * n)) return r; // constant: no correlation
            for (int k = 1; k <= maxLag; k++)
            {
                double c = 0;
                for (int t = 0; t + k < len; t++)
                    if (valid[t] && valid[t + k]) c += (x[t] - mu) * (x[t + k] - mu);
                r[k - 1] = c / var;
            }
            return r;
        }

        /// <summary>1 − Σ(ρP − ρQ)² / Σ(ρP − mean ρP)².</summary>
        public static double AcfRSquared(double[] rhoMeasured, double[] rhoSynthesized)
        {
            int m = rhoMeasured.Length;
            double mean = 0; for (int k = 0; k < m; k++) mean += rhoMeasured[k];
            mean /= m;
            double ssRes = 0, ssTot = 0;
            for (int k = 0; k < m; k++)
            {
                double d = rhoMeasured[k] - rhoSynthesized[k]; ssRes += d * d;
                double e = rhoMeasured[k] - mean; ssTot += e * e;
            }
            return ssTot > 0 ? 1.0 - ssRes / ssTot : double.NaN;
        }

        /// <summary>Percentile by linear interpolation between order statistics (numpy's default), of sorted values.</summary>
        public static double Percentile(double[] sorted, double percent)
        {
            int n = sorted.Length;
            if (n == 0) return double.NaN;
            double h = (n - 1) * percent / 100.0;
            int lo = (int)Math.Floor(h);
            if (lo >= n - 1) return sorted[n - 1];
            return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
        }

        private static double RelativeErrorPercent(double measured, double synthesized) =>
            measured != 0 ? 100.0 * Math.Abs(synthesized - measured) / Math.Abs(measured) : double.NaN;

        private static double KsSorted(double[] a, double[] b)
        {
            int i = 0, j = 0, na = a.Length, nb = b.Length;
            double d = 0;
            while (i < na && j < nb)
            {
                double v = Math.Min(a[i], b[j]);
                while (i < na && a[i] <= v) i++;
                while (j < nb && b[j] <= v) j++;
                double gap = Math.Abs((double)i / na - (double)j / nb);
                if (gap > d) d = gap;
            }
            return d;
        }

        private static double Median(IEnumerable<double> values)
        {
            var v = values.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
            if (v.Length == 0) return double.NaN;
            int h = v.Length / 2;
            return v.Length % 2 == 1 ? v[h] : 0.5 * (v[h - 1] + v[h]);
        }
    }
}
