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
    /// Context 0 is idle: nothing active, waiting or being prefilled. Every other bin gets
    /// 1 + p·D + d, where p is the bucket of prompt tokens prefilled per second in the bin (0 = none,
    /// then log-spaced edges <see cref="PromptEdgesTokensPerSecond"/>) and d the bucket of the decode batch
    /// size (log-spaced edges <see cref="DecodeEdges"/>). Buckets are spaced so that one bucket step is
    /// roughly a doubling to quadrupling of the work, which is what changes power.
    /// </remarks>
    public static class WorkloadContext
    {
        /// <summary>Name of this scheme, stored in model files.</summary>
        public const string Scheme = "prompt-rate-x-decode-batch/v1";

        /// <summary>Upper edges of the prompt-rate buckets 1.., tokens per second (bucket 0 = no prompt work).</summary>
        public static readonly float[] PromptEdgesTokensPerSecond = { 256f, 1024f, 4096f, 16384f };

        /// <summary>Upper edges of the decode-batch buckets 0.. (requests).</summary>
        public static readonly float[] DecodeEdges = { 0.5f, 1.5f, 3f, 6f, 12f, 24f, 48f };

        /// <summary>Prompt buckets: none plus one per edge plus the open top.</summary>
        public static int PromptBuckets => PromptEdgesTokensPerSecond.Length + 2;

        /// <summary>Decode buckets: one per edge plus the open top.</summary>
        public static int DecodeBuckets => DecodeEdges.Length + 1;

        /// <summary>Number of context ids (idle included).</summary>
        public static int Count => 1 + PromptBuckets * DecodeBuckets;

        /// <summary>Id of the idle context.</summary>
        public const byte Idle = 0;

        /// <summary>Activity below this (requests, time-averaged) counts as nothing in flight.</summary>
        public const float NothingInFlight = 0.01f;

        /// <summary>Context of one bin from its features (binSeconds converts prompt tokens to a rate).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static byte Of(float active, float waiting, float promptTokens, float decodeBatch, float invBinSeconds)
        {
            if (!(active > NothingInFlight) && !(waiting > NothingInFlight) && !(promptTokens > 0f) && !(decodeBatch > NothingInFlight))
                return Idle;
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
            return (byte)(1 + p * (de.Length + 1) + d);
        }

        /// <summary>Fills <paramref name="contexts"/> with the context of each of the first <c>features.BinCount</c> bins.</summary>
        public static void Compute(WorkloadFeatures features, Span<byte> contexts)
        {
            if (features == null) throw new ArgumentNullException(nameof(features));
            int n = Math.Min(features.BinCount, contexts.Length);
            float inv = (float)(1.0 / features.BinSeconds);
            var a = features.ActiveRequests; var wq = features.WaitingRequests; var p = features.PromptTokensInFlight; var d = features.DecodeBatchSize;
            for (int i = 0; i < n; i++) contexts[i] = Of(a[i], wq[i], p[i], d[i], inv);
        }

        /// <summary>Prompt bucket of a non-idle context id.</summary>
        public static int PromptBucket(int context) => context == 0 ? -1 : (context - 1) / DecodeBuckets;

        /// <summary>Decode bucket of a non-idle context id.</summary>
        public static int DecodeBucket(int context) => context == 0 ? -1 : (context - 1) % DecodeBuckets;

        /// <summary>A readable description of a context id, e.g. "prefill 1024-4096 tok/s, decode batch 3-6".</summary>
        public static string Describe(int context)
        {
            if (context == 0) return "idle";
            int p = PromptBucket(context), d = DecodeBucket(context);
            string ps = p == 0 ? "no prefill" : p == 1 ? $"prefill <{PromptEdgesTokensPerSecond[0]} tok/s"
                : p - 1 < PromptEdgesTokensPerSecond.Length ? $"prefill {PromptEdgesTokensPerSecond[p - 2]}-{PromptEdgesTokensPerSecond[p - 1]} tok/s"
                : $"prefill >={PromptEdgesTokensPerSecond[PromptEdgesTokensPerSecond.Length - 1]} tok/s";
            string ds = d == 0 ? "no decode" : d < DecodeEdges.Length ? $"decode batch {DecodeEdges[d - 1]}-{DecodeEdges[d]}" : $"decode batch >={DecodeEdges[DecodeEdges.Length - 1]}";
            return ps + ", " + ds;
        }
    }
}
