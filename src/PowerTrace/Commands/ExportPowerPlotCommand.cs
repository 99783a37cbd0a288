using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Linq;
using PowerTrace.Core.Analysis;
using PowerTrace.Core.Traces;
using PowerTrace.Internal;
using PowerTrace.Reporting.Plots;

namespace PowerTrace.Commands
{
    /// <summary>The kinds of plot Export-PowerPlot draws from traces.</summary>
    public enum PowerPlotKind
    {
        /// <summary>Power over UTC time.</summary>
        Trace,
        /// <summary>Power sorted from highest to lowest against the share of time.</summary>
        LoadDuration,
        /// <summary>Histogram of interval-to-interval power changes.</summary>
        RampHistogram,
        /// <summary>Each level's trace over its mean, with its coefficient of variation.</summary>
        Smoothing,
    }

    /// <summary>
    /// <para type="synopsis">Writes a plot of power traces to a PNG or SVG file.</para>
    /// </summary>
    [Cmdlet(VerbsData.Export, "PowerPlot", DefaultParameterSetName = TracesSet, SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportPowerPlotCommand : PowerTraceCmdlet
    {
        private const string TracesSet = "Traces";
        private const string OversubscriptionSet = "Oversubscription";
        private readonly List<PowerSeries> _traces = new List<PowerSeries>();

        /// <summary>Traces to plot (from the pipeline).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = TracesSet)]
        public PowerSeries[] InputObject { get; set; } = Array.Empty<PowerSeries>();

        /// <summary>An oversubscription result (Measure-Oversubscription) whose peak-versus-count curve to plot.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = OversubscriptionSet)]
        public OversubscriptionResult? Oversubscription { get; set; }

        /// <summary>Kind of plot.</summary>
        [Parameter(ParameterSetName = TracesSet)]
        public PowerPlotKind Kind { get; set; } = PowerPlotKind.Trace;

        /// <summary>Output file (.png or .svg).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = "";

        /// <summary>Width, pixels.</summary>
        [Parameter]
        [ValidateRange(100, 10000)]
        public int Width { get; set; } = 1000;

        /// <summary>Height, pixels.</summary>
        [Parameter]
        [ValidateRange(100, 10000)]
        public int Height { get; set; } = 500;

        /// <summary>Title (default depends on the kind).</summary>
        [Parameter]
        public string? Title { get; set; }

        /// <summary>Interval over which ramps are measured (RampHistogram), seconds.</summary>
        [Parameter(ParameterSetName = TracesSet)]
        [ValidateRange(0.001, 86400.0)]
        public double RampIntervalSeconds { get; set; } = 1.0;

        /// <summary>Overwrite an existing file (without it, an existing file is an error: FileExists).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the file's FileInfo to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var t in InputObject)
                if (t != null) _traces.Add(t);
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == OversubscriptionSet)
            {
                WriteOversubscription();
                return;
            }
            if (_traces.Count == 0)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("No traces were given to plot."), "NoInput", ErrorCategory.InvalidArgument, null));
            string full = CheckedPath();
            if (!ShouldProcess(full, $"Write {Kind} plot of {_traces.Count} trace(s)")) return;
            CheckOverwrite(full);

            var options = new PlotOptions(Width, Height, Title);
            try
            {
                switch (Kind)
                {
                    case PowerPlotKind.Trace: PowerPlots.Trace(_traces, full, options); break;
                    case PowerPlotKind.LoadDuration: PowerPlots.LoadDuration(_traces, full, options); break;
                    case PowerPlotKind.Smoothing: PowerPlots.Smoothing(_traces, full, options); break;
                    case PowerPlotKind.RampHistogram:
                        if (_traces.Count > 1) WriteWarning($"A ramp histogram shows one trace: plotting '{_traces[0].Name}', ignoring {_traces.Count - 1} more.");
                        PowerPlots.RampHistogram(_traces[0], full, RampIntervalSeconds, 60, options);
                        break;
                }
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowCoreError(ex, full);
            }
            WriteVerbose($"Wrote {Kind} plot of {_traces.Count} trace(s) to {full}.");
            if (PassThru) WriteObject(new FileInfo(full));
        }

        private string CheckedPath()
        {
            string full = ResolveOutputPath(Path);
            string ext = System.IO.Path.GetExtension(full).ToLowerInvariant();
            if (ext != ".png" && ext != ".svg")
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Plot file '{Path}' must end in .png or .svg."), "UnsupportedPlotFormat", ErrorCategory.InvalidArgument, Path));
            return full;
        }

        // After ShouldProcess, so -WhatIf only reports.
        private void CheckOverwrite(string full)
        {
            if (!Force && File.Exists(full))
                ThrowTerminatingError(new ErrorRecord(new IOException($"'{full}' exists; use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, full));
        }

        private void WriteOversubscription()
        {
            var r = Oversubscription!;
            string full = CheckedPath();
            if (!ShouldProcess(full, "Write oversubscription plot")) return;
            CheckOverwrite(full);
            try
            {
                PowerPlots.Oversubscription(r.Curve.Select(p => p.Count).ToArray(), r.Curve.Select(p => p.PeakQuantileKW).ToArray(),
                    r.LimitKW, r.UnitsThatFit, r.NameplateCount, r.Quantile, full, new PlotOptions(Width, Height, Title));
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowCoreError(ex, full);
            }
            WriteVerbose($"Wrote oversubscription plot ({r.Curve.Count} counts) to {full}.");
            if (PassThru) WriteObject(new FileInfo(full));
        }
    }
}
