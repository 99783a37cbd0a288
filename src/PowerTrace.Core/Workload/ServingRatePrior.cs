using System;
using System.Globalization;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Hardware;

namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// The serving rates that <see cref="ServingRateInference"/> searches around: derived for a known configuration
    /// (GPU and model in the catalogs) from the published rate anchors, or a generic prior otherwise.
    /// </summary>
    public static class ServingRatePrior
    {
        /// <summary>Generic prefill rate, tokens/s: a 7-8 B model on one current data-centre GPU is 3,000-10,000 tok/s.</summary>
        public const double GenericPrefillTokensPerSecond = 5000;

        /// <summary>Generic decode rate at batch 1, steps/s: a 7-8 B model in BF16 on one GPU is 30-80 steps/s.</summary>
        public const double GenericDecodeStepsPerSecond = 40;

        /// <summary>Generic decode slowdown per extra request in the batch (memory-bound decode: a few percent).</summary>
        public const double GenericDecodeStepSlowdownPerRequest = 0.02;

        /// <summary>The generic prior (vLLM V1 defaults for the concurrency limit and the step budget).</summary>
        public static ServingProfile Generic(int maxConcurrentRequests = ServingProfile.DefaultMaxConcurrentRequests,
            int maxBatchedPromptTokens = ServingProfile.DefaultMaxBatchedPromptTokens)
            => new ServingProfile(GenericPrefillTokensPerSecond, GenericDecodeStepsPerSecond, GenericDecodeStepSlowdownPerRequest,
                maxConcurrentRequests, maxBatchedPromptTokens, PrefillInterleave.ChunkedPrefill,
                string.Format(CultureInfo.InvariantCulture, "generic prior (GPU or model unknown): prefill {0:0} tok/s, decode {1:0} steps/s, slowdown {2:0.###}/request",
                    GenericPrefillTokensPerSecond, GenericDecodeStepsPerSecond, GenericDecodeStepSlowdownPerRequest));

        /// <summary>
        /// Rates derived for <paramref name="gpu"/> serving <paramref name="model"/> at TP <paramref name="tensorParallel"/>
        /// (BF16 weights) by the derivation's rule R1 (<see cref="ThroughputModel"/>: roofline / η + κ · layers · log2 TP,
        /// fitted to <see cref="PublishedFigures.RateAnchors"/>); the slowdown is the generic one. Null when the GPU or the
        /// model is not in the catalogs (the model's size may also come from its name, e.g. "Qwen3-8B").
        /// </summary>
        public static ServingProfile? ForConfiguration(string? gpu, string? model, int tensorParallel,
            int maxConcurrentRequests = ServingProfile.DefaultMaxConcurrentRequests,
            int maxBatchedPromptTokens = ServingProfile.DefaultMaxBatchedPromptTokens)
        {
            var g = GpuCatalog.TryFind(gpu);
            if (g == null || string.IsNullOrWhiteSpace(model)) return null;
            int tp = Math.Max(1, tensorParallel);
            var llm = LlmCatalog.TryFind(model);
            double p = llm?.Parameters ?? LlmCatalog.ParametersFromName(model);
            if (!(p > 0)) return null;
            double active = llm?.ActiveParameters ?? p;
            int layers = llm?.Layers ?? LlmCatalog.EstimateLayers(p);
            var tm = ThroughputModel.Fit(PublishedFigures.RateAnchors);
            var preferred = new[] { g.Name };
            var pre = tm.Predict(ServingPhase.Prefill, g, tp, p, active, 2, layers, preferred);
            var dec = tm.Predict(ServingPhase.Decode, g, tp, p, active, 2, layers, preferred);
            if (!(pre.Seconds > 0) || !(dec.Seconds > 0)) return null;
            string from = string.Format(CultureInfo.InvariantCulture,
                "derived prior for {0} TP{1} serving {2} ({3:0.#} B parameters{4}, BF16): prefill {5:0} tok/s ({6}); decode {7:0.0} steps/s ({8}); slowdown {9:0.###}/request generic",
                g.Name, tp, llm?.Name ?? model, p / 1e9, llm == null ? ", size from the name" : "", 1 / pre.Seconds, pre.How, 1 / dec.Seconds, dec.How,
                GenericDecodeStepSlowdownPerRequest);
            return new ServingProfile(1 / pre.Seconds, 1 / dec.Seconds, GenericDecodeStepSlowdownPerRequest, maxConcurrentRequests, maxBatchedPromptTokens,
                PrefillInterleave.ChunkedPrefill, from);
        }
    }
}
