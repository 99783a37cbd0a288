namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// How fast one configuration (GPU type x model x TP) serves requests: the parameters of the
    /// serving emulator, learned from training logs (or derived for an unmeasured configuration).
    /// </summary>
    public sealed class ServingProfile
    {
        public ServingProfile(
            double prefillTokensPerSecond,
            double decodeStepsPerSecond,
            double decodeStepSlowdownPerRequest,
            int maxConcurrentRequests,
            int maxBatchedPromptTokens)
        {
            PrefillTokensPerSecond = prefillTokensPerSecond;
            DecodeStepsPerSecond = decodeStepsPerSecond;
            DecodeStepSlowdownPerRequest = decodeStepSlowdownPerRequest;
            MaxConcurrentRequests = maxConcurrentRequests;
            MaxBatchedPromptTokens = maxBatchedPromptTokens;
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

        /// <summary>Prompt tokens prefilled per scheduler step at most (chunked prefill budget).</summary>
        public int MaxBatchedPromptTokens { get; }
    }
}
