using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Traces;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// Export-PowerTrace: writes traces that share start and bin width to one CSV (UTC ISO-8601
    /// timestamps, one watts column per trace). The file is written to a temporary file and moved
    /// into place, so it is never half-written.
    /// </summary>
    [Cmdlet(VerbsData.Export, "PowerTrace", DefaultParameterSetName = DefaultSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportPowerTraceCommand : PowerTraceCmdlet
    {
        private const string DefaultSet = "Default";
        private readonly List<PowerSeries> _traces = new List<PowerSeries>();

        /// <summary>Traces to write (from the pipeline).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = DefaultSet)]
        [ValidateNotNull]
        public PowerSeries[]? InputObject { get; set; }

        /// <summary>The CSV file to write.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = DefaultSet)]
        [Alias("PSPath", "LP", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Overwrite an existing file.</summary>
        /// <summary>File format: Csv, Parquet, or Auto (the default: Parquet for a .parquet or .pq path, else CSV).</summary>
        [Parameter]
        [ValidateSet("Auto", "Csv", "Parquet", IgnoreCase = true)]
        public string Format { get; set; } = "Auto";

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the file's FileInfo to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (InputObject != null) _traces.AddRange(InputObject);
        }

        protected override void EndProcessing()
        {
            string full = ResolveOutputPath(Path!);
            try
            {
                PowerTraceWriter.CheckSameGrid(_traces);
                bool exists = File.Exists(full);
                // ShouldProcess first: -WhatIf only reports what would happen, even when the file exists.
                bool parquet = string.Equals(Format, "Parquet", StringComparison.OrdinalIgnoreCase)
                    || (string.Equals(Format, "Auto", StringComparison.OrdinalIgnoreCase)
                        && (full.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || full.EndsWith(".pq", StringComparison.OrdinalIgnoreCase)));
                string action = $"Write {_traces.Count} power trace(s) as {(parquet ? "Parquet" : "CSV")}"
                                + (exists ? (Force.IsPresent ? ", replacing the existing file" : " (the file exists: without -Force this fails with FileExists)") : "");
                if (!ShouldProcess(full, action)) return;
                if (exists && !Force.IsPresent)
                    throw new PowerTraceException(ImportErrorIds.FileExists, $"{full} exists; use -Force to overwrite it.");
                if (parquet) ParquetTraceWriter.WriteFile(full, _traces, overwrite: Force.IsPresent, CancellationToken);
                else PowerTraceWriter.WriteFile(full, _traces, overwrite: Force.IsPresent, CancellationToken);
                int rows = 0;
                foreach (var t in _traces) rows = Math.Max(rows, t.BinCount);
                WriteVerbose($"Wrote {_traces.Count} trace column(s) x {rows:N0} row(s) to {full} ({new FileInfo(full).Length:N0} bytes, {(parquet ? "Parquet" : "CSV")}).");
            }
            catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException || ex is OperationCanceledException)
            {
                ThrowCoreError(ex, full);
            }
            if (PassThru.IsPresent) WriteObject(new FileInfo(full));
        }
    }
}
