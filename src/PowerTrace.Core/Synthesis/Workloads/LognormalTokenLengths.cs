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
    /// σ(ln prompt) 1.36, σ(ln output) 0.85. Draws use inverse-CDF lookup on 65,536 equiprobable quantiles
    /// (midpoints; the tails beyond about ±4.3σ are cut), built once per instance: a few nanoseconds per request.
    /// The presets ignore the prompt/output correlation; use
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

        private const int TableBits = 16;
        private int[]? _promptTable, _outputTable;
        private static double[]? s_quantiles;

        public override void Sample(ref Rng rng, out int promptTokens, out int outputTokens)
        {
            int[] pt = _promptTable ?? BuildTables(out _);
            int[] ot = _outputTable!;
            ulong bits = rng.NextUInt64();
            promptTokens = pt[(int)(bits >> 48)];
            outputTokens = ot[(int)((bits >> 32) & 0xFFFF)];
        }

        private int[] BuildTables(out int[] output)
        {
            double[] z = s_quantiles ??= BuildQuantiles();
            var p = new int[z.Length]; var o = new int[z.Length];
            for (int i = 0; i < z.Length; i++) { p[i] = Tokens(MedianPromptTokens, PromptLogSigma, z[i]); o[i] = Tokens(MedianOutputTokens, OutputLogSigma, z[i]); }
            _outputTable = output = o;
            System.Threading.Thread.MemoryBarrier();
            _promptTable = p;
            return p;
        }

        private static double[] BuildQuantiles()
        {
            var z = new double[1 << TableBits];
            for (int i = 0; i < z.Length; i++) z[i] = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (i + 0.5) / z.Length);
            return z;
        }

        private static int Tokens(double median, double sigma, double z)
        {
            double v = median * Math.Exp(sigma * z);
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
