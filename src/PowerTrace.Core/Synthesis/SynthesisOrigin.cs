using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// How a synthesized trace was made: the run's seed, its shard, the model's bin and a description of every
    /// other setting that shards of one site must share. <see cref="SynthesisEngine"/> tags each trace it
    /// returns; <see cref="TraceMerger"/> reads the tags to merge exactly and to spot duplicate shards or
    /// shards of different runs.
    /// </summary>
    /// <remarks>
    /// The tag lives beside the trace (a weak table keyed by the object), so <see cref="PowerSeries"/> stays a
    /// generic measured-or-synthesized trace. It follows the object within one process (variables, pipelines,
    /// parallel runspaces) but not a copy: a trace written to CSV and read back, sliced or re-tagged with other
    /// metadata has no origin.
    /// </remarks>
    public sealed class SynthesisOrigin
    {
        private static readonly ConditionalWeakTable<PowerSeries, SynthesisOrigin> Tags = new ConditionalWeakTable<PowerSeries, SynthesisOrigin>();

        /// <summary>An origin.</summary>
        /// <param name="seed">Master seed of the run.</param>
        /// <param name="shardIndex">Zero-based shard.</param>
        /// <param name="shardCount">Shards the site was cut into.</param>
        /// <param name="modelBinSeconds">The synthesizing model's bin width, seconds.</param>
        /// <param name="settings">Every other setting shards must share, as text (compared ordinally).</param>
        /// <param name="pueThousandths">The run's PUE in thousandths (1300 for 1.3); 0 when unknown.</param>
        /// <param name="method">How the trace was computed (Exact or Aggregate).</param>
        public SynthesisOrigin(ulong seed, int shardIndex, int shardCount, double modelBinSeconds, string settings, int pueThousandths = 0,
            SynthesisMethod method = SynthesisMethod.Exact)
        {
            Method = method;
            PueThousandths = pueThousandths;
            Seed = seed;
            ShardIndex = shardIndex;
            ShardCount = shardCount;
            ModelBinSeconds = modelBinSeconds;
            Settings = settings ?? "";
        }

        /// <summary>Master seed of the run.</summary>
        public ulong Seed { get; }

        /// <summary>How the trace was computed: Exact (every server bin by bin) or Aggregate (central-limit composition).</summary>
        public SynthesisMethod Method { get; }

        /// <summary>Zero-based shard the trace came from (0 for an unsharded run).</summary>
        public int ShardIndex { get; }

        /// <summary>Shards the site was cut into (1 for an unsharded run).</summary>
        public int ShardCount { get; }

        /// <summary>The synthesizing model's bin width, seconds.</summary>
        public double ModelBinSeconds { get; }

        /// <summary>The run's PUE in thousandths, by which the facility scales the site's milliwatt sums; 0 when unknown.</summary>
        public int PueThousandths { get; }

        /// <summary>Model, workload, layout, router, non-GPU power, PUE, horizon and start, as text.</summary>
        public string Settings { get; }

        /// <summary>True when <paramref name="other"/> comes from the same run settings and seed (any shard).</summary>
        public bool SameRun(SynthesisOrigin other)
            => other != null && other.Seed == Seed && other.ShardCount == ShardCount && string.Equals(other.Settings, Settings, StringComparison.Ordinal);

        /// <summary>The origin of a trace returned by <see cref="SynthesisEngine"/> (or tagged with <see cref="Tag"/>); null for any other trace.</summary>
        public static SynthesisOrigin? Of(PowerSeries trace)
            => trace != null && Tags.TryGetValue(trace, out var o) ? o : null;

        /// <summary>Tags a trace with its origin (replacing an earlier tag).</summary>
        public static void Tag(PowerSeries trace, SynthesisOrigin origin)
        {
            if (trace == null) throw new ArgumentNullException(nameof(trace));
            if (origin == null) throw new ArgumentNullException(nameof(origin));
            lock (Tags)
            {
                Tags.Remove(trace);
                Tags.Add(trace, origin);
            }
        }

        internal static void TagAll(System.Collections.Generic.IEnumerable<PowerSeries> traces, SynthesisOrigin origin)
        {
            foreach (var t in traces) Tag(t, origin);
        }

        /// <summary>The origin of a run with <paramref name="settings"/> (validated settings).</summary>
        public static SynthesisOrigin FromSettings(SynthesisSettings settings) => FromSettings(settings, SynthesisMethod.Exact);

        /// <summary>The origin of a run with <paramref name="settings"/> computed by <paramref name="method"/>.</summary>
        public static SynthesisOrigin FromSettings(SynthesisSettings settings, SynthesisMethod method)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            var inv = CultureInfo.InvariantCulture;
            var m = settings.Model!;
            string text = string.Join("; ",
                "model " + m.GetType().FullName + " " + m.BinSeconds.ToString("R", inv) + " s, idle " + m.IdleWatts.ToString("R", inv)
                    + " W, nameplate " + m.NameplateWatts.ToString("R", inv) + " W, " + m.GpuCount + " GPUs, " + m,
                "workload " + settings.Workload,
                "layout " + settings.Layout,
                "router " + settings.Router,
                "non-GPU " + settings.NonGpu?.BaseWatts.ToString("R", inv) + " W + " + settings.NonGpu?.GpuShare.ToString("R", inv),
                "PUE " + settings.PueThousandths.ToString(inv) + "/1000",
                "horizon " + settings.HorizonSeconds.ToString("R", inv) + " s",
                "warm-up " + settings.WarmUpSeconds.ToString("R", inv) + " s",
                "start " + (settings.StartUtc.Kind == DateTimeKind.Local ? settings.StartUtc.ToUniversalTime() : settings.StartUtc).Ticks.ToString(inv),
                "method " + method);
            return new SynthesisOrigin(settings.Seed, settings.ShardIndex, settings.ShardCount, m.BinSeconds, text, settings.PueThousandths, method);
        }

        /// <inheritdoc/>
        public override string ToString() => $"{Method}, seed {Seed}, shard {ShardIndex} of {ShardCount}, model bin {ModelBinSeconds} s";
    }
}
