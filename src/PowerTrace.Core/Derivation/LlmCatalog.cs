using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Collections.Generic;

namespace PowerTrace.Core.Derivation
{
    /// <summary>
    /// Served-model facts shipped with the module (parameter counts and depths from the models' published
    /// configurations), and the rules used when a model is not listed.
    /// </summary>
    public static class LlmCatalog
    {
        private static readonly LlmSpec[] Specs =
        {
            new LlmSpec("Llama-3.1-8B", new[] { "Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B-Instruct", "llama3.1-8b" }, 8.03e9, 8.03e9, 32,
                "meta-llama/Llama-3.1-8B model card (8.03 B parameters) and config.json (num_hidden_layers 32)."),
            new LlmSpec("Llama-3.1-70B", new[] { "Llama-3.1-70B-Instruct", "meta-llama/Llama-3.1-70B", "llama3.1-70b" }, 70.55e9, 70.55e9, 80,
                "meta-llama/Llama-3.1-70B model card (70.6 B parameters) and config.json (num_hidden_layers 80)."),
            new LlmSpec("Llama-3.1-405B", new[] { "Llama-3.1-405B-Instruct", "meta-llama/Llama-3.1-405B", "llama3.1-405b" }, 405.85e9, 405.85e9, 126,
                "meta-llama/Llama-3.1-405B model card (405 B parameters) and config.json (num_hidden_layers 126)."),
            new LlmSpec("Llama-2-7B", new[] { "llama2-7b", "meta-llama/Llama-2-7b-hf" }, 6.74e9, 6.74e9, 32,
                "meta-llama/Llama-2-7b-hf model card (6.74 B parameters) and config.json (num_hidden_layers 32)."),
            new LlmSpec("Llama-2-13B", new[] { "llama2-13b", "meta-llama/Llama-2-13b-hf" }, 13.02e9, 13.02e9, 40,
                "meta-llama/Llama-2-13b-hf model card (13.0 B parameters) and config.json (num_hidden_layers 40)."),
            new LlmSpec("Llama-2-70B", new[] { "llama2-70b", "meta-llama/Llama-2-70b-hf" }, 68.98e9, 68.98e9, 80,
                "meta-llama/Llama-2-70b-hf model card (69.0 B parameters) and config.json (num_hidden_layers 80); the model of Splitwise's perf_model.csv."),
            new LlmSpec("BLOOM-176B", new[] { "bloom-176b", "bigscience/bloom", "bloom" }, 176.25e9, 176.25e9, 70,
                "bigscience/bloom model card (176 B parameters) and config.json (n_layer 70); a model of Splitwise's perf_model.csv."),
            new LlmSpec("Qwen3-8B", new[] { "Qwen/Qwen3-8B", "qwen3-8b" }, 8.19e9, 8.19e9, 36,
                "Qwen/Qwen3-8B model card (8.2 B parameters, 36 layers); Qwen3 technical report, arXiv 2505.09388."),
            new LlmSpec("Qwen3-14B", new[] { "Qwen/Qwen3-14B", "qwen3-14b" }, 14.8e9, 14.8e9, 40,
                "Qwen/Qwen3-14B model card (14.8 B parameters, 40 layers); Qwen3 technical report, arXiv 2505.09388."),
            new LlmSpec("Qwen3-32B", new[] { "Qwen/Qwen3-32B", "qwen3-32b" }, 32.8e9, 32.8e9, 64,
                "Qwen/Qwen3-32B model card (32.8 B parameters, 64 layers); Qwen3 technical report, arXiv 2505.09388."),
            new LlmSpec("Qwen3-30B-A3B", new[] { "Qwen/Qwen3-30B-A3B", "qwen3-30b-a3b", "Qwen3-30B-A3B-Instruct-2507", "Qwen/Qwen3-30B-A3B-Instruct-2507" }, 30.5e9, 3.3e9, 48,
                "Qwen/Qwen3-30B-A3B model card (30.5 B total, 3.3 B activated parameters, 48 layers, 128 experts with 8 activated); Qwen3 technical report, arXiv 2505.09388."),
            new LlmSpec("Qwen3-235B-A22B", new[] { "Qwen/Qwen3-235B-A22B", "qwen3-235b-a22b" }, 235e9, 22e9, 94,
                "Qwen/Qwen3-235B-A22B model card (235 B total, 22 B activated parameters, 94 layers); Qwen3 technical report, arXiv 2505.09388."),
            new LlmSpec("Mixtral-8x7B", new[] { "Mixtral-8x7B-Instruct", "mistralai/Mixtral-8x7B-v0.1", "mixtral-8x7b" }, 46.7e9, 12.9e9, 32,
                "Mistral AI, 'Mixtral of experts' (2024): 46.7 B total, 12.9 B active parameters per token; config.json num_hidden_layers 32."),
        };

        /// <summary>Every listed model.</summary>
        public static IReadOnlyList<LlmSpec> All => Specs;

        /// <summary>Finds a model by name or alias (case-insensitive, punctuation ignored); null when not listed.</summary>
        public static LlmSpec? TryFind(string? name) => Hardware.CatalogLookup.Find(Specs, name, s => s.Name, s => s.Aliases);

        /// <summary>
        /// Parameter count written in a model name ("…-70B", "…_8b-…", "…-1.5B"); NaN when the name has none.
        /// Used only for source models that are not listed; the derivation's provenance says so.
        /// </summary>
        public static double ParametersFromName(string? name)
        {
            if (string.IsNullOrWhiteSpace(name)) return double.NaN;
            var m = Regex.Match(name!, @"(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)\s*[bB](?![A-Za-z])");
            if (!m.Success) return double.NaN;
            return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1e9;
        }

        /// <summary>
        /// Active parameters written in a mixture-of-experts name ("…-30B-A3B" → 3 B); NaN when the name has none.
        /// </summary>
        public static double ActiveParametersFromName(string? name)
        {
            if (string.IsNullOrWhiteSpace(name)) return double.NaN;
            var m = Regex.Match(name!, @"(?<![A-Za-z0-9.])[aA](\d+(?:\.\d+)?)\s*[bB](?![A-Za-z])");
            if (!m.Success) return double.NaN;
            return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1e9;
        }

        /// <summary>
        /// Layers of a dense decoder estimated from its size when it is not listed: 32 × (P / 8 B)^0.42, the
        /// depth scaling of the Llama family (7-8 B: 32 layers, 70 B: 80). An estimate; derivations name it.
        /// </summary>
        public static int EstimateLayers(double parameters)
            => Math.Max(1, (int)Math.Round(32 * Math.Pow(parameters / 8e9, 0.42)));

    }
}
