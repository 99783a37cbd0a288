using System;
using PowerTrace.Core.Numerics;

namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>
    /// Prompt and output token counts drawn independently from lognormal distributions given by their
    /// medians and log-standard deviations (σ of ln tokens), rounded to the nearest integer, at least 1.
    /// </summary>
    /// <remarks>
    /// Presets match the Azure LLM inference trace of 2023 (../shared/data/azure-llm-2023), measured
    /// over the whole files: conversation (19,366 requests) median prompt 1020, median output 129,
    /// σ(ln prompt) 0.99, σ(ln output) 0.86; code (8,819 requests) median prompt 1469, median output 13,
    /// σ(ln prompt) 1.36, σ(ln output) 0.85. The presets ignore the prompt/output correlation; use
    /// <see cref="EmpiricalTokenLengths"/> on the trace itself to keep it.
    /// </remarks>
    public sealed class LognormalTokenLengths : TokenLengthDistribution
    {
        public LognormalTokenLengths(double medianPromptTokens, double promptLogSigma, double medianOutputTokens, double outputLogSigma, string name = "lognormal")
        {
            MedianPromptTokens = medianPromptTokens;
            PromptLogSigma = promptLogSigma;
            MedianOutputTokens = medianOutputTokens;
            OutputLogSigma = outputLogSigma;
            Name = name;
        }

        /// <summary>Azure 2023 conversation trace: medians 1020 / 129 tokens.</summary>
        public static LognormalTokenLengths AzureConversation { get; } = new LognormalTokenLengths(1020, 0.99, 129, 0.86, "AzureConversation");

        /// <summary>Azure 2023 code trace: medians 1469 / 13 tokens.</summary>
        public static LognormalTokenLengths AzureCode { get; } = new LognormalTokenLengths(1469, 1.36, 13, 0.85, "AzureCode");

        /// <summary>A preset by name: "AzureConversation" (alias "conv") or "AzureCode" (alias "code"); null if unknown.</summary>
        public static LognormalTokenLengths? FromName(string name)
        {
            switch ((name ?? "").Trim().ToLowerInvariant())
            {
                case "azureconversation": case "azureconv": case "conv": case "conversation": return AzureConversation;
                case "azurecode": case "code": return AzureCode;
                default: return null;
            }
        }

        /// <summary>Preset or "lognormal".</summary>
        public string Name { get; }
        /// <summary>Median prompt tokens.</summary>
        public double MedianPromptTokens { get; }
        /// <summary>Standard deviation of ln(prompt tokens).</summary>
        public double PromptLogSigma { get; }
        /// <summary>Median output tokens.</summary>
        public double MedianOutputTokens { get; }
        /// <summary>Standard deviation of ln(output tokens).</summary>
        public double OutputLogSigma { get; }

        public override void Sample(ref Rng rng, out int promptTokens, out int outputTokens)
        {
            promptTokens = Draw(MedianPromptTokens, PromptLogSigma, ref rng);
            outputTokens = Draw(MedianOutputTokens, OutputLogSigma, ref rng);
        }

        private static int Draw(double median, double sigma, ref Rng rng)
        {
            double v = median * Math.Exp(sigma * rng.NextGaussian());
            if (v > 1e7) v = 1e7;
            int n = (int)Math.Round(v);
            return n < 1 ? 1 : n;
        }

        internal override void Validate(string parameter)
        {
            if (!(MedianPromptTokens >= 1) || !(MedianOutputTokens >= 1) || !(PromptLogSigma >= 0) || !(OutputLogSigma >= 0)
                || double.IsInfinity(MedianPromptTokens) || double.IsInfinity(MedianOutputTokens) || double.IsInfinity(PromptLogSigma) || double.IsInfinity(OutputLogSigma))
                throw new Errors.InvalidSettingException("InvalidTokenDistribution", parameter, "Token medians must be at least 1 and log-sigmas zero or positive.");
        }

        public override string ToString() => $"{Name} (median {MedianPromptTokens:0}/{MedianOutputTokens:0} tokens)";
    }
}
