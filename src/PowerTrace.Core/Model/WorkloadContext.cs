using System;
using System.Runtime.CompilerServices;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// Discretises a bin's workload features into a small context id that conditions the state
    /// transitions: what work is in flight, not how many requests exist.
    /// </summary>
    /// <remarks>
    /// Contexts 0..<see cref="IdleContexts"/>−1 are idle: nothing active, waiting or being prefilled, split by
    /// the time since the last busy bin (edges <see cref="IdleEdgesSeconds"/>; before any activity counts as
    /// long idle), because GPUs hold a raised power level for a while after work ends (clocks, standby timers).
    /// Every busy bin gets IdleContexts + p·D + d, where p is the bucket of prompt tokens prefilled per second in the bin (0 = none,
    /// then log-spaced edges <see cref="PromptEdgesTokensPerSecond"/>) and d the bucket of the decode batch
    /// size (log-spaced edges <see cref="DecodeEdges"/>). Buckets are spaced so that one bucket step is
    /// roughly a doubling to quadrupling of the work, which is what changes power.
    /// </remarks>
    public static class WorkloadContext
    {
        /// <summary>Name of this scheme, stored in model files.</summary>
        public const string Scheme = "idle-age+prompt-rate-x-decode-batch/v1";

        /// <summary>Upper edges of the idle-age buckets, seconds since the last busy bin.</summary>
        public static readonly float[] IdleEdgesSeconds = { 1f, 4f, 10f, 16f, 24f, 40f };

        /// <summary>Number of idle contexts (one per idle-age bucket).</summary>
        public static int IdleContexts => IdleEdgesSeconds.Length + 1;

        /// <summary>Upper edges of the prompt-rate buckets 1.., tokens per second (bucket 0 = no prompt work).</summary>
        public static readonly float[] PromptEdgesTokensPerSecond = { 256f, 1024f, 4096f, 16384f };

        /// <summary>Upper edges of the decode-batch buckets 0.. (requests).</summary>
        public static readonly float[] DecodeEdges = { 0.5f, 1.5f, 3f, 6f, 12f, 24f, 48f };

        /// <summary>Prompt buckets: none plus one per edge plus the open top.</summary>
        public static int PromptBuckets => PromptEdgesTokensPerSecond.Length + 2;

        /// <summary>Decode buckets: one per edge plus the open top.</summary>
        public static int DecodeBuckets => DecodeEdges.Length + 1;

        /// <summary>Number of context ids (idle included).</summary>
        public static int Count => IdleContexts + PromptBuckets * DecodeBuckets;

        /// <summary>Id of the idle context long after (or before any) activity.</summary>
        public static byte LongIdle => (byte)(IdleContexts - 1);

        /// <summary>True for the idle contexts (nothing in flight).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool IsIdle(int context) => context < IdleEdgesSeconds.Length + 1;

        /// <summary>Activity below this (requests, time-averaged) counts as nothing in flight.</summary>
        public const float NothingInFlight = 0.01f;

        /// <summary>Busy context of one bin from its features, or 255 when nothing is in flight (binSeconds converts prompt tokens to a rate).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static byte BusyOf(float active, float waiting, float promptTokens, float decodeBatch, float invBinSeconds)
        {
            if (!(active > NothingInFlight) && !(waiting > NothingInFlight) && !(promptTokens > 0f) && !(decodeBatch > NothingInFlight))
                return 255;
            int p = 0;
            if (promptTokens > 0f)
            {
                float rate = promptTokens * invBinSeconds;
                p = 1;
                var pe = PromptEdgesTokensPerSecond;
                while (p - 1 < pe.Length && rate >= pe[p - 1]) p++;
            }
            int d = 0;
            var de = DecodeEdges;
            while (d < de.Length && decodeBatch >= de[d]) d++;
            return (byte)(IdleEdgesSeconds.Length + 1 + p * (de.Length + 1) + d);
        }

        /// <summary>Idle context for a given time since the last busy bin, seconds.</summary>
        public static byte IdleOf(double secondsSinceBusy)
        {
            int b = 0;
            var e = IdleEdgesSeconds;
            while (b < e.Length && secondsSinceBusy >= e[b]) b++;
            return (byte)b;
        }

        /// <summary>Fills <paramref name="contexts"/> with the context of each of the first <c>features.BinCount</c> bins.</summary>
        public static void Compute(WorkloadFeatures features, Span<byte> contexts)
        {
            if (features == null) throw new ArgumentNullException(nameof(features));
            int n = Math.Min(features.BinCount, contexts.Length);
            float inv = (float)(1.0 / features.BinSeconds);
            var a = features.ActiveRequests; var wq = features.WaitingRequests; var p = features.PromptTokensInFlight; var d = features.DecodeBatchSize;
            // Idle-age bucket boundaries in bins since the last busy bin.
            int ni = IdleEdgesSeconds.Length;
            Span<int> edgeBins = stackalloc int[ni];
            for (int j = 0; j < ni; j++) edgeBins[j] = (int)Math.Ceiling(IdleEdgesSeconds[j] / features.BinSeconds - 1e-9);
            long sinceBusy = long.MaxValue / 2; // before any activity: long idle
            for (int i = 0; i < n; i++)
            {
                byte c = BusyOf(a[i], wq[i], p[i], d[i], inv);
                if (c != 255) { contexts[i] = c; sinceBusy = 0; continue; }
                sinceBusy++;
                int b = 0;
                while (b < ni && sinceBusy > edgeBins[b]) b++;
                contexts[i] = (byte)b;
            }
        }

        /// <summary>Prompt bucket of a non-idle context id.</summary>
        public static int PromptBucket(int context) => IsIdle(context) ? -1 : (context - IdleContexts) / DecodeBuckets;

        /// <summary>Decode bucket of a non-idle context id.</summary>
        public static int DecodeBucket(int context) => IsIdle(context) ? -1 : (context - IdleContexts) % DecodeBuckets;

        /// <summary>A readable description of a context id, e.g. "prefill 1024-4096 tok/s, decode batch 3-6".</summary>
        public static string Describe(int context)
        {
            if (IsIdle(context))
                return context == 0 ? $"idle <{IdleEdgesSeconds[0]} s after work" : context < IdleEdgesSeconds.Length ? $"idle {IdleEdgesSeconds[context - 1]}-{IdleEdgesSeconds[context]} s after work" : $"idle >={IdleEdgesSeconds[IdleEdgesSeconds.Length - 1]} s after work";
            int p = PromptBucket(context), d = DecodeBucket(context);
            string ps = p == 0 ? "no prefill" : p == 1 ? $"prefill <{PromptEdgesTokensPerSecond[0]} tok/s"
                : p - 1 < PromptEdgesTokensPerSecond.Length ? $"prefill {PromptEdgesTokensPerSecond[p - 2]}-{PromptEdgesTokensPerSecond[p - 1]} tok/s"
                : $"prefill >={PromptEdgesTokensPerSecond[PromptEdgesTokensPerSecond.Length - 1]} tok/s";
            string ds = d == 0 ? "no decode" : d < DecodeEdges.Length ? $"decode batch {DecodeEdges[d - 1]}-{DecodeEdges[d]}" : $"decode batch >={DecodeEdges[DecodeEdges.Length - 1]}";
            return ps + ", " + ds;
        }
    }
}
