using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// <para type="synopsis">Synthesizes power traces for new traffic on a site: servers, racks, rows, the site and the facility.</para>
    /// <para type="description">Routes a workload (Poisson, diurnal, a rate series or a replayed request log) over a site
    /// layout, runs the power model per server, and sums to the levels asked for, each at its own resolution. The same
    /// -Seed gives bit-identical output on any core count; -ShardIndex/-ShardCount synthesize a slice of the servers whose
    /// outputs Merge-PowerTrace sums exactly into the unsharded result.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "TraceSynthesis", DefaultParameterSetName = RateSet, SupportsShouldProcess = true)]
    [OutputType(typeof(PowerSeries), typeof(SynthesisFileOutput))]
    public sealed class InvokeTraceSynthesisCommand : PowerTraceCmdlet
    {
        private const string RateSet = "Rate";
        private const string DiurnalSet = "Diurnal";
        private const string SeriesSet = "RateSeries";
        private const string ReplaySet = "Replay";

        /// <summary><para type="description">The power model (from New-PowerModel or Import-PowerModel).</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        public IServerPowerModel Model { get; set; } = null!;

        /// <summary><para type="description">Poisson arrivals over the whole site, requests per second.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = RateSet)]
        public double RatePerSecond { get; set; }

        /// <summary><para type="description">A daily cycle between -TroughRatePerSecond and -PeakRatePerSecond, peaking at -PeakHourUtc.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = DiurnalSet)]
        public SwitchParameter Diurnal { get; set; }

        /// <summary><para type="description">Site rate at the peak hour, requests per second.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = DiurnalSet)]
        public double PeakRatePerSecond { get; set; }

        /// <summary><para type="description">Site rate twelve hours from the peak, requests per second.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = DiurnalSet)]
        public double TroughRatePerSecond { get; set; }

        /// <summary><para type="description">UTC hour of the peak (default 14).</para></summary>
        [Parameter(ParameterSetName = DiurnalSet)]
        public double PeakHourUtc { get; set; } = 14;

        /// <summary><para type="description">Site rate per interval, requests per second (repeats when shorter than the horizon).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = SeriesSet)]
        public double[] RateSeries { get; set; } = null!;

        /// <summary><para type="description">Length of each -RateSeries interval (TimeSpan, seconds or '15min'; default 1 h).</para></summary>
        [Parameter(ParameterSetName = SeriesSet)]
        public object RateInterval { get; set; } = 3600.0;

        /// <summary><para type="description">A request log to replay (from Import-RequestTrace).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = ReplaySet, ValueFromPipeline = true)]
        public RequestTrace Requests { get; set; } = null!;

        /// <summary><para type="description">Scale the replay's timing to this mean rate, requests per second.</para></summary>
        [Parameter(ParameterSetName = ReplaySet)]
        public double TargetRatePerSecond { get; set; } = double.NaN;

        /// <summary><para type="description">Play the log once instead of looping it to fill the horizon.</para></summary>
        [Parameter(ParameterSetName = ReplaySet)]
        public SwitchParameter NoLoop { get; set; }

        /// <summary><para type="description">Draw (prompt, output) token pairs from this request log (not with -TokenDistribution).</para></summary>
        [Parameter]
        public RequestTrace? TokenLengths { get; set; }

        /// <summary><para type="description">A named token-length distribution: AzureConversation (default for rates) or AzureCode.</para></summary>
        [Parameter]
        [ValidateSet("AzureConversation", "AzureCode")]
        public string? TokenDistribution { get; set; }

        /// <summary><para type="description">Number of servers (one rack in one row).</para></summary>
        [Parameter]
        public int Servers { get; set; } = -1;

        /// <summary><para type="description">Servers in each rack.</para></summary>
        [Parameter]
        public int ServersPerRack { get; set; } = -1;

        /// <summary><para type="description">Racks in each row.</para></summary>
        [Parameter]
        public int RacksPerRow { get; set; } = -1;

        /// <summary><para type="description">Rows in the site.</para></summary>
        [Parameter]
        public int Rows { get; set; } = -1;

        /// <summary><para type="description">Random (default, as in the published study), RoundRobin or LeastLoaded.</para></summary>
        [Parameter]
        public RouterKind Router { get; set; } = RouterKind.Random;

        /// <summary><para type="description">Non-GPU power per server, watts (default 1000).</para></summary>
        [Parameter]
        public double NonGpuWatts { get; set; } = 1000;

        /// <summary><para type="description">Extra non-GPU watts per GPU watt (default 0: constant non-GPU power).</para></summary>
        [Parameter]
        public double NonGpuShare { get; set; }

        /// <summary><para type="description">Power usage effectiveness for the Facility level (default 1.3).</para></summary>
        [Parameter]
        public double Pue { get; set; } = 1.3;

        /// <summary><para type="description">Levels to output: Node, Server, Rack, Row, Site (default), Facility.</para></summary>
        [Parameter]
        public TraceLevel[] Level { get; set; } = { TraceLevel.Site };

        /// <summary><para type="description">Output resolution: one value for all levels ('250ms', '1m', 60, a TimeSpan), a hashtable
        /// by level (@{ Site = '250ms'; Row = '1m' }), or an array parallel to -Level. Default: the model's bin.</para></summary>
        [Parameter]
        public object? Resolution { get; set; }

        /// <summary><para type="description">Length of the synthesized period (default 1 h).</para></summary>
        [Parameter]
        public TimeSpan Duration { get; set; } = TimeSpan.Zero;

        /// <summary><para type="description">Length of the synthesized period, seconds (alternative to -Duration).</para></summary>
        [Parameter]
        public double HorizonSeconds { get; set; } = double.NaN;

        /// <summary><para type="description">UTC start (default: the replayed log's first arrival, else 2024-01-01T00:00Z).</para></summary>
        [Parameter]
        public DateTime StartUtc { get; set; }

        /// <summary><para type="description">Seconds of traffic simulated before the horizon and dropped, so output starts in
        /// steady state (default 300; 0 turns it off; not used for replay).</para></summary>
        [Parameter]
        [ValidateRange(0.0, 86400.0)]
        public double WarmUpSeconds { get; set; } = 300;

        /// <summary><para type="description">Master seed (default 1).</para></summary>
        [Parameter]
        public ulong Seed { get; set; } = 1;

        /// <summary><para type="description">Zero-based shard to synthesize.</para></summary>
        [Parameter]
        [ShardArgument]
        public int ShardIndex { get; set; }

        /// <summary><para type="description">Number of shards the site is cut into (default 1).</para></summary>
        [Parameter]
        [ShardArgument]
        public int ShardCount { get; set; } = 1;

        /// <summary><para type="description">Stream every level to CSV instead of memory (one file per level when several).</para></summary>
        [Parameter]
        public string? OutFile { get; set; }

        /// <summary><para type="description">Replace existing -OutFile files.</para></summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary><para type="description">Exact (every server bin by bin), Aggregate (central-limit composition for many servers at coarse
        /// bins) or Auto (default: Aggregate for rate workloads with random routing where every trace sums at least 500 servers at
        /// 60 s or coarser, else Exact).</para></summary>
        [Parameter]
        public SynthesisMethod Method { get; set; } = SynthesisMethod.Auto;

        /// <summary><para type="description">Worker threads (default: one per processor). Never changes the result.</para></summary>
        [Parameter]
        public int ThrottleLimit { get; set; }

        protected override void ProcessRecord()
        {
            SynthesisSettings settings;
            try { settings = BuildSettings(); settings.Validate(); }
            catch (PowerTraceException ex) { ThrowCoreError(ex, null); return; }

            if (settings.OutFile != null)
            {
                var paths = settings.OutputFilePaths();
                if (!ShouldProcess(string.Join(", ", paths), "Write synthesized traces")) return;
                if (!Force)
                    foreach (string path in paths)
                        if (File.Exists(path))
                            ThrowTerminatingError(new ErrorRecord(new IOException($"'{path}' exists; use -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, path));
            }

            WriteVerbose($"Layout {settings.Layout} servers; shard {settings.ShardIndex + 1} of {settings.ShardCount}, "
                + $"{settings.HorizonSeconds:0.#} s from {settings.StartUtc:u} (warm-up {(ParameterSetName == ReplaySet ? 0 : settings.WarmUpSeconds):0.#} s), seed {settings.Seed}, router {settings.Router}.");
            WriteVerbose($"Workload: {DescribeWorkload()}; model {Model.BinSeconds} s bins; non-GPU {NonGpuWatts} W + {NonGpuShare} x GPU watts per server; PUE {Pue}.");
            var method = settings.ResolveMethod();
            WriteVerbose($"Method: {method}" + (Method == SynthesisMethod.Auto ? $" (Auto: Aggregate needs a rate workload, random routing, no shards, no Node/Server level, at least {SynthesisSettings.AutoAggregateMinServers} servers per trace and {SynthesisSettings.AutoAggregateMinResolutionSeconds} s bins or coarser)." : "."));
            WriteVerbose("Levels: " + string.Join(", ", settings.Outputs.Select(o => $"{o.Level} at {o.ResolutionSeconds} s")) + (settings.OutFile != null ? $"; streaming to {settings.OutFile}." : "."));
            SynthesisProgress? latest = null;
            var task = Task.Run(() => SynthesisEngine.Run(settings, p => Volatile.Write(ref latest, p), CancellationToken));
            try
            {
                while (!task.Wait(250))
                {
                    var p = Volatile.Read(ref latest);
                    if (p != null) ReportProgress("Invoke-TraceSynthesis", $"{p.Phase}: {p.Done:N0} of {p.Total:N0}", p.Fraction);
                }
            }
            catch (AggregateException) { }
            CompleteProgress();
            if (task.IsCanceled || (task.Exception?.InnerException is OperationCanceledException && CancellationToken.IsCancellationRequested))
                throw new PipelineStoppedException();
            if (task.Exception != null)
            {
                ThrowCoreError(task.Exception.InnerException ?? task.Exception, null);
                return;
            }
            var result = task.Result;
            if (result.Series.Count > 0 && result.Series[0].Metadata.Provenance != null) WriteVerbose("Provenance: " + result.Series[0].Metadata.Provenance + ".");
            if (method == SynthesisMethod.Aggregate)
                WriteVerbose($"Composed the equivalent of {result.ServerBins:N0} server-bins (about {result.RequestCount:N0} requests) by aggregate synthesis in {result.ElapsedSeconds:0.00} s.");
            else
                WriteVerbose($"Synthesized {result.ServerBins:N0} server-bins ({result.RequestCount:N0} requests, servers {result.FirstServer}..{result.EndServer - 1}) in {result.ElapsedSeconds:0.00} s.");
            foreach (var s in result.Series) WriteObject(s);
            foreach (var f in result.Files)
            {
                WriteVerbose($"Wrote {f.Level} ({f.TraceCount} trace(s) x {f.BinCount:N0} rows at {f.ResolutionSeconds} s) to {f.Path} ({f.SizeBytes:N0} bytes).");
                WriteObject(f);
            }
        }

        private string DescribeWorkload()
        {
            string tokens = TokenLengths != null ? $"token lengths from {TokenLengths.Name} ({TokenLengths.Count:N0} pairs)"
                : $"{TokenDistribution ?? (ParameterSetName == ReplaySet ? "the log's" : "AzureConversation")} token lengths";
            switch (ParameterSetName)
            {
                case DiurnalSet: return $"diurnal Poisson {TroughRatePerSecond}..{PeakRatePerSecond} req/s peaking at {PeakHourUtc} h UTC, {tokens}";
                case SeriesSet: return $"Poisson over a {RateSeries.Length}-interval rate series, {tokens}";
                case ReplaySet: return $"replay of {Requests.Name} ({Requests.Count:N0} requests{(double.IsNaN(TargetRatePerSecond) ? "" : $", scaled to {TargetRatePerSecond} req/s")}{(NoLoop ? ", once" : ", looped")}), {tokens}";
                default: return $"Poisson {RatePerSecond} req/s, {tokens}";
            }
        }

        private SynthesisSettings BuildSettings()
        {
            // $env:JOB_COMPLETION_INDEX and friends arrive as strings; unset, they arrive as nothing: say so, never run shard 0.
            if (ShardIndex == ShardArgumentAttribute.Unset || ShardCount == ShardArgumentAttribute.Unset)
                throw new InvalidSettingException("InvalidShard", ShardIndex == ShardArgumentAttribute.Unset ? "ShardIndex" : "ShardCount",
                    $"-{(ShardIndex == ShardArgumentAttribute.Unset ? "ShardIndex" : "ShardCount")} is empty: the environment variable meant to hold it "
                    + "(JOB_COMPLETION_INDEX in a Kubernetes Indexed Job, SLURM_ARRAY_TASK_ID in a Slurm array, a child runbook's parameter) is not set.");
            if (TokenLengths != null && TokenDistribution != null)
                throw new InvalidSettingException("AmbiguousTokenLengths", "TokenLengths", "Give either -TokenLengths (pairs drawn from a request log) or -TokenDistribution (a named distribution), not both.");
            TokenLengthDistribution? tokens = TokenLengths != null ? new EmpiricalTokenLengths(TokenLengths)
                : TokenDistribution != null ? LognormalTokenLengths.FromName(TokenDistribution) : null;
            SynthesisWorkload workload;
            DateTime start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            switch (ParameterSetName)
            {
                case DiurnalSet:
                    workload = SynthesisWorkload.Poisson(new DiurnalRate(PeakRatePerSecond, TroughRatePerSecond, PeakHourUtc), tokens); break;
                case SeriesSet:
                    workload = SynthesisWorkload.Poisson(new RateSeries(RateSeries, ResolutionArgument.Seconds(RateInterval, "RateInterval")), tokens); break;
                case ReplaySet:
                    workload = SynthesisWorkload.FromReplay(new RequestReplay(Requests, double.IsNaN(TargetRatePerSecond) ? (double?)null : TargetRatePerSecond, !NoLoop), tokens);
                    // Horizon second 0 is the first arrival (the alignment Test-PowerModel -Requests scores; see SingleServerReplay).
                    start = SingleServerReplay.HorizonStartUtc(Requests) ?? start;
                    break;
                default:
                    workload = SynthesisWorkload.Poisson(new ConstantRate(RatePerSecond), tokens); break;
            }
            if (MyInvocation.BoundParameters.ContainsKey(nameof(StartUtc))) start = StartUtc;

            bool grid = ServersPerRack >= 0 || RacksPerRow >= 0 || Rows >= 0;
            if (grid && Servers >= 0)
                throw new InvalidSettingException("AmbiguousLayout", "Servers", "Give either -Servers or -ServersPerRack/-RacksPerRow/-Rows, not both.");
            if (!grid && Servers < 0)
                throw new InvalidSettingException("NoServers", "Servers",
                    "No site layout was given: use -Servers N for one rack of N servers, or -ServersPerRack, -RacksPerRow and -Rows for a grid (a missing one counts as 1).");
            SiteLayout layout = grid ? new SiteLayout(ServersPerRack < 0 ? 1 : ServersPerRack, RacksPerRow < 0 ? 1 : RacksPerRow, Rows < 0 ? 1 : Rows)
                : SiteLayout.Flat(Math.Max(0, Servers));

            bool hasDuration = MyInvocation.BoundParameters.ContainsKey(nameof(Duration)), hasSeconds = !double.IsNaN(HorizonSeconds);
            if (hasDuration && hasSeconds)
                throw new InvalidSettingException("AmbiguousHorizon", "Duration", "Give either -Duration or -HorizonSeconds, not both.");
            double horizon = hasDuration ? Duration.TotalSeconds : hasSeconds ? HorizonSeconds : 3600;

            var perLevel = ResolutionArgument.PerLevel(Resolution, Level, Model?.BinSeconds ?? 0.25);
            var outputs = new List<OutputLevel>();
            foreach (var l in Level) outputs.Add(new OutputLevel(l, perLevel[l]));

            return new SynthesisSettings
            {
                Model = Model,
                Workload = workload,
                Layout = layout,
                Router = Router,
                NonGpu = new NonGpuPower(NonGpuWatts, NonGpuShare),
                Pue = Pue,
                HorizonSeconds = horizon,
                StartUtc = start,
                Seed = Seed,
                WarmUpSeconds = WarmUpSeconds,
                ShardIndex = ShardIndex,
                ShardCount = ShardCount,
                Outputs = outputs,
                MaxDegreeOfParallelism = ThrottleLimit,
                Method = Method,
                OutFile = OutFile != null ? ResolveOutFile(OutFile) : null,
            };
        }

        // -OutFile as a file-system path; anything else (another provider's drive, an unknown drive, a malformed
        // path) is InvalidOutFile rather than a provider exception.
        private string ResolveOutFile(string path)
        {
            if (!TryResolveFileSystemPath(path, out string full, out string problem))
                throw new InvalidSettingException("InvalidOutFile", "OutFile", "-OutFile " + problem);
            return full;
        }
    }
}
