using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Planning;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Internal;
using PowerTrace.Reporting.Reports;

namespace PowerTrace.Commands
{
    /// <summary>
    /// <para type="synopsis">Runs a phased interconnection study: a buildout schedule in, per-year utility figures, a report and an 8760-hour CSV out.</para>
    /// <para type="description">Takes buildout phases (a date and servers or MW, a model per phase), synthesizes each study year's
    /// facility load over several seeds, and writes one InterconnectionStudyYear per year.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.New, "InterconnectionStudy", SupportsShouldProcess = true, DefaultParameterSetName = DefaultSet)]
    [OutputType(typeof(InterconnectionStudyYear))]
    public sealed class NewInterconnectionStudyCommand : PowerTraceCmdlet
    {
        private const string DefaultSet = "Default";
        private readonly List<object> _phases = new List<object>();

        /// <summary><para type="description">Buildout phases: hashtables (Date, Servers or MW, Model, Gpu, Name) or BuildoutPhase objects, in date order; also from the pipeline.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public object[] Phase { get; set; } = null!;

        /// <summary><para type="description">Model for phases that name none: a power model object or a reference-model name (default H100-TP4-70B).</para></summary>
        [Parameter]
        public object? Model { get; set; }

        /// <summary><para type="description">First calendar year studied (default: the first phase's year).</para></summary>
        [Parameter]
        public int FirstYear { get; set; }

        /// <summary><para type="description">Number of calendar years studied (default: through the last phase's year plus one year at full build).</para></summary>
        [Parameter]
        public int Years { get; set; }

        /// <summary><para type="description">Per-server requests per second at the daily peak in the first year (default 0.375).</para></summary>
        [Parameter]
        public double PeakRatePerServer { get; set; } = 0.375;

        /// <summary><para type="description">Per-server requests per second at the daily trough in the first year (default 0.11).</para></summary>
        [Parameter]
        public double TroughRatePerServer { get; set; } = 0.11;

        /// <summary><para type="description">UTC hour of the daily peak (default 14).</para></summary>
        [Parameter]
        public double PeakHourUtc { get; set; } = 14;

        /// <summary><para type="description">Yearly growth of per-server traffic as a fraction (0.1 = +10 % a year; default 0).</para></summary>
        [Parameter]
        public double TrafficGrowthPerYear { get; set; }

        /// <summary><para type="description">Token lengths: AzureConversation (default) or AzureCode.</para></summary>
        [Parameter]
        [ValidateSet("AzureConversation", "AzureCode")]
        public string TokenDistribution { get; set; } = "AzureConversation";

        /// <summary><para type="description">Non-GPU power per server, watts (default 1000).</para></summary>
        [Parameter]
        public double NonGpuWatts { get; set; } = 1000;

        /// <summary><para type="description">Power usage effectiveness (default 1.3).</para></summary>
        [Parameter]
        public double Pue { get; set; } = 1.3;

        /// <summary><para type="description">Resolution the facility is synthesized at (default 1 min); must divide 15 minutes and the year.</para></summary>
        [Parameter]
        public object? Resolution { get; set; }

        /// <summary><para type="description">Seeds per year (default 5); P50 and P90 are taken across them.</para></summary>
        [Parameter]
        public int SeedCount { get; set; } = 5;

        /// <summary><para type="description">First seed (default 1).</para></summary>
        [Parameter]
        public ulong Seed { get; set; } = 1;

        /// <summary><para type="description">Aggregate (default), Exact or Auto, as in Invoke-TraceSynthesis -Method.</para></summary>
        [Parameter]
        public SynthesisMethod Method { get; set; } = SynthesisMethod.Aggregate;

        /// <summary><para type="description">Write the report here (.md or .html; several paths for several formats) with its PNG plots beside it.</para></summary>
        [Parameter]
        public string[]? ReportPath { get; set; }

        /// <summary><para type="description">Write the utility-layout CSV here (Month, Day, HourUtc, one MW column per year).</para></summary>
        [Parameter]
        public string? CsvPath { get; set; }

        /// <summary><para type="description">Replace existing -ReportPath or -CsvPath files.</para></summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary><para type="description">Worker threads (default: one per processor). Never changes the result.</para></summary>
        [Parameter]
        public int ThrottleLimit { get; set; }

        protected override void ProcessRecord()
        {
            if (Phase != null) _phases.AddRange(Phase.Where(p => p != null));
        }

        protected override void EndProcessing()
        {
            InterconnectionStudySettings settings;
            var reports = new List<string>();
            string? csv = null;
            try
            {
                settings = BuildSettings();
                settings.Validate();
            }
            catch (PowerTraceException ex) { ThrowCoreError(ex, null); return; }
            if (ReportPath != null) foreach (var rp in ReportPath) reports.Add(ResolveOutputPath(rp));
            if (CsvPath != null) csv = ResolveOutputPath(CsvPath);
            var targets = reports.Concat(csv != null ? new[] { csv } : Array.Empty<string>()).ToList();
            if (targets.Count > 0)
            {
                if (!ShouldProcess(string.Join(", ", targets), "Write interconnection study report and CSV")) return;
                if (!Force)
                    foreach (var path in targets)
                        if (File.Exists(path))
                            ThrowTerminatingError(new ErrorRecord(new IOException($"'{path}' exists; use -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, path));
            }
            WriteVerbose($"Buildout: {string.Join("; ", settings.Phases.Select((p, i) => $"{p.Name ?? "phase " + (i + 1)} from {p.StartUtc:yyyy-MM-dd}, {settings.ServersOf(i):N0} servers, {p.Model}"))}.");
            WriteVerbose($"Years {settings.StudyFirstYear}..{settings.StudyFirstYear + settings.StudyYears - 1}, {settings.SeedCount} seed(s) from {settings.Seed}, {settings.ResolutionSeconds} s resolution, method {settings.Method}.");

            string? status = null; double fraction = 0;
            var task = Task.Run(() => InterconnectionStudy.Run(settings, (s, f) => { Volatile.Write(ref status, s); Volatile.Write(ref fraction, f); }, CancellationToken));
            try
            {
                while (!task.Wait(250))
                {
                    var s = Volatile.Read(ref status);
                    if (s != null) ReportProgress("New-InterconnectionStudy", s, Volatile.Read(ref fraction));
                }
            }
            catch (AggregateException) { }
            CompleteProgress();
            if (task.IsCanceled || (task.Exception?.InnerException is OperationCanceledException && CancellationToken.IsCancellationRequested))
                throw new PipelineStoppedException();
            if (task.Exception != null) { ThrowCoreError(task.Exception.InnerException ?? task.Exception, null); return; }
            var result = task.Result;
            WriteVerbose($"Studied {result.Years.Count} year(s) in {result.ElapsedSeconds:0.0} s.");
            try
            {
                if (csv != null)
                {
                    InterconnectionStudy.WriteUtilityCsv(result, csv);
                    WriteVerbose($"Wrote the utility CSV to {csv}.");
                }
                foreach (var report in reports)
                {
                    var files = InterconnectionReport.Write(result, report);
                    WriteVerbose($"Wrote the report and {files.Count - 1} plot(s): {string.Join(", ", files)}.");
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException) { ThrowCoreError(ex, reports.Count > 0 ? reports[0] : csv); return; }
            foreach (var y in result.Years) WriteObject(y);
        }

        private InterconnectionStudySettings BuildSettings()
        {
            var defaultModel = ResolveModel(Model, "Model") ?? ReferenceModels.Get("H100-TP4-70B");
            var phases = new List<BuildoutPhase>();
            int i = 0;
            foreach (var raw in _phases)
            {
                i++;
                object o = raw is PSObject ps ? ps.BaseObject : raw;
                if (o is BuildoutPhase bp) { phases.Add(bp); continue; }
                if (!(o is IDictionary h))
                    throw new InvalidSettingException("InvalidPhase", "Phase", $"Phase {i} is a {o.GetType().Name}: give a hashtable (@{{ Date = '2026-01-01'; Servers = 1000; Model = 'H100-TP4-70B' }}) or a BuildoutPhase.");
                var keys = h.Keys.Cast<object>().Select(k => k.ToString() ?? "").ToList();
                var known = new[] { "Date", "StartUtc", "Servers", "MW", "Model", "Gpu", "Name" };
                var unknown = keys.Where(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
                if (unknown.Count > 0)
                    throw new InvalidSettingException("InvalidPhase", "Phase", $"Phase {i} has unknown key(s) {string.Join(", ", unknown)}: use Date, Servers or MW, Model, Gpu, Name.");
                object? Get(string k) { foreach (DictionaryEntry e in h) if (string.Equals(e.Key?.ToString(), k, StringComparison.OrdinalIgnoreCase)) return e.Value is PSObject p2 ? p2.BaseObject : e.Value; return null; }
                object? date = Get("Date") ?? Get("StartUtc");
                DateTime start;
                if (date is DateTime dt) start = dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime();
                else if (date != null && DateTime.TryParse(date.ToString(), System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)) start = parsed;
                else throw new InvalidSettingException("InvalidPhase", "Phase", $"Phase {i} needs a Date (e.g. '2026-01-01'); got '{date}'.");
                int servers = 0; double mw = double.NaN;
                var sv = Get("Servers"); var mv = Get("MW");
                try
                {
                    if (sv != null) servers = Convert.ToInt32(sv, System.Globalization.CultureInfo.InvariantCulture);
                    if (mv != null) mw = Convert.ToDouble(mv, System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is OverflowException)
                { throw new InvalidSettingException("InvalidPhase", "Phase", $"Phase {i}: Servers must be a whole number and MW a number ({ex.Message})."); }
                if (sv != null && mv != null && servers != 0 && !double.IsNaN(mw))
                    throw new InvalidSettingException("PhaseServersAndMW", "Phase", $"Phase {i} gives both Servers and MW: give one.");
                var model = ResolveModel(Get("Model"), "Phase") ?? defaultModel;
                phases.Add(new BuildoutPhase(start, model, servers, mw, Get("Name")?.ToString(), Get("Gpu")?.ToString()));
            }
            var s = new InterconnectionStudySettings
            {
                Phases = phases,
                FirstYear = MyInvocation.BoundParameters.ContainsKey(nameof(FirstYear)) ? FirstYear : (int?)null,
                Years = MyInvocation.BoundParameters.ContainsKey(nameof(Years)) ? Years : (int?)null,
                PeakRatePerServer = PeakRatePerServer,
                TroughRatePerServer = TroughRatePerServer,
                PeakHourUtc = PeakHourUtc,
                TrafficGrowthPerYear = TrafficGrowthPerYear,
                TokenLengths = LognormalTokenLengths.FromName(TokenDistribution) ?? LognormalTokenLengths.AzureConversation,
                NonGpuWatts = NonGpuWatts,
                Pue = Pue,
                SeedCount = SeedCount,
                Seed = Seed,
                Method = Method,
                MaxDegreeOfParallelism = ThrottleLimit,
            };
            if (Resolution != null) s.ResolutionSeconds = ResolutionArgument.Seconds(Resolution, "Resolution");
            return s;
        }

        private static IServerPowerModel? ResolveModel(object? value, string parameter)
        {
            if (value == null) return null;
            object o = value is PSObject ps ? ps.BaseObject : value;
            if (o is IServerPowerModel m) return m;
            if (o is string name) return ReferenceModels.Get(name);
            throw new InvalidSettingException("NoModel", parameter, $"A model must be a power model object (Get-PowerModel, Import-PowerModel, New-PowerModel) or a reference-model name, not a {o.GetType().Name}.");
        }
    }
}
