using System;
using System.IO;
using System.Management.Automation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Workload;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// Import-EngineState: reads vLLM server logs' periodic engine-state lines (throughputs, running
    /// and waiting requests, KV-cache usage), or vLLM's Prometheus metrics scraped to CSV (counters turned
    /// into rates), into engine-state series on the UTC timeline.
    /// </summary>
    [Cmdlet(VerbsData.Import, "EngineState", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(EngineStateSeries))]
    public sealed class ImportEngineStateCommand : FileReadingCmdlet
    {
        /// <summary>Format; Auto detects it from the first line (a CSV header naming vLLM metrics is PrometheusCsv).</summary>
        [Parameter]
        public EngineStateFormat Format { get; set; } = EngineStateFormat.Auto;

        /// <summary>Year of a vLLM log's first line (the log's times carry none). Required for vLLM logs; Prometheus CSV times carry their date.</summary>
        [Parameter]
        [ValidateRange(1, 9998)]
        public int? Year { get; set; }

        /// <summary>Added to the file's times to put them on the power logs' UTC timeline: UTC = file time + TimeOffset (e.g. 08:00).</summary>
        [Parameter]
        public TimeSpan TimeOffset { get; set; }

        /// <summary>Engine to read when several log (a vLLM log's "Engine 00N", a metric's engine="N" label); default the first seen.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int? Engine { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string file in InputFiles())
            {
                try
                {
                    var format = Format == EngineStateFormat.Auto ? PrometheusCsvReader.DetectFormat(file) : Format;
                    WriteVerbose($"Reading {file}");
                    WriteVerbose(Format == EngineStateFormat.Auto ? $"Format {format} (detected from the first line)." : $"Format {format} (-Format).");
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    EngineStateSeries series;
                    if (format == EngineStateFormat.PrometheusCsv)
                    {
                        if (Year != null) WriteVerbose("-Year is not used: Prometheus CSV times carry their date.");
                        series = PrometheusCsvReader.Read(file, new PrometheusCsvOptions
                        {
                            TimeOffset = TimeOffset,
                            Engine = Engine,
                            CancellationToken = CancellationToken,
                            // Skipped rows and missing cells change what the series says: warnings, as Import-PowerTrace does.
                            Notice = n =>
                            {
                                if (n.Kind == ImportNoticeKind.SkippedRow || n.Kind == ImportNoticeKind.EmptyReading) WriteWarning(n.ToString());
                                else WriteVerbose(n.ToString());
                            },
                        });
                    }
                    else
                    {
                        series = VllmLogReader.Read(file, new VllmLogOptions
                        {
                            Year = Year,
                            TimeOffset = TimeOffset,
                            Engine = Engine,
                            CancellationToken = CancellationToken,
                            Notice = n => { if (n.Kind == ImportNoticeKind.TruncatedLine) WriteWarning(n.ToString()); else WriteVerbose(n.ToString()); },
                        });
                    }
                    WriteVerbose($"Read {series.Count:N0} engine-state samples over {series.DurationSeconds:0.#} s from {series.StartUtc:u} in {clock.Elapsed.TotalSeconds:0.00} s.");
                    WriteObject(series);
                }
                catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException)
                {
                    WriteCoreError(ex, file);
                }
            }
        }
    }
}
