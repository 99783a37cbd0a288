using System;
using System.Globalization;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Analysis
{
    /// <summary>
    /// Power capping and modulation: what a cap at any level does to a trace, and the cap that keeps a given
    /// share of the energy untouched. Unmeasured (NaN) bins are skipped and end an episode.
    /// </summary>
    public static class PowerCap
    {
        /// <summary>Effect of a cap of <paramref name="capKW"/> kilowatts on <paramref name="trace"/>.</summary>
        public static PowerCapResult Measure(PowerSeries trace, double capKW) => Measure(trace, capKW, double.NaN);

        /// <summary>
        /// The cap that leaves <paramref name="energyShare"/> (in (0, 1], e.g. 0.999) of the energy untouched,
        /// and its effect. The energy above a cap c, E(c) = Σ max(0, pᵢ − c)·bin, falls piecewise linearly in c; with
        /// the bins sorted descending (s₀ ≥ s₁ ≥ …) and prefix sums Sₖ, E(sₖ) = (Sₖ − k·sₖ)·bin. Bisection on k finds the
        /// first k with E(sₖ) ≥ target = (1 − share)·E_total, and the cap is solved exactly on that segment: c = (Sₖ − target/bin) / k.
        /// </summary>
        public static PowerCapResult MeasureKeepingEnergyShare(PowerSeries trace, double energyShare)
            => Measure(trace, CapForEnergyShare(trace, energyShare), energyShare);

        /// <summary>The cap, kW, that keeps <paramref name="energyShare"/> of the energy untouched (see <see cref="MeasureKeepingEnergyShare"/>).</summary>
        public static double CapForEnergyShare(PowerSeries trace, double energyShare)
        {
            if (!(energyShare > 0 && energyShare <= 1))
                throw new InvalidSettingException(AnalysisErrorIds.EnergyShareOutOfRange, "KeepEnergyShare",
                    string.Format(CultureInfo.InvariantCulture, "The share of energy to keep must lie in (0, 1], e.g. 0.999; got {0}.", energyShare));
            double[] s = ValidKW(trace);
            Array.Sort(s);
            Array.Reverse(s); // descending
            int m = s.Length;
            var prefix = new double[m + 1];
            for (int i = 0; i < m; i++) prefix[i + 1] = prefix[i] + s[i];
            double target = (1 - energyShare) * prefix[m]; // in kW·bins
            if (target <= 0) return s[0];
            // E(s_k) = prefix[k] − k·s[k] is non-decreasing in k; find the first k with E(s_k) ≥ target.
            int lo = 1, hi = m; // answer in [1, m]; k = m means the cap lies below the minimum
            while (lo < hi)
            {
                int mid = lo + (hi - lo) / 2;
                if (prefix[mid] - mid * s[mid] >= target) hi = mid;
                else lo = mid + 1;
            }
            int k = lo;
            return (prefix[k] - target) / k;
        }

        private static PowerCapResult Measure(PowerSeries trace, double capKW, double requestedShare)
        {
            if (trace == null) throw new InvalidSettingException(AnalysisErrorIds.NoInput, "InputObject", "No trace was given.");
            if (!(capKW > 0) || double.IsInfinity(capKW))
                throw new InvalidSettingException(AnalysisErrorIds.NonPositiveCap, "CapKW",
                    string.Format(CultureInfo.InvariantCulture, "The cap must be a positive number of kilowatts; got {0}.", capKW));
            if (trace.ValidBinCount == 0)
                throw new InvalidSettingException(AnalysisErrorIds.NoInput, "InputObject", $"Trace '{trace.Name}' holds no measured bin.");
            double bin = trace.BinSeconds;
            double[] w = trace.Watts;
            double energy = 0, above = 0, peak = double.NegativeInfinity;
            long binsAbove = 0, run = 0, longest = 0;
            int episodes = 0;
            for (int i = 0; i < w.Length; i++)
            {
                double v = w[i];
                if (double.IsNaN(v)) { run = 0; continue; }
                v /= 1000.0;
                energy += v;
                if (v > peak) peak = v;
                if (v > capKW)
                {
                    above += v - capKW;
                    binsAbove++;
                    if (run == 0) episodes++;
                    run++;
                    if (run > longest) longest = run;
                }
                else run = 0;
            }
            double toKWh = bin / 3600.0;
            return new PowerCapResult(trace.Name, trace.Level, capKW, requestedShare, peak, Math.Min(peak, capKW),
                energy * toKWh, above * toKWh, binsAbove * bin, trace.ValidBinCount * bin, episodes, longest * bin);
        }

        private static double[] ValidKW(PowerSeries trace)
        {
            if (trace == null || trace.ValidBinCount == 0)
                throw new InvalidSettingException(AnalysisErrorIds.NoInput, "InputObject", "No trace with a measured bin was given.");
            var s = new double[trace.ValidBinCount];
            int n = 0;
            foreach (double v in trace.Watts) if (!double.IsNaN(v)) s[n++] = v / 1000.0;
            return s;
        }
    }
}
