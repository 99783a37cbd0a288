using System;
using System.Collections.Generic;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Sums traces that describe the same place on the same time grid (shard outputs of one site):
    /// same level, name, hierarchy position, start, bin width and bin count.
    /// </summary>
    /// <remarks>
    /// Synthesized watts are (double)S / scale with S an integer sum of milliwatt-bins and
    /// scale = 1000 · k (10⁶ · k for Facility, whose S carries the PUE in thousandths), k = bin width /
    /// model bin. The merge recovers each S, checks that S / scale reproduces the input bit for bit, sums
    /// the integers and divides once: the result is bit-identical to the unsharded run. Recovery is exact
    /// while |S| &lt; 2⁵¹ (e.g. a 100 MW site at 1 h resolution from 250 ms bins: S ≈ 1.4·10¹⁵); a group
    /// with any value that does not round-trip (not synthesized, or too large) is summed in double instead
    /// and counted in <c>inexactGroups</c>.
    /// </remarks>
    public static class TraceMerger
    {
        /// <summary>Merges traces; groups keep the order in which they first appear.</summary>
        /// <param name="traces">Traces to merge (any order).</param>
        /// <param name="modelBinSeconds">The synthesizing model's bin width, seconds (0.25 by default in PowerTrace).</param>
        /// <param name="inexactGroups">Groups that could not be merged exactly (summed in double).</param>
        public static IReadOnlyList<PowerSeries> Merge(IEnumerable<PowerSeries> traces, double modelBinSeconds, out int inexactGroups)
        {
            if (traces == null) throw new ArgumentNullException(nameof(traces));
            if (!(modelBinSeconds > 0) || double.IsInfinity(modelBinSeconds))
                throw new Errors.InvalidSettingException("InvalidModelBin", "ModelBinSeconds", $"The model bin must be a positive number of seconds (got {modelBinSeconds}).");
            var order = new List<string>();
            var groups = new Dictionary<string, List<PowerSeries>>(StringComparer.Ordinal);
            foreach (var t in traces)
            {
                if (t == null) continue;
                string key = string.Join("|", t.Level, t.Name, t.Position.Row, t.Position.Rack, t.Position.Server,
                    t.StartUtc.Ticks, t.BinSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture), t.BinCount);
                if (!groups.TryGetValue(key, out var list)) { groups[key] = list = new List<PowerSeries>(); order.Add(key); }
                list.Add(t);
            }
            inexactGroups = 0;
            var result = new List<PowerSeries>(order.Count);
            foreach (string key in order)
            {
                var list = groups[key];
                var first = list[0];
                if (list.Count == 1) { result.Add(first); continue; }
                double k = Math.Round(first.BinSeconds / modelBinSeconds);
                double scale = (first.Level == TraceLevel.Facility ? 1e6 : 1000.0) * k;
                int n = first.BinCount;
                var sums = new long[n];
                bool exact = k >= 1 && Math.Abs(k * modelBinSeconds - first.BinSeconds) <= 1e-9 * first.BinSeconds;
                for (int t = 0; t < list.Count && exact; t++)
                {
                    double[] w = list[t].Watts;
                    for (int j = 0; j < n; j++)
                    {
                        double x = Math.Round(w[j] * scale);
                        if (double.IsNaN(x) || Math.Abs(x) > 2251799813685248.0 || x / scale != w[j]) { exact = false; break; }
                        sums[j] += (long)x;
                    }
                }
                var merged = new double[n];
                if (exact)
                    for (int j = 0; j < n; j++) merged[j] = sums[j] / scale;
                else
                {
                    inexactGroups++;
                    foreach (var s in list)
                        for (int j = 0; j < n; j++) merged[j] += s.Watts[j];
                }
                result.Add(new PowerSeries(first.Name, first.Level, first.StartUtc, first.BinSeconds, merged, first.Metadata, first.Gaps, first.Position));
            }
            return result;
        }
    }
}
