using System;
using System.Collections.Generic;
using System.Globalization;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Analysis
{
    /// <summary>
    /// The utility-facing load profile of a site or facility trace (what interconnection studies ask for:
    /// peak alone is not enough; ramps, steps and fluctuation matter).
    /// </summary>
    /// <remarks>
    /// <para>Inputs: traces sharing bin width and start time. Those at the highest level given are the profiled
    /// load; several of them are replicates (e.g. synthesis seeds) and are pooled: every statistic is computed
    /// over all their bins together (ramps never span two replicates), so <c>LoadFactor = MeanKW / PeakKW</c>
    /// holds, and <c>PeakP95AcrossSeedsKW</c> is the 95th percentile of the replicates' peaks. Traces at the
    /// lowest level given (e.g. Server), when lower, are components for the diversity figures; traces in between are ignored.</para>
    /// <para>Ramps (headline: rolling windows). Let b be the bin width, m = max(1, round(1 s / b)) and, for an interval I,
    /// k = max(1, round(I / b)). The load is first smoothed by a trailing moving average over m bins (one second when bins are
    /// finer than a second; no smoothing when m = 1): S(i) = mean of the measured bins among i − m + 1..i (NaN when none is
    /// measured; defined from i = m − 1). A rolling ramp over I is R(i) = S(i + k) − S(i) for every i on the native grid where
    /// both are defined, i.e. the change of the (1-s mean) load over every window of length k·b, not just aligned ones; it is
    /// expressed per second (I = 1 s, kW/s: R / (k·b)) or per 15 minutes (I = 900 s, kW per 15 min: R / (k·b) · 900). Up figures
    /// are the 95th percentile (type 7) and the maximum of R, down figures the same of −R, both floored at 0 (a load that never
    /// falls has zero down-ramps). With bins of 1 s or wider the per-second ramp is the per-bin change divided by the bin width.
    /// O(n) per replicate (a sliding window sum, refreshed every m bins against drift) plus an expected-O(n) selection for the
    /// percentiles; it needs only the last m + k bins at a time.</para>
    /// <para>Block ramps (the <c>…Per15MinBlock</c> figures): the series is cut into complete blocks of k = max(1, round(900 s / b))
    /// bins from the start (NaN bins skipped within a block; a block with none measured is skipped) and a ramp is the change
    /// between consecutive block means, per 15 minutes (what a 15-minute interval meter would show). Each block ramp is also a
    /// rolling one when m = 1, so the rolling maximum is at least the block maximum there.</para>
    /// <para>Load-duration curve: the value met or exceeded during a fraction f of the time is the type-7 quantile at 1 − f
    /// of all bins; points at f = j / (points − 1), j = 0..points − 1 (f = 0 is the peak, f = 1 the minimum).</para>
    /// </remarks>
    public static class LoadProfileAnalysis
    {
        /// <summary>Default power factor for the transformer rating.</summary>
        public const double DefaultPowerFactor = 0.9;

        /// <summary>Default number of load-duration points (every percent of the time).</summary>
        public const int DefaultLoadDurationPoints = 101;

        /// <summary>Profiles the traces. Throws <see cref="InvalidSettingException"/> with ids from <see cref="AnalysisErrorIds"/>.</summary>
        public static LoadProfile Measure(IReadOnlyList<PowerSeries> traces, double powerFactor = DefaultPowerFactor, int loadDurationPoints = DefaultLoadDurationPoints)
        {
            if (!(powerFactor > 0 && powerFactor <= 1))
                throw new InvalidSettingException(AnalysisErrorIds.PowerFactorOutOfRange, "PowerFactor",
                    string.Format(CultureInfo.InvariantCulture, "The power factor must lie in (0, 1]; got {0}.", powerFactor));
            if (loadDurationPoints < 2)
                throw new InvalidSettingException(AnalysisErrorIds.PointCountOutOfRange, "LoadDurationPoints",
                    $"A load-duration curve needs at least 2 points; got {loadDurationPoints}.");
            var warnings = new List<string>();
            int L = TraceAlignment.Check(traces, "InputObject", warnings);
            double bin = traces[0].BinSeconds;

            TraceLevel top = traces[0].Level, low = traces[0].Level;
            foreach (var t in traces)
            {
                if (t.Level > top) top = t.Level;
                if (t.Level < low) low = t.Level;
            }
            var reps = new List<PowerSeries>();
            var comps = new List<PowerSeries>();
            int ignored = 0;
            foreach (var t in traces)
            {
                if (t.Level == top) reps.Add(t);
                else if (t.Level == low) comps.Add(t);
                else ignored++;
            }
            if (ignored > 0)
                warnings.Add($"{ignored} trace(s) between the {low} and {top} levels were ignored: only {top} traces are profiled and {low} traces are components.");

            // Pooled moments.
            double sum = 0, peak = double.NegativeInfinity, min = double.PositiveInfinity;
            long count = 0;
            var repPeaks = new double[reps.Count];
            for (int r = 0; r < reps.Count; r++)
            {
                double[] w = reps[r].Watts;
                double rp = double.NegativeInfinity;
                for (int i = 0; i < L; i++)
                {
                    double v = w[i];
                    if (double.IsNaN(v)) continue;
                    v /= 1000.0;
                    sum += v;
                    count++;
                    if (v > rp) rp = v;
                    if (v < min) min = v;
                }
                repPeaks[r] = rp;
                if (rp > peak) peak = rp;
            }
            if (count == 0)
                throw new InvalidSettingException(AnalysisErrorIds.NoInput, "InputObject", "The traces hold no measured bin.");
            double mean = sum / count;
            double ss = 0;
            var pooled = new double[count];
            long n = 0;
            foreach (var rep in reps)
            {
                double[] w = rep.Watts;
                for (int i = 0; i < L; i++)
                {
                    double v = w[i];
                    if (double.IsNaN(v)) continue;
                    v /= 1000.0;
                    ss += (v - mean) * (v - mean);
                    pooled[n++] = v;
                }
            }
            double std = Math.Sqrt(ss / count);
            double peakP95 = reps.Count > 1 ? Quantiles.Type7(repPeaks, 0.95) : double.NaN;

            int smoothBins = Math.Max(1, (int)Math.Round(1.0 / bin));
            double shortEff = RollingRamps(reps, L, bin, smoothBins, 1.0, 900.0, 1.0, out double[] shortRamps, out double[] longRamps, out double longEff);
            BlockRamps(reps, L, bin, 900.0, 900.0, out double[] blockRamps);

            double step = 0;
            foreach (var rep in reps)
            {
                double[] w = rep.Watts;
                for (int i = 1; i < L; i++)
                {
                    double d = Math.Abs(w[i] - w[i - 1]) / 1000.0;
                    if (d > step) step = d; // NaN never compares greater
                }
            }

            Array.Sort(pooled);
            double durationHours = L * bin / 3600.0;
            var ldc = new LoadDurationPoint[loadDurationPoints];
            for (int j = 0; j < loadDurationPoints; j++)
            {
                double f = (double)j / (loadDurationPoints - 1);
                ldc[j] = new LoadDurationPoint(f, f * durationHours, Quantiles.SortedType7(pooled, 1 - f));
            }

            double[]? hourly = null;
            if (L * bin >= 8760.0 * 3600.0 - bin / 2)
            {
                hourly = new double[8760];
                var hc = new int[8760];
                foreach (var rep in reps)
                {
                    double[] w = rep.Watts;
                    for (int i = 0; i < L; i++)
                    {
                        int h = (int)Math.Floor(i * bin / 3600.0 + 1e-9);
                        if (h >= 8760) break;
                        if (double.IsNaN(w[i])) continue;
                        hourly[h] += w[i] / 1000.0;
                        hc[h]++;
                    }
                }
                for (int h = 0; h < 8760; h++) hourly[h] = hc[h] > 0 ? hourly[h] / hc[h] : double.NaN;
            }

            double sumCompPeaks = double.NaN;
            TraceLevel? compLevel = null;
            if (comps.Count > 0)
            {
                compLevel = low;
                sumCompPeaks = 0;
                foreach (var c in comps)
                {
                    double cp = double.NegativeInfinity;
                    double[] w = c.Watts;
                    for (int i = 0; i < L; i++) if (w[i] > cp) cp = w[i];
                    if (!double.IsNegativeInfinity(cp)) sumCompPeaks += cp / 1000.0;
                }
                if (reps.Count > 1)
                    warnings.Add($"The coincidence and diversity factors use the first {top} trace ('{reps[0].Name}'), which should be the one the {comps.Count} {low} traces sum to.");
            }

            return new LoadProfile(reps[0].Name, top, reps[0].StartUtc, bin, durationHours, reps.Count,
                peak, peakP95, mean, min, std, smoothBins * bin, shortEff, shortRamps, longEff, longRamps, blockRamps, step, ldc,
                compLevel, comps.Count, sumCompPeaks, repPeaks[0], powerFactor, hourly, warnings.ToArray());
        }

        /// <summary>
        /// Rolling ramp figures [up95, upMax, down95, downMax] at a short interval (per <paramref name="shortPerSeconds"/>
        /// seconds) and a long one (per 900 s), on the series smoothed over <paramref name="smoothBins"/> bins (see the class
        /// remarks). Each is NaN when no window fits. Returns the short interval actually used, seconds.
        /// </summary>
        internal static double RollingRamps(IReadOnlyList<PowerSeries> reps, int length, double bin, int smoothBins,
            double shortSeconds, double longSeconds, double shortPerSeconds,
            out double[] shortFigures, out double[] longFigures, out double longEff)
        {
            int m = smoothBins;
            int ks = Math.Max(1, (int)Math.Round(shortSeconds / bin));
            int kl = Math.Max(1, (int)Math.Round(longSeconds / bin));
            double shortEff = ks * bin;
            longEff = kl * bin;
            int shortPairs = Math.Max(0, length - (m - 1) - ks), longPairs = Math.Max(0, length - (m - 1) - kl);
            var shortD = new double[(long)shortPairs * reps.Count];
            var longD = new double[(long)longPairs * reps.Count];
            int ns = 0, nl = 0;
            var smooth = new double[length];
            double shortScale = shortPerSeconds / shortEff, longScale = 900.0 / longEff;
            foreach (var rep in reps)
            {
                double[] w = rep.Watts;
                // Trailing m-bin mean of the measured bins, kW; the window sum slides and is recomputed every m bins.
                double sum = 0;
                int cnt = 0;
                for (int i = 0; i < length; i++)
                {
                    if (i >= m && i % m == 0)
                    {
                        sum = 0;
                        cnt = 0;
                        for (int j = i - m + 1; j <= i; j++)
                            if (!double.IsNaN(w[j])) { sum += w[j]; cnt++; }
                    }
                    else
                    {
                        if (!double.IsNaN(w[i])) { sum += w[i]; cnt++; }
                        if (i >= m && !double.IsNaN(w[i - m])) { sum -= w[i - m]; cnt--; }
                    }
                    smooth[i] = i >= m - 1 && cnt > 0 ? sum / cnt / 1000.0 : double.NaN;
                }
                for (int i = m - 1; i + ks < length; i++)
                {
                    double d = smooth[i + ks] - smooth[i];
                    if (!double.IsNaN(d)) shortD[ns++] = d * shortScale;
                }
                for (int i = m - 1; i + kl < length; i++)
                {
                    double d = smooth[i + kl] - smooth[i];
                    if (!double.IsNaN(d)) longD[nl++] = d * longScale;
                }
            }
            shortFigures = Figures(shortD, ns);
            longFigures = Figures(longD, nl);
            return shortEff;
        }

        /// <summary>
        /// Block ramp figures [up95, upMax, down95, downMax] per <paramref name="perSeconds"/> seconds: changes between
        /// consecutive means of complete k-bin blocks (NaN when fewer than two blocks). Returns the interval used, seconds.
        /// </summary>
        internal static double BlockRamps(IReadOnlyList<PowerSeries> reps, int length, double bin, double intervalSeconds, double perSeconds, out double[] figures)
        {
            int k = Math.Max(1, (int)Math.Round(intervalSeconds / bin));
            double eff = k * bin;
            int blocks = length / k;
            var deltas = new double[(long)Math.Max(0, blocks - 1) * reps.Count];
            int n = 0;
            var means = new double[blocks];
            foreach (var rep in reps)
            {
                double[] w = rep.Watts;
                for (int b = 0; b < blocks; b++)
                {
                    double s = 0;
                    int c = 0;
                    for (int i = b * k, e = i + k; i < e; i++)
                    {
                        if (double.IsNaN(w[i])) continue;
                        s += w[i];
                        c++;
                    }
                    means[b] = c > 0 ? s / c / 1000.0 : double.NaN;
                }
                for (int b = 1; b < blocks; b++)
                {
                    double d = means[b] - means[b - 1];
                    if (!double.IsNaN(d)) deltas[n++] = d / eff * perSeconds;
                }
            }
            figures = Figures(deltas, n);
            return eff;
        }

        /// <summary>[up95, upMax, down95, downMax] of the first <paramref name="count"/> signed changes (reordered); NaN when none.</summary>
        private static double[] Figures(double[] deltas, int count)
        {
            if (count == 0) return new[] { double.NaN, double.NaN, double.NaN, double.NaN };
            double max = double.NegativeInfinity, min = double.PositiveInfinity;
            for (int i = 0; i < count; i++)
            {
                if (deltas[i] > max) max = deltas[i];
                if (deltas[i] < min) min = deltas[i];
            }
            double q95 = Quantiles.SelectType7(deltas, count, 0.95);
            double q05 = Quantiles.SelectType7(deltas, count, 0.05);
            return new[] { Math.Max(0, q95), Math.Max(0, max), Math.Max(0, -q05), Math.Max(0, -min) };
        }
    }
}
