using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Workload;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// Import-RequestTrace: reads request logs (Azure CSV, Mooncake JSONL, generic CSV) into request
    /// traces. Columns it does not use are named under -Verbose.
    /// </summary>
    [Cmdlet(VerbsData.Import, "RequestTrace", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(RequestTrace))]
    public sealed class ImportRequestTraceCommand : FileReadingCmdlet
    {



        /// <summary>Format; Auto detects it.</summary>
        [Parameter]
        public RequestFileFormat Format { get; set; } = RequestFileFormat.Auto;

        /// <summary>Arrival column (timestamp or seconds).</summary>
        [Parameter]
        public string? ArrivalColumn { get; set; }

        /// <summary>Prompt-token column.</summary>
        [Parameter]
        public string? PromptTokensColumn { get; set; }

        /// <summary>Output-token column.</summary>
        [Parameter]
        public string? OutputTokensColumn { get; set; }

        /// <summary>Measured time-to-first-token column, seconds.</summary>
        [Parameter]
        public string? TtftColumn { get; set; }

        /// <summary>Measured end-to-end latency column, seconds.</summary>
        [Parameter]
        public string? LatencyColumn { get; set; }

        /// <summary>Offset of the clock that wrote zone-less timestamps (UTC = local - offset); default UTC.</summary>
        [Parameter]
        public TimeSpan UtcOffset { get; set; }

        /// <summary>UTC instant that relative arrival times count from.</summary>
        [Parameter]
        public DateTime? StartUtc { get; set; }

        // A DateTime without a kind ("2025-12-11 21:08:28") is UTC, as everywhere in the module; a Local one is converted.
        internal static DateTime AsUtc(DateTime t)
            => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc);

        // Ignored columns and facts under -Verbose; a line the reader could not use (a final line cut short) as a warning.
        private void ReportNotices(List<ImportNotice> notices)
        {
            foreach (var n in notices)
            {
                if (n.Kind == ImportNoticeKind.TruncatedLine || n.Kind == ImportNoticeKind.SkippedRow) WriteWarning(n.ToString());
                else WriteVerbose(n.Kind == ImportNoticeKind.IgnoredColumn ? $"{System.IO.Path.GetFileName(n.File)}: ignored column '{n.Field}'" : n.ToString());
            }
        }

        protected override void ProcessRecord()
        {
            foreach (string file in InputFiles())
            {
                var notices = new List<ImportNotice>();
                var options = new RequestImportOptions
                {
                    Format = Format,
                    ArrivalColumn = ArrivalColumn,
                    PromptTokensColumn = PromptTokensColumn,
                    OutputTokensColumn = OutputTokensColumn,
                    TtftColumn = TtftColumn,
                    LatencyColumn = LatencyColumn,
                    UtcOffset = UtcOffset,
                    StartUtc = StartUtc.HasValue ? AsUtc(StartUtc.Value) : (DateTime?)null,
                    CancellationToken = CancellationToken,
                    Notice = n => notices.Add(n),
                };
                try
                {
                    WriteVerbose($"Reading {file}");
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    RequestTrace trace;
                    try { trace = RequestTraceReader.Read(file, options); }
                    finally { ReportNotices(notices); }
                    WriteVerbose($"Read {trace.Count:N0} requests ({trace.Format}) over {trace.DurationSeconds:0.#} s"
                        + (trace.StartUtc.HasValue ? $" from {trace.StartUtc.Value:u}" : " (relative times)")
                        + $", mean {trace.MeanRatePerSecond:0.###} req/s, {trace.TotalPromptTokens:N0} prompt and {trace.TotalOutputTokens:N0} output tokens, in {clock.Elapsed.TotalSeconds:0.00} s.");
                    WriteObject(trace);
                }
                catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException)
                {
                    WriteCoreError(ex, file);
                }
            }
        }
    }
}
