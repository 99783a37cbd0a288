using System;
using System.Collections.Generic;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Import
{
    /// <summary>Power-log formats <see cref="PowerTraceReader"/> reads.</summary>
    public enum PowerFileFormat
    {
        /// <summary>Detect from the content (see <see cref="PowerTraceReader"/>).</summary>
        Auto,
        /// <summary>nvidia-smi <c>--query-gpu=... --format=csv[,noheader][,nounits]</c>.</summary>
        NvidiaSmi,
        /// <summary>Whole-server readings such as IPMI: <c>timestamp,watts</c>, no header.</summary>
        ServerLog,
        /// <summary>Generic CSV with a header: a time column and one or more watts columns.</summary>
        Csv,
    }

    /// <summary>
    /// Settings for <see cref="PowerTraceReader.Read"/>. Every property has a usable default; set
    /// only what the file cannot tell.
    /// </summary>
    public sealed class PowerImportOptions
    {
        /// <summary>Format; <see cref="PowerFileFormat.Auto"/> detects it from the content.</summary>
        public PowerFileFormat Format { get; set; } = PowerFileFormat.Auto;

        /// <summary>
        /// Column names for a header-less nvidia-smi file, in order (e.g. <c>timestamp, index,
        /// utilization.gpu, power.draw</c>). When null, a header-less 4-field file whose fields look
        /// like timestamp, integer, number, number is read with exactly that list.
        /// </summary>
        public IReadOnlyList<string>? Columns { get; set; }

        /// <summary>GPU indices to keep (nvidia-smi <c>index</c>); null keeps every GPU in the file.</summary>
        public IReadOnlyList<int>? GpuIndex { get; set; }

        /// <summary>
        /// GPUs per tensor-parallel group: the selected GPUs, in index order, are summed in groups of
        /// this size into Node traces. 0 (the default) sums all selected GPUs into one Node trace.
        /// </summary>
        public int GroupSize { get; set; }

        /// <summary>One Gpu-level trace per GPU instead of Node traces.</summary>
        public bool PerGpu { get; set; }

        /// <summary>Bin width, seconds (default 0.25). Must be a whole number of 100 ns ticks.</summary>
        public double BinSeconds { get; set; } = 0.25;

        /// <summary>
        /// A gap is a stretch with no sample longer than this many median sampling intervals (default 3).
        /// </summary>
        public double GapFactor { get; set; } = 3.0;

        /// <summary>Fill gap bins by linear interpolation (explicit opt-in; reported as filled).</summary>
        public bool FillGaps { get; set; }

        /// <summary>
        /// Skip rows that cannot be parsed (wrong field count, bad number or timestamp) instead of
        /// failing; each skipped row is reported through <see cref="Notice"/>. Off by default.
        /// </summary>
        public bool SkipInvalidRows { get; set; }

        /// <summary>
        /// Offset of the clock that wrote timestamps without a zone (UTC = local − offset). Default
        /// zero: such timestamps are read as UTC. Timestamps carrying a zone use their own.
        /// </summary>
        public TimeSpan UtcOffset { get; set; } = TimeSpan.Zero;

        /// <summary>Origin of numeric (seconds) time columns; default the Unix epoch, so Unix times work.</summary>
        public DateTime TimeOrigin { get; set; } = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>Generic CSV: name of the time column; null auto-detects (timestamp, time, time_s, sec, seconds, ...).</summary>
        public string? TimeColumn { get; set; }

        /// <summary>Generic CSV: watts columns (one trace each); nvidia-smi: the power column. Null auto-detects.</summary>
        public IReadOnlyList<string>? WattsColumn { get; set; }

        /// <summary>Level given to generic-CSV traces (default Server; nvidia-smi and server logs set their own).</summary>
        public TraceLevel? Level { get; set; }

        /// <summary>GPU type to record in the metadata, e.g. "RTX A6000".</summary>
        public string? GpuType { get; set; }

        /// <summary>Served model to record in the metadata.</summary>
        public string? ModelName { get; set; }

        /// <summary>Tensor-parallel degree to record; 0 records <see cref="GroupSize"/> for nvidia-smi nodes when one is given, else unknown (0).</summary>
        public int TensorParallel { get; set; }

        /// <summary>Receives ignored columns, skipped rows, empty readings and gaps as they are found.</summary>
        public Action<ImportNotice>? Notice { get; set; }

        /// <summary>Observed every few thousand lines; cancellation throws OperationCanceledException.</summary>
        public System.Threading.CancellationToken CancellationToken { get; set; }

        /// <summary>Receives the fraction of the file read so far (0..1), every few hundred thousand lines.</summary>
        public Action<double>? Progress { get; set; }
    }
}
