using System;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>
    /// Token lengths resampled from a request log: each draw picks one logged request uniformly and
    /// returns its (prompt, output) pair together, so the joint distribution (and any correlation
    /// between prompt and output length) is kept.
    /// </summary>
    public sealed class EmpiricalTokenLengths : TokenLengthDistribution
    {
        private readonly int[] _prompt;
        private readonly int[] _output;

        public EmpiricalTokenLengths(RequestTrace trace)
        {
            if (trace == null) throw new ArgumentNullException(nameof(trace));
            _prompt = trace.PromptTokens;
            _output = trace.OutputTokens;
            Source = trace.Name;
        }

        /// <summary>Name of the request log the pairs come from.</summary>
        public string Source { get; }

        /// <summary>Number of (prompt, output) pairs drawn from.</summary>
        public int Count => _prompt.Length;

        public override void Sample(ref Rng rng, out int promptTokens, out int outputTokens)
        {
            int i = rng.NextInt(_prompt.Length);
            promptTokens = Math.Max(1, _prompt[i]);
            outputTokens = Math.Max(1, _output[i]);
        }

        internal override void Validate(string parameter)
        {
            if (_prompt.Length == 0)
                throw new Errors.InvalidSettingException("EmptyTokenLengths", parameter, $"The request log '{Source}' has no requests to draw token lengths from.");
        }

        public override string ToString() => $"empirical ({Count} pairs from {Source})";
    }
}
