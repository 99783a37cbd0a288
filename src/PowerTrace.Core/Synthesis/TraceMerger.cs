using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Sums traces that describe the same place on the same time grid (shard outputs of one site):
    /// same level, name, hierarchy position, start, bin width and bin count.
    /// </summary>
    /// <remarks>
    /// <para>Synthesized watts are (double)S / (1000 · k) with S an integer sum of milliwatt-bins and k = bin
    /// width / model bin; Facility watts are (double)(S · P) / (10⁶ · k) with S the site's sum and P the PUE in
    /// thousandths. The merge recovers each S (for Facility: the site-scale S, with P from the traces'
    /// <see cref="SynthesisOrigin"/>), checks that it reproduces the input bit for bit, sums the integers and
    /// applies the engine's formula once: the result is bit-identical to the unsharded run. Recovery is exact
    /// and unique while each input's |S| &lt; 2⁵¹ ≈ 2.25·10¹⁵, at every level including Facility, i.e. while
    /// an input trace's watts (for Facility: its site watts, before PUE) stay below 2⁵¹ / (1000 · k): with 250 ms
    /// model bins 156 MW at 1 h, 625 MW at 15 min, 9.4 GW at 1 min and more at finer resolutions (the merged sum
    /// itself may be larger). Facility traces without an origin (copies, rebuilt traces) are recovered as
    /// S · P, which is exact only while S · P &lt; 2⁵¹ (about 156 kW of facility at 1 h from 250 ms bins). A group with any value
    /// that does not round-trip (not synthesized, or too large) is summed in double instead and counted as
    /// inexact.</para>
    /// <para>The model bin comes from, in order: the caller; the traces' <see cref="SynthesisOrigin"/> (every
    /// trace of <see cref="SynthesisEngine"/> carries one); else the smallest k that makes every value of the
    /// group round-trip (any multiple of the true k gives the same bits, so this is exact too).</para>
    /// <para>Output order is the order of an unsharded run: levels in the order they first appear, then by
    /// hierarchy position (row, rack, server), then name.</para>
    /// </remarks>
    public static class TraceMerger
    {
        private const double MaxExact = 2251799813685248.0; // 2^51

        /// <summary>Merges traces; see <see cref="Merge(IEnumerable{PowerSeries}, double?)"/>.</summary>
        /// <param name="traces">Traces to merge (any order).</param>
        /// <param name="modelBinSeconds">The synthesizing model's bin width, seconds.</param>
        /// <param name="inexactGroups">Groups that could not be merged exactly (summed in double).</param>
        public static IReadOnlyList<PowerSeries> Merge(IEnumerable<PowerSeries> traces, double modelBinSeconds, out int inexactGroups)
        {
            var r = Merge(traces, (double?)modelBinSeconds);
            inexactGroups = r.InexactGroups;
            return r.Traces;
        }

        /// <summary>
        /// Merges traces, and checks the synthesis origins of the inputs: a shard given twice, shards of
        /// different seeds or settings, and missing shards become <see cref="TraceMergeResult.Warnings"/>.
        /// </summary>
        /// <param name="traces">Traces to merge (any order).</param>
        /// <param name="modelBinSeconds">The synthesizing model's bin width, seconds; null: from the traces' origins, else derived.</param>
        public static TraceMergeResult Merge(IEnumerable<PowerSeries> traces, double? modelBinSeconds = null)
        {
            if (traces == null) throw new ArgumentNullException(nameof(traces));
            if (modelBinSeconds.HasValue && (!(modelBinSeconds.Value > 0) || double.IsInfinity(modelBinSeconds.Value)))
                throw new Errors.InvalidSettingException("InvalidModelBin", "ModelBinSeconds", $"The model bin must be a positive number of seconds (got {modelBinSeconds}).");
            var levelOrder = new List<TraceLevel>();
            var order = new List<string>();
            var groups = new Dictionary<string, List<PowerSeries>>(StringComparer.Ordinal);
            foreach (var t in traces)
            {
                if (t == null) continue;
                string key = string.Join("|", t.Level, t.Name, t.Position.Row, t.Position.Rack, t.Position.Server,
                    t.StartUtc.Ticks, t.BinSeconds.ToString("R", CultureInfo.InvariantCulture), t.BinCount);
                if (!groups.TryGetValue(key, out var list)) { groups[key] = list = new List<PowerSeries>(); order.Add(key); }
                if (!levelOrder.Contains(t.Level)) levelOrder.Add(t.Level);
                list.Add(t);
            }

            var warnings = new List<string>();
            CheckOrigins(order.Select(k => groups[k]), warnings);

            int inexact = 0;
            var result = new List<PowerSeries>(order.Count);
            foreach (string key in order)
            {
                var list = groups[key];
                var first = list[0];
                if (list.Count == 1) { result.Add(first); continue; }
                double baseScale = first.Level == TraceLevel.Facility ? 1e6 : 1000.0;
                int n = first.BinCount;
                var merged = new double[n];
                double? bin = modelBinSeconds ?? OriginBin(list);
                long k = bin.HasValue ? KFromBin(first.BinSeconds, bin.Value) : DeriveK(list, baseScale);
                int pue = first.Level == TraceLevel.Facility ? OriginPue(list) : 0;
                if (k >= 1 && (pue > 0 ? TrySumFacility(list, pue, 1e6 * k, merged) : TrySumExact(list, baseScale * k, merged))) { }
                else
                {
                    inexact++;
                    Array.Clear(merged, 0, n);
                    foreach (var s in list)
                        for (int j = 0; j < n; j++) merged[j] += s.Watts[j];
                }
                result.Add(new PowerSeries(first.Name, first.Level, first.StartUtc, first.BinSeconds, merged, first.Metadata, first.Gaps, first.Position));
            }

            var sorted = result
                .OrderBy(t => levelOrder.IndexOf(t.Level))
                .ThenBy(t => t.Position.Row).ThenBy(t => t.Position.Rack).ThenBy(t => t.Position.Server)
                .ThenBy(t => t.Name, StringComparer.Ordinal)
                .ThenBy(t => t.StartUtc).ThenBy(t => t.BinSeconds)
                .ToList();
            return new TraceMergeResult(sorted, inexact, warnings);
        }

        private static double? OriginBin(List<PowerSeries> list)
        {
            double? bin = null;
            foreach (var t in list)
            {
                var o = SynthesisOrigin.Of(t);
                if (o == null) return null;
                if (bin.HasValue && bin.Value != o.ModelBinSeconds) return null;
                bin = o.ModelBinSeconds;
            }
            return bin;
        }

        /// <summary>The PUE thousandths all traces' origins agree on; 0 when any lacks one or they differ.</summary>
        private static int OriginPue(List<PowerSeries> list)
        {
            int pue = 0;
            foreach (var t in list)
            {
                var o = SynthesisOrigin.Of(t);
                if (o == null || o.PueThousandths <= 0 || (pue != 0 && pue != o.PueThousandths)) return 0;
                pue = o.PueThousandths;
            }
            return pue;
        }

        /// <summary>
        /// Facility traces of a known PUE: recovers each site-scale sum S from w ≈ S · P / d (the estimate is within
        /// one of S for |S| &lt; 2⁵¹, and S is the only integer there that gives w back), sums them and applies
        /// <see cref="SynthesisEngine.FacilityWatts"/>, the engine's own formula.
        /// </summary>
        private static bool TrySumFacility(List<PowerSeries> list, int pue, double d, double[] merged)
        {
            int n = merged.Length;
            var sums = new long[n];
            foreach (var s in list)
            {
                double[] w = s.Watts;
                for (int j = 0; j < n; j++)
                {
                    double x = Math.Round(w[j] * d / pue);
                    if (double.IsNaN(x) || Math.Abs(x) > MaxExact) return false;
                    long S = (long)x;
                    if (SynthesisEngine.FacilityWatts(S, pue, d) != w[j])
                    {
                        if (SynthesisEngine.FacilityWatts(S - 1, pue, d) == w[j]) S--;
                        else if (SynthesisEngine.FacilityWatts(S + 1, pue, d) == w[j]) S++;
                        else return false;
                    }
                    sums[j] += S;
                }
            }
            for (int j = 0; j < n; j++) merged[j] = SynthesisEngine.FacilityWatts(sums[j], pue, d);
            return true;
        }

        private static long KFromBin(double binSeconds, double modelBinSeconds)
        {
            double k = Math.Round(binSeconds / modelBinSeconds);
            return k >= 1 && k < int.MaxValue && Math.Abs(k * modelBinSeconds - binSeconds) <= 1e-9 * binSeconds ? (long)k : 0;
        }

        /// <summary>The smallest k (up to one per millisecond of bin) at which every value round-trips; 0 if none.</summary>
        private static long DeriveK(List<PowerSeries> list, double baseScale)
        {
            long kMax = (long)Math.Min(1 << 22, Math.Max(1, Math.Round(list[0].BinSeconds * 1000)));
            int probeTrace = 0, probeBin = 0; // the value that failed last: tried first (it usually fails again)
            for (long k = 1; k <= kMax; k++)
            {
                double scale = baseScale * k;
                int fail = RoundTrips(list[probeTrace].Watts[probeBin], scale);
                if (fail > 0) continue;
                if (fail < 0) return 0; // too large: larger k only grows
                bool all = true;
                for (int t = 0; t < list.Count && all; t++)
                {
                    double[] w = list[t].Watts;
                    for (int j = 0; j < w.Length; j++)
                    {
                        int r = RoundTrips(w[j], scale);
                        if (r == 0) continue;
                        if (r < 0) return 0;
                        probeTrace = t; probeBin = j; all = false; break;
                    }
                }
                if (all) return k;
            }
            return 0;
        }

        /// <summary>0 when w · scale is an integer that gives w back; 1 when not; -1 when too large (or NaN).</summary>
        private static int RoundTrips(double w, double scale)
        {
            double x = Math.Round(w * scale);
            if (double.IsNaN(x) || Math.Abs(x) > MaxExact) return -1;
            return x / scale == w ? 0 : 1;
        }

        private static bool TrySumExact(List<PowerSeries> list, double scale, double[] merged)
        {
            int n = merged.Length;
            var sums = new long[n];
            foreach (var s in list)
            {
                double[] w = s.Watts;
                for (int j = 0; j < n; j++)
                {
                    double x = Math.Round(w[j] * scale);
                    if (double.IsNaN(x) || Math.Abs(x) > MaxExact || x / scale != w[j]) return false;
                    sums[j] += (long)x;
                }
            }
            for (int j = 0; j < n; j++) merged[j] = sums[j] / scale;
            return true;
        }

        private static void CheckOrigins(IEnumerable<List<PowerSeries>> groups, List<string> warnings)
        {
            var duplicates = new SortedSet<string>(StringComparer.Ordinal);
            var seeds = new SortedSet<ulong>();
            bool mixedSeeds = false, mixedSettings = false;
            var missing = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var list in groups)
            {
                var origins = new List<SynthesisOrigin>();
                foreach (var t in list)
                {
                    var o = SynthesisOrigin.Of(t);
                    if (o != null) origins.Add(o);
                }
                // Every shard adds to the site and the facility: there, a shard index not seen is a missing shard.
                if (origins.Count > 0 && origins.Count == list.Count && (list[0].Level == TraceLevel.Site || list[0].Level == TraceLevel.Facility)
                    && origins.All(o => o.SameRun(origins[0])))
                {
                    var seen = new HashSet<int>(origins.Select(o => o.ShardIndex));
                    if (seen.Count < origins[0].ShardCount)
                        missing.Add($"Only {seen.Count} of {origins[0].ShardCount} shards (seed {origins[0].Seed}) were given; missing shard(s) "
                            + string.Join(", ", Enumerable.Range(0, origins[0].ShardCount).Where(i => !seen.Contains(i)).Take(20))
                            + ": the merged site traces cover part of the site.");
                }
                for (int a = 0; a < origins.Count; a++)
                    for (int b = a + 1; b < origins.Count; b++)
                    {
                        SynthesisOrigin x = origins[a], y = origins[b];
                        if (x.Seed != y.Seed) { mixedSeeds = true; seeds.Add(x.Seed); seeds.Add(y.Seed); }
                        else if (x.ShardCount != y.ShardCount || !string.Equals(x.Settings, y.Settings, StringComparison.Ordinal)) mixedSettings = true;
                        else if (x.ShardIndex == y.ShardIndex)
                            duplicates.Add($"shard {x.ShardIndex} of {x.ShardCount} (seed {x.Seed})");
                    }
            }
            foreach (string d in duplicates)
                warnings.Add($"The traces of {d} were given more than once: they are counted twice in the sums.");
            if (mixedSeeds)
                warnings.Add($"Traces of the same place come from different seeds ({string.Join(", ", seeds)}): shards of one site must share -Seed, so the sums are not one run.");
            if (mixedSettings)
                warnings.Add("Traces of the same place come from runs with different settings (model, workload, layout, router, non-GPU power, PUE, horizon, start or shard count): the sums are not one run.");
            warnings.AddRange(missing);
        }
    }

    /// <summary>What <see cref="TraceMerger.Merge(IEnumerable{PowerSeries}, double?)"/> produced.</summary>
    public sealed class TraceMergeResult
    {
        internal TraceMergeResult(IReadOnlyList<PowerSeries> traces, int inexactGroups, IReadOnlyList<string> warnings)
        {
            Traces = traces;
            InexactGroups = inexactGroups;
            Warnings = warnings;
        }

        /// <summary>Merged traces, in the order of an unsharded run (levels as first seen, then row, rack, server, name).</summary>
        public IReadOnlyList<PowerSeries> Traces { get; }

        /// <summary>Groups summed in double precision because their values were not exact milliwatt sums.</summary>
        public int InexactGroups { get; }

        /// <summary>Problems with the inputs' synthesis origins: a shard given twice, different seeds or settings, missing shards.</summary>
        public IReadOnlyList<string> Warnings { get; }
    }
}
