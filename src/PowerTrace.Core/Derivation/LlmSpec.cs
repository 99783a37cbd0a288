using System.Collections.Generic;

namespace PowerTrace.Core.Derivation
{
    /// <summary>Public facts about one served model that a derivation needs: parameters, active parameters (MoE) and depth.</summary>
    public sealed class LlmSpec
    {
        public LlmSpec(string name, IReadOnlyList<string> aliases, double parameters, double activeParameters, int layers, string source)
        {
            Name = name;
            Aliases = aliases;
            Parameters = parameters;
            ActiveParameters = activeParameters;
            Layers = layers;
            Source = source;
        }

        /// <summary>Canonical name, e.g. "Llama-3.1-8B".</summary>
        public string Name { get; }
        /// <summary>Other names (engine and repository spellings).</summary>
        public IReadOnlyList<string> Aliases { get; }
        /// <summary>Total parameters (weights read per decode step at large batch).</summary>
        public double Parameters { get; }
        /// <summary>Parameters active per token (equal to <see cref="Parameters"/> for dense models).</summary>
        public double ActiveParameters { get; }
        /// <summary>Transformer layers (each adds two tensor-parallel all-reduces per step).</summary>
        public int Layers { get; }
        /// <summary>Where the numbers come from.</summary>
        public string Source { get; }

        public override string ToString() => $"{Name} ({Parameters / 1e9:0.##}B, {Layers} layers)";
    }
}
