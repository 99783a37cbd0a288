using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using PowerTrace.Core.Analysis;
using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using PowerTrace.Internal;
using PowerTrace.Reporting.Reports;

namespace PowerTrace.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes a site-study report (Markdown or HTML) with load-profile and oversubscription tables, plots, the model's provenance and the assumptions.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "PowerReport", DefaultParameterSetName = DefaultSet, SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class NewPowerReportCommand : PowerTraceCmdlet
    {
        private const string DefaultSet = "Default";
        private readonly List<PowerSeries> _traces = new List<PowerSeries>();
        private readonly List<LoadProfile> _profiles = new List<LoadProfile>();
        private readonly List<OversubscriptionResult> _oversubscriptions = new List<OversubscriptionResult>();
        private readonly List<PowerCapResult> _caps = new List<PowerCapResult>();
        private PowerModel? _model;

        /// <summary>Study results from the pipeline: traces, load profiles, oversubscription results, a power model.</summary>
        [Parameter(ValueFromPipeline = true)]
        public object[] InputObject { get; set; } = Array.Empty<object>();

        /// <summary>Report file; the extension (.md or .html) chooses the format unless -Format is given.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = "";

        /// <summary>Markdown or Html; by default from the extension.</summary>
        [Parameter]
        public ReportFormat? Format { get; set; }

        /// <summary>Report title.</summary>
        [Parameter]
        public string Title { get; set; } = "Site power study";

        /// <summary>The power model whose provenance the report shows.</summary>
        [Parameter]
        public PowerModel? Model { get; set; }

        /// <summary>Assumptions shown as a table (use an ordered hashtable to keep their order).</summary>
        [Parameter]
        public IDictionary? Assumptions { get; set; }

        /// <summary>
        /// Further tables: an ordered hashtable of caption to rows (objects whose properties become the
        /// columns, e.g. [pscustomobject]s or Select-Object output).
        /// </summary>
        [Parameter]
        public IDictionary? Table { get; set; }

        /// <summary>Overwrite an existing report (without it, an existing report is an error: FileExists).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Write the report's FileInfo to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (object o in InputObject)
            {
                object item = o is PSObject ps ? ps.BaseObject : o;
                switch (item)
                {
                    case null: break;
                    case PowerSeries t: _traces.Add(t); break;
                    case LoadProfile lp: _profiles.Add(lp); break;
                    case OversubscriptionResult r: _oversubscriptions.Add(r); break;
                    case PowerCapResult c: _caps.Add(c); break;
                    case PowerModel m: _model = m; break;
                    default:
                        WriteError(new ErrorRecord(new ArgumentException($"A report takes power traces, load profiles, oversubscription results, power-cap results and a power model, not {item.GetType().FullName}."),
                            "UnsupportedReportInput", ErrorCategory.InvalidArgument, item));
                        break;
                }
            }
        }

        protected override void EndProcessing()
        {
            string full = ResolveOutputPath(Path);
            string ext = System.IO.Path.GetExtension(full).ToLowerInvariant();
            ReportFormat format;
            if (Format.HasValue) format = Format.Value;
            else if (ext == ".md" || ext == ".markdown") format = ReportFormat.Markdown;
            else if (ext == ".html" || ext == ".htm") format = ReportFormat.Html;
            else
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Cannot tell the report format from '{Path}': use .md or .html, or give -Format."), "UnsupportedReportFormat", ErrorCategory.InvalidArgument, Path));
                return;
            }
            if (_traces.Count == 0 && _profiles.Count == 0 && _oversubscriptions.Count == 0 && _caps.Count == 0)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Nothing to report: pipe traces, load profiles or oversubscription results."), "NoInput", ErrorCategory.InvalidArgument, null));

            var assumptions = new List<KeyValuePair<string, string>>();
            if (Assumptions != null)
                foreach (DictionaryEntry e in Assumptions)
                    assumptions.Add(new KeyValuePair<string, string>(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "",
                        FormatValue(e.Value)));
            var tables = new List<ReportTable>();
            if (Table != null)
                foreach (DictionaryEntry e in Table)
                    tables.Add(ToTable(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "", e.Value));
            var input = new SiteStudyInput(Title, _traces, _profiles, _oversubscriptions, Model ?? _model, assumptions, _caps, tables);
            if (!ShouldProcess(full, $"Write {format} report with {_profiles.Count} load profile(s), {_oversubscriptions.Count} oversubscription result(s) and plots of {_traces.Count} trace(s)"))
                return;
            if (!Force && File.Exists(full))
                ThrowTerminatingError(new ErrorRecord(new IOException($"'{full}' exists; use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, full));
            try
            {
                var plots = SiteStudyReport.Write(input, full, format);
                foreach (var p in plots) WriteVerbose($"Wrote plot {p}.");
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                ThrowCoreError(ex, full);
            }
            WriteVerbose($"Wrote {format} report {full}.");
            if (PassThru) WriteObject(new FileInfo(full));
        }

        private static ReportTable ToTable(string caption, object? value)
        {
            var rows = new List<PSObject>();
            object? v = value is PSObject p0 ? p0.BaseObject : value;
            if (v is IEnumerable en && !(v is string)) { foreach (var o in en) if (o != null) rows.Add(PSObject.AsPSObject(o)); }
            else if (value != null) rows.Add(PSObject.AsPSObject(value));
            var headers = new List<string>();
            if (rows.Count > 0)
                foreach (var prop in rows[0].Properties)
                    if (prop.IsGettable) headers.Add(prop.Name);
            var cells = new List<IReadOnlyList<string>>();
            foreach (var r in rows)
            {
                var line = new string[headers.Count];
                for (int i = 0; i < headers.Count; i++) line[i] = FormatValue(r.Properties[headers[i]]?.Value);
                cells.Add(line);
            }
            return new ReportTable(headers, cells, caption);
        }

        private static string FormatValue(object? v)
        {
            object? x = v is PSObject ps ? ps.BaseObject : v;
            switch (x)
            {
                case null: return "";
                case double d: return d.ToString("G6", CultureInfo.InvariantCulture);
                case float f: return f.ToString("G6", CultureInfo.InvariantCulture);
                case IFormattable fm: return fm.ToString(null, CultureInfo.InvariantCulture);
                case IEnumerable en when !(x is string):
                    var parts = new List<string>();
                    foreach (var i in en) parts.Add(FormatValue(i));
                    return string.Join(", ", parts);
                default: return x.ToString() ?? "";
            }
        }
    }
}
