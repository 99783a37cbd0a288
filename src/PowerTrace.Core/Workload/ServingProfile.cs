using System;

namespace PowerTrace.Core.Workload
{
    /// <summary>How a serving engine shares one scheduler step between prefill and decode.</summary>
    public enum PrefillInterleave
    {
        /// <summary>
        /// Chunked prefill (vLLM V1, SGLang): every step runs one decode token for each decoding request
        /// plus up to <see cref="ServingProfile.MaxBatchedPromptTokens"/> minus that many prompt tokens, so
        /// decoding goes on (slowed) while prompts are prefilled.
        /// </summary>
        ChunkedPrefill = 0,

        /// <summary>
        /// Prefill first (vLLM V0 without chunked prefill, older TGI): while any admitted request is
        /// prefilling, decode steps pause and the node prefills at full speed.
        /// </summary>
        PrefillFirst = 1,
    }

    /// <summary>
    /// How fast one configuration (GPU type x model x TP) serves requests: the parameters of the
    /// serving emulator, learned from training logs (ServingProfileLearner) or given for an
    /// unmeasured configuration. Immutable.
    /// </summary>
    /// <remarks>
    /// Timing formulas (what <see cref="ServingEmulator"/> reproduces exactly for a request served alone):
    /// prefill takes <c>promptTokens / PrefillTokensPerSecond</c> seconds and produces the first output
    /// token; the remaining <c>outputTokens − 1</c> tokens take one decode step each, and a decode step with
    /// <c>b</c> requests in the batch takes <c>(1 + DecodeStepSlowdownPerRequest · (b − 1)) / DecodeStepsPerSecond</c> seconds.
    /// </remarks>
    public sealed class ServingProfile
    {
        /// <summary>vLLM's default concurrency limit (<c>max_num_seqs</c>).</summary>
        public const int DefaultMaxConcurrentRequests = 256;

        /// <summary>vLLM V1's default chunked-prefill token budget for online serving (<c>max_num_batched_tokens</c>).</summary>
        public const int DefaultMaxBatchedPromptTokens = 2048;

        public ServingProfile(
            double prefillTokensPerSecond,
            double decodeStepsPerSecond,
            double decodeStepSlowdownPerRequest,
            int maxConcurrentRequests,
            int maxBatchedPromptTokens,
            PrefillInterleave interleave = PrefillInterleave.ChunkedPrefill,
            string? learnedFrom = null,
            bool prefillRateIsLowerBound = false)
        {
            if (!(prefillTokensPerSecond > 0) || double.IsInfinity(prefillTokensPerSecond))
                throw new ArgumentOutOfRangeException(nameof(prefillTokensPerSecond), prefillTokensPerSecond, "Prefill rate must be a positive, finite number of tokens per second.");
            if (!(decodeStepsPerSecond > 0) || double.IsInfinity(decodeStepsPerSecond))
                throw new ArgumentOutOfRangeException(nameof(decodeStepsPerSecond), decodeStepsPerSecond, "Decode step rate must be a positive, finite number of steps per second.");
            if (!(decodeStepSlowdownPerRequest >= 0) || double.IsInfinity(decodeStepSlowdownPerRequest))
                throw new ArgumentOutOfRangeException(nameof(decodeStepSlowdownPerRequest), decodeStepSlowdownPerRequest, "Decode slowdown per request must be zero or positive.");
            if (maxConcurrentRequests < 1)
                throw new ArgumentOutOfRangeException(nameof(maxConcurrentRequests), maxConcurrentRequests, "The concurrency limit must be at least 1.");
            if (maxBatchedPromptTokens < 1)
                throw new ArgumentOutOfRangeException(nameof(maxBatchedPromptTokens), maxBatchedPromptTokens, "The prompt-token budget per step must be at least 1.");
            PrefillTokensPerSecond = prefillTokensPerSecond;
            DecodeStepsPerSecond = decodeStepsPerSecond;
            DecodeStepSlowdownPerRequest = decodeStepSlowdownPerRequest;
            MaxConcurrentRequests = maxConcurrentRequests;
            MaxBatchedPromptTokens = maxBatchedPromptTokens;
            Interleave = interleave;
            LearnedFrom = learnedFrom ?? "";
            PrefillRateIsLowerBound = prefillRateIsLowerBound;
        }

        /// <summary>Prompt tokens the node prefills per second (compute-bound).</summary>
        public double PrefillTokensPerSecond { get; }

        /// <summary>Decode steps per second with one request in the batch (each step emits one token per running request).</summary>
        public double DecodeStepsPerSecond { get; }

        /// <summary>
        /// Relative slowdown of a decode step per extra running request: step time =
        /// (1 + slowdown · (batch − 1)) / DecodeStepsPerSecond.
        /// </summary>
        public double DecodeStepSlowdownPerRequest { get; }

        /// <summary>Concurrency limit: requests admitted at once (the rest wait in a FIFO queue).</summary>
        public int MaxConcurrentRequests { get; }

        /// <summary>Tokens scheduled per step at most (chunked prefill budget; decode tokens count against it).</summary>
        public int MaxBatchedPromptTokens { get; }

        /// <summary>How prefill and decode share the node (see <see cref="PrefillInterleave"/>).</summary>
        public PrefillInterleave Interleave { get; }

        /// <summary>How the profile was obtained (learner, source file, sample counts); empty when given by hand.</summary>
        public string LearnedFrom { get; }

        /// <summary>
        /// True when the prefill rate could only be bounded from below (e.g. from 1 Hz engine logs where a
        /// whole burst of prompts is prefilled inside one logging interval).
        /// </summary>
        public bool PrefillRateIsLowerBound { get; }

        /// <summary>Seconds to prefill <paramref name="promptTokens"/> with nothing else running.</summary>
        public double PrefillSeconds(int promptTokens) => promptTokens / PrefillTokensPerSecond;

        /// <summary>Seconds of one decode step with <paramref name="batch"/> requests decoding (0 for an empty batch).</summary>
        public double DecodeStepSeconds(int batch) => batch <= 0 ? 0.0 : (1.0 + DecodeStepSlowdownPerRequest * (batch - 1)) / DecodeStepsPerSecond;

        /// <summary>Seconds of one decode step for a fractional (time-averaged) batch size (0 for batch &lt;= 0).</summary>
        public double DecodeStepSeconds(double batch) => batch <= 0 ? 0.0 : (1.0 + DecodeStepSlowdownPerRequest * (batch - 1)) / DecodeStepsPerSecond;

        /// <summary>Decode steps a request needs: the first output token comes with prefill, so <c>max(outputTokens − 1, 0)</c>.</summary>
        public static int DecodeSteps(int outputTokens) => outputTokens > 1 ? outputTokens - 1 : 0;

        /// <summary>Seconds of decode for a request served alone: DecodeSteps(outputTokens) / DecodeStepsPerSecond.</summary>
        public double DecodeSeconds(int outputTokens) => DecodeSteps(outputTokens) / DecodeStepsPerSecond;

        /// <summary>Generation throughput at a steady decode batch of <paramref name="batch"/> requests, tokens/s.</summary>
        public double GenerationTokensPerSecond(int batch) => batch <= 0 ? 0.0 : batch / DecodeStepSeconds(batch);

        public override string ToString() =>
            $"prefill {PrefillTokensPerSecond:0} tok/s{(PrefillRateIsLowerBound ? " (lower bound)" : "")}, decode {DecodeStepsPerSecond:0.0} steps/s (+{DecodeStepSlowdownPerRequest:P1}/req), max {MaxConcurrentRequests} req, {MaxBatchedPromptTokens} tok/step, {Interleave}";
    }
}
