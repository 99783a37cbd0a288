using System;
using System.Collections.Generic;
using PowerTrace.Core.Numerics;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// A one-dimensional Gaussian mixture (components sorted by mean), fitted by EM with the number of
    /// components chosen by BIC. Used for the power model's operating states over binned node power.
    /// </summary>
    /// <remarks>
    /// Fitting runs EM on weighted points: the distinct values when there are few, otherwise a fine
    /// histogram (<see cref="MaxSupportPoints"/> bins, each represented by the mean of its values). This makes
    /// a BIC sweep over an hour of 250 ms bins take well under a second while the likelihood stays that
    /// of the raw values to within the histogram resolution. NaN values are skipped. Standard deviations are
    /// floored (<see cref="FitOptions.MinStdWatts"/>) so components on quantised readings cannot collapse.
    /// </remarks>
    public sealed class GaussianMixture1D
    {
        /// <summary>Most weighted support points EM runs on.</summary>
        public const int MaxSupportPoints = 2048;

        private GaussianMixture1D(double[] weights, double[] means, double[] stds, double logLikelihood, double bic, int n)
        {
            Weights = weights;
            Means = means;
            Stds = stds;
            LogLikelihood = logLikelihood;
            Bic = bic;
            SampleCount = n;
        }

        /// <summary>Mixing weights (sum 1), by component in order of increasing mean.</summary>
        public double[] Weights { get; }

        /// <summary>Component means, watts, increasing.</summary>
        public double[] Means { get; }

        /// <summary>Component standard deviations, watts.</summary>
        public double[] Stds { get; }

        /// <summary>Number of components.</summary>
        public int Count => Means.Length;

        /// <summary>Log-likelihood of the fitted values.</summary>
        public double LogLikelihood { get; }

        /// <summary>Bayesian information criterion: −2 logL + (3K − 1) ln n (lower is better).</summary>
        public double Bic { get; }

        /// <summary>Number of (non-NaN) values fitted.</summary>
        public int SampleCount { get; }

        /// <summary>Options for <see cref="Fit"/>.</summary>
        public sealed class FitOptions
        {
            /// <summary>Smallest component count tried by the BIC sweep.</summary>
            public int MinComponents { get; set; } = 3;
            /// <summary>Largest component count tried by the BIC sweep.</summary>
            public int MaxComponents { get; set; } = 12;
            /// <summary>Floor of every component's standard deviation, watts; NaN = 0.2 % of the value range, at least 0.1 W.</summary>
            public double MinStdWatts { get; set; } = double.NaN;
            /// <summary>EM iterations at most per start.</summary>
            public int MaxIterations { get; set; } = 400;
            /// <summary>Stop when the log-likelihood gains less than this per value.</summary>
            public double Tolerance { get; set; } = 1e-7;
            /// <summary>Stop the sweep after this many component counts in a row that do not lower the BIC.</summary>
            public int Patience { get; set; } = 3;
            /// <summary>Random (k-means++) starts in addition to the quantile start.</summary>
            public int RandomStarts { get; set; } = 1;
        }

        /// <summary>
        /// Fits mixtures with MinComponents..MaxComponents components (capped by the number of distinct
        /// values) and returns the one with the lowest BIC.
        /// </summary>
        /// <exception cref="ArgumentException">Fewer than two non-NaN values.</exception>
        public static GaussianMixture1D Fit(IReadOnlyList<double> values, FitOptions? options, ref Rng rng)
        {
            options ??= new FitOptions();
            if (options.MinComponents < 1 || options.MaxComponents < options.MinComponents)
                throw new ArgumentOutOfRangeException(nameof(options), $"Component range {options.MinComponents}..{options.MaxComponents} is not valid.");
            BuildSupport(values, out double[] x, out double[] w, out int n, out double lo, out double hi);
            if (n < 2) throw new ArgumentException("At least two measured (non-NaN) values are needed to fit states.", nameof(values));
            double minStd = double.IsNaN(options.MinStdWatts) ? Math.Max(0.1, 0.002 * (hi - lo)) : options.MinStdWatts;
            int maxK = Math.Min(options.MaxComponents, x.Length);
            int minK = Math.Min(options.MinComponents, maxK);
            GaussianMixture1D? best = null;
            int worse = 0;
            for (int k = minK; k <= maxK; k++)
            {
                var m = FitFixed(x, w, n, k, minStd, options, ref rng);
                if (best == null || m.Bic < best.Bic) { best = m; worse = 0; }
                else if (++worse >= options.Patience) break;
            }
            return best!;
        }

        /// <summary>Most likely component of a value (NaN gives −1).</summary>
        public int Classify(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) return -1;
            int best = 0;
            double bestL = double.NegativeInfinity;
            for (int k = 0; k < Means.Length; k++)
            {
                double z = (value - Means[k]) / Stds[k];
                double l = Math.Log(Weights[k]) - Math.Log(Stds[k]) - 0.5 * z * z;
                if (l > bestL) { bestL = l; best = k; }
            }
            return best;
        }

        private static void BuildSupport(IReadOnlyList<double> values, out double[] x, out double[] w, out int n, out double lo, out double hi)
        {
            var v = new List<double>(values.Count);
            for (int i = 0; i < values.Count; i++)
            {
                double a = values[i];
                if (!double.IsNaN(a) && !double.IsInfinity(a)) v.Add(a);
            }
            n = v.Count;
            lo = hi = 0;
            if (n == 0) { x = Array.Empty<double>(); w = Array.Empty<double>(); return; }
            var arr = v.ToArray();
            Array.Sort(arr);
            lo = arr[0];
            hi = arr[n - 1];
            // Distinct values first.
            var xs = new List<double>();
            var ws = new List<double>();
            for (int i = 0; i < n;)
            {
                int j = i;
                while (j < n && arr[j] == arr[i]) j++;
                xs.Add(arr[i]);
                ws.Add(j - i);
                i = j;
            }
            if (xs.Count <= MaxSupportPoints)
            {
                x = xs.ToArray();
                w = ws.ToArray();
                return;
            }
            // Fine histogram: each occupied bin is represented by the mean of its values.
            double width = (hi - lo) / MaxSupportPoints;
            var sum = new double[MaxSupportPoints];
            var cnt = new double[MaxSupportPoints];
            for (int i = 0; i < n; i++)
            {
                int b = (int)((arr[i] - lo) / width);
                if (b >= MaxSupportPoints) b = MaxSupportPoints - 1;
                sum[b] += arr[i];
                cnt[b]++;
            }
            xs.Clear(); ws.Clear();
            for (int b = 0; b < MaxSupportPoints; b++)
                if (cnt[b] > 0) { xs.Add(sum[b] / cnt[b]); ws.Add(cnt[b]); }
            x = xs.ToArray();
            w = ws.ToArray();
        }

        private static GaussianMixture1D FitFixed(double[] x, double[] w, int n, int k, double minStd, FitOptions o, ref Rng rng)
        {
            GaussianMixture1D? best = null;
            for (int start = 0; start <= o.RandomStarts; start++)
            {
                var mu = new double[k];
                var sd = new double[k];
                var pi = new double[k];
                if (start == 0) QuantileInit(x, w, n, mu);
                else KMeansPlusPlusInit(x, w, mu, ref rng);
                Array.Sort(mu);
                double range = x[x.Length - 1] - x[0];
                for (int j = 0; j < k; j++) { sd[j] = Math.Max(minStd, range / (2.0 * k)); pi[j] = 1.0 / k; }
                double ll = Em(x, w, n, mu, sd, pi, minStd, o);
                if (best == null || ll > best.LogLikelihood)
                {
                    // Sort by mean.
                    var idx = new int[k];
                    for (int j = 0; j < k; j++) idx[j] = j;
                    Array.Sort((double[])mu.Clone(), idx);
                    var m2 = new double[k]; var s2 = new double[k]; var p2 = new double[k];
                    for (int j = 0; j < k; j++) { m2[j] = mu[idx[j]]; s2[j] = sd[idx[j]]; p2[j] = pi[idx[j]]; }
                    double bic = -2 * ll + (3 * k - 1) * Math.Log(n);
                    best = new GaussianMixture1D(p2, m2, s2, ll, bic, n);
                }
            }
            return best!;
        }

        private static void QuantileInit(double[] x, double[] w, int n, double[] mu)
        {
            int k = mu.Length;
            double acc = 0;
            int j = 0;
            for (int i = 0; i < x.Length && j < k; i++)
            {
                acc += w[i];
                while (j < k && acc >= (j + 0.5) / k * n) { mu[j] = x[i]; j++; }
            }
            while (j < k) { mu[j] = x[x.Length - 1]; j++; }
        }

        private static void KMeansPlusPlusInit(double[] x, double[] w, double[] mu, ref Rng rng)
        {
            int k = mu.Length;
            var d2 = new double[x.Length];
            double total = 0;
            for (int i = 0; i < x.Length; i++) total += w[i];
            mu[0] = Pick(x, w, total, ref rng, null);
            for (int i = 0; i < x.Length; i++) d2[i] = double.PositiveInfinity;
            for (int j = 1; j < k; j++)
            {
                double s = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    double d = x[i] - mu[j - 1];
                    if (d * d < d2[i]) d2[i] = d * d;
                    s += w[i] * d2[i];
                }
                mu[j] = s > 0 ? Pick(x, w, s, ref rng, d2) : mu[j - 1];
            }
        }

        private static double Pick(double[] x, double[] w, double total, ref Rng rng, double[]? d2)
        {
            double u = rng.NextDouble() * total, acc = 0;
            for (int i = 0; i < x.Length; i++)
            {
                acc += d2 == null ? w[i] : w[i] * d2[i];
                if (acc >= u) return x[i];
            }
            return x[x.Length - 1];
        }

        /// <summary>EM on weighted points; returns the final log-likelihood.</summary>
        private static double Em(double[] x, double[] w, int n, double[] mu, double[] sd, double[] pi, double minStd, FitOptions o)
        {
            int m = x.Length, k = mu.Length;
            var logc = new double[k];
            var invVar = new double[k];
            var r = new double[k];
            var sw = new double[k];
            var sx = new double[k];
            var sxx = new double[k];
            const double halfLog2Pi = 0.91893853320467274;
            double prev = double.NegativeInfinity, ll = 0;
            for (int it = 0; it < o.MaxIterations; it++)
            {
                for (int j = 0; j < k; j++)
                {
                    logc[j] = Math.Log(Math.Max(pi[j], 1e-300)) - Math.Log(sd[j]) - halfLog2Pi;
                    invVar[j] = 1.0 / (sd[j] * sd[j]);
                    sw[j] = sx[j] = sxx[j] = 0;
                }
                ll = 0;
                for (int i = 0; i < m; i++)
                {
                    double xi = x[i];
                    double mx = double.NegativeInfinity;
                    for (int j = 0; j < k; j++)
                    {
                        double d = xi - mu[j];
                        double l = logc[j] - 0.5 * d * d * invVar[j];
                        r[j] = l;
                        if (l > mx) mx = l;
                    }
                    double s = 0;
                    for (int j = 0; j < k; j++)
                    {
                        double e = r[j] - mx;
                        double p = e < -40 ? 0 : Math.Exp(e);
                        r[j] = p;
                        s += p;
                    }
                    ll += w[i] * (mx + Math.Log(s));
                    double f = w[i] / s;
                    for (int j = 0; j < k; j++)
                    {
                        double q = r[j] * f;
                        sw[j] += q;
                        sx[j] += q * xi;
                        sxx[j] += q * xi * xi;
                    }
                }
                for (int j = 0; j < k; j++)
                {
                    if (sw[j] < 1e-9)
                    {
                        // Dead component: keep it tiny where it is.
                        pi[j] = 1e-12;
                        sd[j] = Math.Max(sd[j], minStd);
                        continue;
                    }
                    pi[j] = sw[j] / n;
                    double mean = sx[j] / sw[j];
                    double v = sxx[j] / sw[j] - mean * mean;
                    mu[j] = mean;
                    sd[j] = Math.Max(minStd, Math.Sqrt(Math.Max(0, v)));
                }
                if (ll - prev < o.Tolerance * n && it > 0) break;
                prev = ll;
            }
            return ll;
        }
    }
}
