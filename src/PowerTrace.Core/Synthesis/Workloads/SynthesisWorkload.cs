using System;

namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>
    /// The site's traffic: either a Poisson process at an <see cref="ArrivalRate"/> with token lengths
    /// from a <see cref="TokenLengthDistribution"/>, or a <see cref="RequestReplay"/> of a request log
    /// (token lengths from the log, or redrawn from a distribution when one is given).
    /// </summary>
    public sealed class SynthesisWorkload
    {
        private SynthesisWorkload(ArrivalRate? rate, RequestReplay? replay, TokenLengthDistribution? tokens)
        {
            Rate = rate;
            Replay = replay;
            TokenLengths = tokens;
        }

        /// <summary>Poisson arrivals at <paramref name="rate"/>; token lengths from <paramref name="tokens"/> (default: Azure conversation preset).</summary>
        public static SynthesisWorkload Poisson(ArrivalRate rate, TokenLengthDistribution? tokens = null)
            => new SynthesisWorkload(rate ?? throw new ArgumentNullException(nameof(rate)), null, tokens ?? LognormalTokenLengths.AzureConversation);

        /// <summary>Replay of a request log; <paramref name="tokens"/> (optional) replaces the logged token lengths.</summary>
        public static SynthesisWorkload FromReplay(RequestReplay replay, TokenLengthDistribution? tokens = null)
            => new SynthesisWorkload(null, replay ?? throw new ArgumentNullException(nameof(replay)), tokens);

        /// <summary>Rate of the Poisson process; null for a replay.</summary>
        public ArrivalRate? Rate { get; }

        /// <summary>The replayed log; null for a Poisson workload.</summary>
        public RequestReplay? Replay { get; }

        /// <summary>Token lengths drawn per request (always set for Poisson; optional for a replay).</summary>
        public TokenLengthDistribution? TokenLengths { get; }

        internal void Validate()
        {
            Rate?.Validate("RatePerSecond");
            Replay?.Validate("Requests");
            TokenLengths?.Validate("TokenLengths");
        }

        public override string ToString() => Rate != null ? $"{Rate}, tokens {TokenLengths}" : $"{Replay}" + (TokenLengths != null ? $", tokens {TokenLengths}" : "");
    }
}
