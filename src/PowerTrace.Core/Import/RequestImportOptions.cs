using System;
using System.Threading;

namespace PowerTrace.Core.Import
{
    /// <summary>Request-log formats <see cref="RequestTraceReader"/> reads.</summary>
    public enum RequestFileFormat
    {
        /// <summary>Detect: a line starting with '{' is Mooncake JSONL; a TIMESTAMP, ContextTokens, GeneratedTokens header is Azure; any other header is generic CSV.</summary>
        Auto,
        /// <summary>Azure LLM inference trace CSV: <c>TIMESTAMP, ContextTokens, GeneratedTokens</c>.</summary>
        Azure,
        /// <summary>Mooncake JSON lines: <c>timestamp</c> (ms from trace start), <c>input_length</c>, <c>output_length</c>.</summary>
        Mooncake,
        /// <summary>CSV with a header; columns found by common spellings or named in the options.</summary>
        Generic,
    }

    /// <summary>Settings for <see cref="RequestTraceReader.Read"/>.</summary>
    public sealed class RequestImportOptions
    {
        /// <summary>Format; Auto detects it.</summary>
        public RequestFileFormat Format { get; set; } = RequestFileFormat.Auto;

        /// <summary>Arrival column (absolute timestamp, or seconds; a name ending in <c>_ms</c> means milliseconds). Null auto-detects.</summary>
        public string? ArrivalColumn { get; set; }

        /// <summary>Prompt-token column. Null auto-detects (input_tokens, prompt_tokens, ContextTokens, input_length, ...).</summary>
        public string? PromptTokensColumn { get; set; }

        /// <summary>Output-token column. Null auto-detects (output_tokens, GeneratedTokens, completion_tokens, output_length, ...).</summary>
        public string? OutputTokensColumn { get; set; }

        /// <summary>Measured time-to-first-token column, seconds (<c>_ms</c>: milliseconds). Null auto-detects; absent is fine.</summary>
        public string? TtftColumn { get; set; }

        /// <summary>Measured end-to-end latency column, seconds (<c>_ms</c>: milliseconds). Null auto-detects; absent is fine.</summary>
        public string? LatencyColumn { get; set; }

        /// <summary>Offset of the clock that wrote zone-less timestamps (UTC = local − offset); default UTC.</summary>
        public TimeSpan UtcOffset { get; set; } = TimeSpan.Zero;

        /// <summary>UTC instant that relative arrival times (Mooncake, seconds columns) count from; null leaves the trace relative.</summary>
        public DateTime? StartUtc { get; set; }

        /// <summary>Receives ignored columns (the cmdlet shows them under -Verbose).</summary>
        public Action<ImportNotice>? Notice { get; set; }

        /// <summary>Observed every few thousand lines.</summary>
        public CancellationToken CancellationToken { get; set; }
    }
}
