using System;

namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// What a serving engine reported about itself at regular intervals (e.g. vLLM's periodic
    /// <c>loggers.py</c> lines, or its Prometheus metrics scraped to CSV): running and waiting requests, token
    /// throughputs, KV-cache usage.
    /// </summary>
    /// <remarks>
    /// Times are seconds from <see cref="StartUtc"/>; sample i describes the interval ending at
    /// TimeSeconds[i] (vLLM's throughputs are averages over the logging interval).
    /// Arrays are the series' own storage: treat them as read-only.
    /// </remarks>
    public sealed class EngineStateSeries
    {
        public EngineStateSeries(
            string name,
            DateTime startUtc,
            double[] timeSeconds,
            int[] running,
            int[] waiting,
            double[] promptTokensPerSecond,
            double[] generationTokensPerSecond,
            double[] kvCacheUsagePercent,
            string? sourceFile = null,
            double[]? requestsCompletedPerSecond = null)
        {
            int n = timeSeconds?.Length ?? throw new ArgumentNullException(nameof(timeSeconds));
            if (running.Length != n || waiting.Length != n || promptTokensPerSecond.Length != n
                || generationTokensPerSecond.Length != n || kvCacheUsagePercent.Length != n)
                throw new ArgumentException("All per-sample arrays must have the same length.");
            if (requestsCompletedPerSecond != null && requestsCompletedPerSecond.Length != n)
                throw new ArgumentException("All per-sample arrays must have the same length.");
            for (int i = 1; i < n; i++)
                if (timeSeconds[i] < timeSeconds[i - 1])
                    throw new ArgumentException($"Samples must be sorted by time: sample {i} at {timeSeconds[i]} s comes before sample {i - 1} at {timeSeconds[i - 1]} s.");
            if (startUtc.Kind != DateTimeKind.Utc)
                startUtc = startUtc.Kind == DateTimeKind.Local ? startUtc.ToUniversalTime() : DateTime.SpecifyKind(startUtc, DateTimeKind.Utc);
            Name = name ?? "";
            StartUtc = startUtc;
            TimeSeconds = timeSeconds;
            Running = running;
            Waiting = waiting;
            PromptTokensPerSecond = promptTokensPerSecond;
            GenerationTokensPerSecond = generationTokensPerSecond;
            KvCacheUsagePercent = kvCacheUsagePercent;
            SourceFile = sourceFile;
            RequestsCompletedPerSecond = requestsCompletedPerSecond;
        }

        public string Name { get; }
        /// <summary>UTC instant that time 0 refers to.</summary>
        public DateTime StartUtc { get; }
        /// <summary>Sample times, seconds from <see cref="StartUtc"/>.</summary>
        public double[] TimeSeconds { get; }
        /// <summary>Requests running (in the batch) at each sample.</summary>
        public int[] Running { get; }
        /// <summary>Requests waiting (queued) at each sample.</summary>
        public int[] Waiting { get; }
        /// <summary>Average prompt throughput over the interval, tokens/s.</summary>
        public double[] PromptTokensPerSecond { get; }
        /// <summary>Average generation throughput over the interval, tokens/s.</summary>
        public double[] GenerationTokensPerSecond { get; }
        /// <summary>KV-cache usage, percent.</summary>
        public double[] KvCacheUsagePercent { get; }
        /// <summary>
        /// Requests finished per second over the interval (Prometheus <c>request_success_total</c> as a rate), or null
        /// when the source does not report it (vLLM's log lines do not).
        /// </summary>
        public double[]? RequestsCompletedPerSecond { get; }
        public string? SourceFile { get; }
        public int Count => TimeSeconds.Length;
        public double DurationSeconds => Count < 2 ? 0 : TimeSeconds[Count - 1] - TimeSeconds[0];
        public override string ToString() => $"{Name} {Count} samples over {DurationSeconds:0.#} s";
    }
}
