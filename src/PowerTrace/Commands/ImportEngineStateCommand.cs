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
    /// and waiting requests, KV-cache usage) into engine-state series on the UTC timeline.
    /// </summary>
    [Cmdlet(VerbsData.Import, "EngineState", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(EngineStateSeries))]
    public sealed class ImportEngineStateCommand : FileReadingCmdlet
    {



        /// <summary>Year of the log's first line (the log's times carry none).</summary>
        [Parameter(Mandatory = true)]
        [ValidateRange(1, 9998)]
        public int Year { get; set; }

        /// <summary>Added to the log's times to put them on the power logs' UTC timeline: UTC = log time + TimeOffset (e.g. 08:00).</summary>
        [Parameter]
        public TimeSpan TimeOffset { get; set; }

        /// <summary>Engine to read when several log; default the first seen.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int? Engine { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string file in InputFiles())
            {
                var options = new VllmLogOptions
                {
                    Year = Year,
                    TimeOffset = TimeOffset,
                    Engine = Engine,
                    CancellationToken = CancellationToken,
                    Notice = n => { if (n.Kind == ImportNoticeKind.TruncatedLine) WriteWarning(n.ToString()); else WriteVerbose(n.ToString()); },
                };
                try
                {
                    WriteVerbose($"Reading {file}");
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    var series = VllmLogReader.Read(file, options);
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
