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
    /// Import-PowerTrace: reads measured power logs (nvidia-smi CSV, server/IPMI logs, generic CSV)
    /// into binned power traces. One bad file writes an error and the others go on.
    /// </summary>
    [Cmdlet(VerbsData.Import, "PowerTrace", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(PowerSeries))]
    public sealed class ImportPowerTraceCommand : FileReadingCmdlet
    {



        /// <summary>Format; Auto detects it from the content.</summary>
        [Parameter]
        public PowerFileFormat Format { get; set; } = PowerFileFormat.Auto;

        /// <summary>Column names of a header-less nvidia-smi file, in order.</summary>
        [Parameter]
        public string[]? Columns { get; set; }

        /// <summary>GPU indices to keep.</summary>
        [Parameter]
        [ValidateRange(0, 65535)]
        public int[]? GpuIndex { get; set; }

        /// <summary>GPUs per tensor-parallel group summed into one Node trace; 0 sums all GPUs.</summary>
        [Parameter]
        [ValidateRange(0, 65536)]
        public int GroupSize { get; set; }

        /// <summary>One Gpu-level trace per GPU instead of Node traces.</summary>
        [Parameter]
        public SwitchParameter PerGpu { get; set; }

        /// <summary>Bin width, seconds.</summary>
        [Parameter]
        [ValidateRange(0.0000001, 86400.0)]
        public double BinSeconds { get; set; } = 0.25;

        /// <summary>Fill gap bins by linear interpolation (reported as filled).</summary>
        [Parameter]
        public SwitchParameter FillGaps { get; set; }

        /// <summary>Skip unparsable rows (each is reported as a warning) instead of failing the file.</summary>
        [Parameter]
        public SwitchParameter SkipInvalidRows { get; set; }

        /// <summary>Offset of the clock that wrote zone-less timestamps (UTC = local - offset); default UTC.</summary>
        [Parameter]
        public TimeSpan UtcOffset { get; set; }

        /// <summary>Generic CSV: the time column.</summary>
        [Parameter]
        public string? TimeColumn { get; set; }

        /// <summary>Generic CSV: the watts columns (one trace each); nvidia-smi: the power column.</summary>
        [Parameter]
        public string[]? WattsColumn { get; set; }

        /// <summary>Level of generic-CSV traces (default Server).</summary>
        [Parameter]
        public TraceLevel? Level { get; set; }

        /// <summary>GPU type to record, e.g. "RTX A6000".</summary>
        [Parameter]
        public string? GpuType { get; set; }

        /// <summary>Served model to record.</summary>
        [Parameter]
        public string? ModelName { get; set; }

        /// <summary>Tensor-parallel degree to record.</summary>
        [Parameter]
        [ValidateRange(0, 65536)]
        public int TensorParallel { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string file in InputFiles())
            {
                var skipped = new List<ImportNotice>();
                var empty = new List<ImportNotice>();
                var options = new PowerImportOptions
                {
                    Format = Format,
                    Columns = Columns,
                    GpuIndex = GpuIndex,
                    GroupSize = GroupSize,
                    PerGpu = PerGpu.IsPresent,
                    BinSeconds = BinSeconds,
                    FillGaps = FillGaps.IsPresent,
                    SkipInvalidRows = SkipInvalidRows.IsPresent,
                    UtcOffset = UtcOffset,
                    TimeColumn = TimeColumn,
                    WattsColumn = WattsColumn,
                    Level = Level,
                    GpuType = GpuType,
                    ModelName = ModelName,
                    TensorParallel = TensorParallel,
                    CancellationToken = CancellationToken,
                    Notice = n =>
                    {
                        if (n.Kind == ImportNoticeKind.SkippedRow || n.Kind == ImportNoticeKind.TruncatedLine) skipped.Add(n);
                        else if (n.Kind == ImportNoticeKind.EmptyReading) empty.Add(n);
                        else WriteVerbose(n.ToString());
                    },
                    Progress = f => ReportProgress("Import-PowerTrace", System.IO.Path.GetFileName(file), f),
                };
                IReadOnlyList<PowerSeries> traces;
                try
                {
                    WriteVerbose($"Reading {file}");
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    traces = PowerTraceReader.Read(file, options);
                    WriteVerbose($"Read {traces.Count} trace(s) from {System.IO.Path.GetFileName(file)} in {clock.Elapsed.TotalSeconds:0.00} s.");
                    foreach (var t in traces)
                        WriteVerbose($"  '{t.Name}' ({t.Level}): {t.BinCount:N0} bins of {t.BinSeconds} s from {t.StartUtc:u}, mean {t.MeanWatts:0.#} W, peak {t.PeakWatts:0.#} W.");
                }
                catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException)
                {
                    WriteCoreError(ex, file);
                    continue;
                }
                finally
                {
                    CompleteProgress();
                }
                foreach (var n in skipped) WriteWarning(n.ToString());
                if (empty.Count > 0)
                    WriteWarning($"{System.IO.Path.GetFileName(file)}: {empty.Count} empty reading(s) contributed no sample (line {empty[0].Line}"
                                 + (empty.Count > 1 ? $" and {empty.Count - 1} more" : "") + ").");
                foreach (var t in traces)
                {
                    if (t.Gaps.Count > 0)
                        WriteWarning($"{t.Name}: {t.Gaps.Count} gap(s) without samples, {t.Gaps.TotalSeconds:0.###} s in all (longest {t.Gaps.LongestSeconds:0.###} s); "
                                     + (t.Gaps.Filled ? "filled by linear interpolation (-FillGaps)." : "their bins are NaN; -FillGaps interpolates them."));
                    WriteObject(t);
                }
            }
        }
    }
}
