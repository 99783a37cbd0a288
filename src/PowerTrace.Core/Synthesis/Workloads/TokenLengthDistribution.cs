using PowerTrace.Core.Numerics;

namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>Draws (prompt tokens, output tokens) for one synthesized request. Thread-safe (no state).</summary>
    public abstract class TokenLengthDistribution
    {
        /// <summary>Draws one request's prompt and output token counts (both at least 1).</summary>
        public abstract void Sample(ref Rng rng, out int promptTokens, out int outputTokens);

        /// <summary>Throws an <see cref="Errors.InvalidSettingException"/> when the distribution cannot be sampled.</summary>
        internal virtual void Validate(string parameter) { }
    }
}
