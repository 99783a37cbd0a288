using System;

namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// A request log: one row per request, sorted by arrival.
    /// </summary>
    /// <remarks>
    /// Arrival times are seconds from <see cref="StartUtc"/> (the first request need not be at 0).
    /// When the source gives only relative times, StartUtc is null. TTFT and end-to-end latency are
    /// per request in seconds where measured and NaN where not; the arrays are null when the source
    /// has no such column at all. The arrays are the trace's own storage: treat them as read-only.
    /// </remarks>
    public sealed class RequestTrace
    {
        public RequestTrace(
            string name,
            string format,
            DateTime? startUtc,
            double[] arrivalSeconds,
            int[] promptTokens,
            int[] outputTokens,
            double[]? ttftSeconds = null,
            double[]? latencySeconds = null,
            string? sourceFile = null)
        {
            if (arrivalSeconds == null) throw new ArgumentNullException(nameof(arrivalSeconds));
            if (promptTokens == null) throw new ArgumentNullException(nameof(promptTokens));
            if (outputTokens == null) throw new ArgumentNullException(nameof(outputTokens));
            int n = arrivalSeconds.Length;
            if (promptTokens.Length != n || outputTokens.Length != n
                || (ttftSeconds != null && ttftSeconds.Length != n)
                || (latencySeconds != null && latencySeconds.Length != n))
                throw new ArgumentException("All per-request arrays must have the same length.");
            for (int i = 1; i < n; i++)
                if (arrivalSeconds[i] < arrivalSeconds[i - 1])
                    throw new ArgumentException($"Arrivals must be sorted: request {i} arrives at {arrivalSeconds[i]} s, before request {i - 1} at {arrivalSeconds[i - 1]} s.");
            if (startUtc.HasValue && startUtc.Value.Kind != DateTimeKind.Utc)
                startUtc = startUtc.Value.Kind == DateTimeKind.Local ? startUtc.Value.ToUniversalTime() : DateTime.SpecifyKind(startUtc.Value, DateTimeKind.Utc);

            Name = name ?? "";
            Format = format ?? "";
            StartUtc = startUtc;
            ArrivalSeconds = arrivalSeconds;
            PromptTokens = promptTokens;
            OutputTokens = outputTokens;
            TtftSeconds = ttftSeconds;
            LatencySeconds = latencySeconds;
            SourceFile = sourceFile;

            long p = 0, o = 0;
            for (int i = 0; i < n; i++) { p += promptTokens[i]; o += outputTokens[i]; }
            TotalPromptTokens = p;
            TotalOutputTokens = o;
        }

        /// <summary>A label, usually the file name.</summary>
        public string Name { get; }

        /// <summary>Source format: Azure, Mooncake, Generic, Synthetic, ...</summary>
        public string Format { get; }

        /// <summary>UTC instant that arrival second 0 refers to; null for relative-only logs.</summary>
        public DateTime? StartUtc { get; }

        /// <summary>Arrival of each request, seconds from <see cref="StartUtc"/>, sorted.</summary>
        public double[] ArrivalSeconds { get; }

        /// <summary>Prompt (context) tokens per request.</summary>
        public int[] PromptTokens { get; }

        /// <summary>Output (generated) tokens per request.</summary>
        public int[] OutputTokens { get; }

        /// <summary>Measured time to first token, seconds (NaN where not measured); null if never measured.</summary>
        public double[]? TtftSeconds { get; }

        /// <summary>Measured end-to-end latency, seconds (NaN where not measured); null if never measured.</summary>
        public double[]? LatencySeconds { get; }

        /// <summary>File the log was read from.</summary>
        public string? SourceFile { get; }

        /// <summary>Number of requests.</summary>
        public int Count => ArrivalSeconds.Length;

        /// <summary>Time from first to last arrival, seconds (0 for fewer than two requests).</summary>
        public double DurationSeconds => Count < 2 ? 0 : ArrivalSeconds[Count - 1] - ArrivalSeconds[0];

        /// <summary>Mean arrival rate, requests per second: (Count - 1) / DurationSeconds; NaN when undefined.</summary>
        public double MeanRatePerSecond => DurationSeconds > 0 ? (Count - 1) / DurationSeconds : double.NaN;

        /// <summary>Sum of prompt tokens.</summary>
        public long TotalPromptTokens { get; }

        /// <summary>Sum of output tokens.</summary>
        public long TotalOutputTokens { get; }

        /// <summary>Mean prompt tokens per request; NaN when empty.</summary>
        public double MeanPromptTokens => Count > 0 ? (double)TotalPromptTokens / Count : double.NaN;

        /// <summary>Mean output tokens per request; NaN when empty.</summary>
        public double MeanOutputTokens => Count > 0 ? (double)TotalOutputTokens / Count : double.NaN;

        /// <summary>UTC arrival of request i, when <see cref="StartUtc"/> is known.</summary>
        public DateTime? ArrivalUtc(int i) => StartUtc?.AddTicks((long)Math.Round(ArrivalSeconds[i] * TimeSpan.TicksPerSecond));

        public override string ToString() => $"{Name} [{Format}] {Count} requests over {DurationSeconds:0.#} s";
    }
}
