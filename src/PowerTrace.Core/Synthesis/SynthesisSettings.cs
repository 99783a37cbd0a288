using System;
using System.Collections.Generic;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Everything one synthesis run needs. <see cref="Validate"/> checks it all before any work starts and
    /// throws <see cref="InvalidSettingException"/> with a stable id (NonPositiveHorizon, NonPositiveRate,
    /// NoServers, ResolutionDoesNotDivideHorizon, ResolutionNotMultipleOfModelBin, ResolutionOutOfRange,
    /// ModelHasNoStates, InvalidModel, InvalidShard, InvalidPue, InvalidNonGpuPower, DuplicateLevel,
    /// NoOutputLevels, OutputTooLarge, ...).
    /// </summary>
    public sealed class SynthesisSettings
    {
        /// <summary>The per-server power model.</summary>
        public IServerPowerModel? Model { get; set; }

        /// <summary>The site's traffic.</summary>
        public SynthesisWorkload? Workload { get; set; }

        /// <summary>Rows, racks, servers.</summary>
        public SiteLayout Layout { get; set; } = SiteLayout.Flat(1);

        /// <summary>How requests are spread over servers (default Random, as in the published study).</summary>
        public RouterKind Router { get; set; } = RouterKind.Random;

        /// <summary>Non-GPU power per server (default constant 1000 W).</summary>
        public NonGpuPower NonGpu { get; set; } = NonGpuPower.Default;

        /// <summary>
        /// Power usage effectiveness for the Facility level (default 1.3). Applied as an integer number of
        /// thousandths (1.3 → 1300/1000), so facility sums stay exact; other values are rounded to 0.001.
        /// </summary>
        public double Pue { get; set; } = 1.3;

        /// <summary>Length of the synthesized period, seconds.</summary>
        public double HorizonSeconds { get; set; } = 3600;

        /// <summary>UTC instant of horizon second 0 (also fixes the hour of day for diurnal rates).</summary>
        public DateTime StartUtc { get; set; } = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>Master seed: every server's random stream derives from it and its index.</summary>
        public ulong Seed { get; set; } = 1;

        /// <summary>Zero-based shard to synthesize (a contiguous slice of servers).</summary>
        public int ShardIndex { get; set; }

        /// <summary>Number of shards the site is cut into (1 = the whole site).</summary>
        public int ShardCount { get; set; } = 1;

        /// <summary>Levels and resolutions to produce (default: Site at 1 s).</summary>
        public IList<OutputLevel> Outputs { get; set; } = new List<OutputLevel> { new OutputLevel(TraceLevel.Site, 1) };

        /// <summary>Worker threads; 0 = one per processor. Never changes the result.</summary>
        public int MaxDegreeOfParallelism { get; set; }

        /// <summary>
        /// When set, every requested level streams to CSV instead of memory: this path for one level,
        /// "&lt;name&gt;.&lt;Level&gt;&lt;ext&gt;" beside it for several.
        /// </summary>
        public string? OutFile { get; set; }

        /// <summary>
        /// The CSV files a run with <see cref="OutFile"/> writes, in <see cref="Outputs"/> order (full paths; empty
        /// without an output file): the file itself for one level, "&lt;name&gt;.&lt;Level&gt;&lt;ext&gt;" beside it for several.
        /// </summary>
        public IReadOnlyList<string> OutputFilePaths()
        {
            if (OutFile == null || Outputs == null) return Array.Empty<string>();
            string full = System.IO.Path.GetFullPath(OutFile);
            if (Outputs.Count == 1) return new[] { full };
            string dir = System.IO.Path.GetDirectoryName(full) ?? ".";
            var paths = new List<string>(Outputs.Count);
            foreach (var o in Outputs)
                paths.Add(System.IO.Path.Combine(dir, System.IO.Path.GetFileNameWithoutExtension(full) + "." + o.Level + System.IO.Path.GetExtension(full)));
            return paths;
        }

        /// <summary>
        /// Seconds of traffic simulated before the horizon and discarded (default 300), so the output
        /// starts in steady state instead of with every server idle and empty. Applies to rate-driven
        /// workloads (Poisson, diurnal, rate series); a replayed trace starts where it starts. Rounded to
        /// whole model bins; 0 turns it off.
        /// </summary>
        public double WarmUpSeconds { get; set; } = 300;

        /// <summary>
        /// Exact (the default here), Aggregate, or Auto (chooses by servers per trace and bin width; see
        /// <see cref="SynthesisMethod"/> and <see cref="ResolveMethod"/>). The method used is recorded in every trace's
        /// <see cref="TraceMetadata.Provenance"/> and in its <see cref="SynthesisOrigin"/>.
        /// </summary>
        public SynthesisMethod Method { get; set; } = SynthesisMethod.Exact;

        /// <summary>Auto picks Aggregate only when every requested trace sums at least this many servers (default 500).</summary>
        public const int AutoAggregateMinServers = 500;

        /// <summary>Auto picks Aggregate only when the finest requested resolution is at least this many seconds (default 60).</summary>
        public const double AutoAggregateMinResolutionSeconds = 60;

        /// <summary>
        /// Longest piece the exact path synthesizes at a time, seconds (default one day). Horizons longer than this are
        /// streamed in pieces so memory does not grow with the horizon: each piece re-runs the last
        /// max(<see cref="WarmUpSeconds"/>, 300 s) of traffic before it (the same requests) to start in the state the
        /// previous piece left. Runs that fit in one piece are unchanged by it. Site-level request sequences (replay,
        /// round-robin, least-loaded) also cut pieces so that one holds about two million requests at most.
        /// </summary>
        public double PieceSeconds { get; set; } = 86400;

        /// <summary>Largest in-memory output allowed, bytes (default 1 GiB); bigger outputs need <see cref="OutFile"/>.</summary>
        public long MaxInMemoryBytes { get; set; } = 1L << 30;

        /// <summary>PUE in thousandths, as applied.</summary>
        public int PueThousandths => (int)Math.Round(Pue * 1000);

        /// <summary>First server (site-wide index) of the shard.</summary>
        public int ShardFirstServer => (int)((long)Layout.ServerCount * ShardIndex / ShardCount);

        /// <summary>One past the last server of the shard.</summary>
        public int ShardEndServer => (int)((long)Layout.ServerCount * (ShardIndex + 1) / ShardCount);

        /// <summary>Checks every setting; throws <see cref="InvalidSettingException"/> on the first problem.</summary>
        public void Validate()
        {
            if (!(HorizonSeconds > 0) || double.IsInfinity(HorizonSeconds))
                throw new InvalidSettingException("NonPositiveHorizon", "Duration", $"The horizon must be a positive number of seconds (got {HorizonSeconds}).");
            if (!(WarmUpSeconds >= 0) || double.IsInfinity(WarmUpSeconds))
                throw new InvalidSettingException("InvalidWarmUp", "WarmUpSeconds", $"The warm-up must be zero or a positive number of seconds (got {WarmUpSeconds}).");
            if (Workload == null) throw new InvalidSettingException("NoWorkload", "Workload", "No workload was given.");
            Workload.Validate();
            if (Layout == null) throw new InvalidSettingException("NoServers", "Servers", "No site layout was given.");
            Layout.Validate();
            if (ShardCount < 1 || ShardIndex < 0 || ShardIndex >= ShardCount)
                throw new InvalidSettingException("InvalidShard", "ShardIndex", $"Shard {ShardIndex} of {ShardCount} does not exist: need 0 <= ShardIndex < ShardCount.");
            if (ShardCount > Layout.ServerCount)
                throw new InvalidSettingException("InvalidShard", "ShardCount", $"{ShardCount} shards for {Layout.ServerCount} servers would leave shards empty.");
            ValidateModel(Model);
            double b = Model!.BinSeconds;
            long nBins = (long)Math.Round(HorizonSeconds / b);
            if (nBins < 1 || Math.Abs(nBins * b - HorizonSeconds) > 1e-9 * Math.Max(1, HorizonSeconds))
                throw new InvalidSettingException("ResolutionDoesNotDivideHorizon", "Duration", $"The model's {b} s bin does not divide the {HorizonSeconds} s horizon.");
            if (nBins > int.MaxValue / 2)
                throw new InvalidSettingException("HorizonTooLong", "Duration", $"{nBins} model bins per server exceed what one run holds; split the horizon.");
            if (Outputs == null || Outputs.Count == 0)
                throw new InvalidSettingException("NoOutputLevels", "Level", "No output level was requested.");
            var seen = new HashSet<TraceLevel>();
            foreach (var o in Outputs)
            {
                if (o.Level < TraceLevel.Node)
                    throw new InvalidSettingException("InvalidLevel", "Level", $"Synthesis produces Node, Server, Rack, Row, Site and Facility traces, not {o.Level}.");
                if (!seen.Add(o.Level))
                    throw new InvalidSettingException("DuplicateLevel", "Level", $"The {o.Level} level was requested twice.");
                double r = o.ResolutionSeconds;
                if (!(r >= OutputLevel.MinResolutionSeconds - 1e-12) || !(r <= OutputLevel.MaxResolutionSeconds + 1e-9))
                    throw new InvalidSettingException("ResolutionOutOfRange", "Resolution", $"The {o.Level} resolution {r} s is outside 0.25 s .. 1 h.");
                long k = (long)Math.Round(r / b);
                if (k < 1 || Math.Abs(k * b - r) > 1e-9 * r)
                    throw new InvalidSettingException("ResolutionNotMultipleOfModelBin", "Resolution", $"The {o.Level} resolution {r} s is not a whole multiple of the model's {b} s bin.");
                if (nBins % k != 0)
                    throw new InvalidSettingException("ResolutionDoesNotDivideHorizon", "Resolution", $"The {o.Level} resolution {r} s does not divide the {HorizonSeconds} s horizon.");
            }
            if (!(Pue >= 1) || Pue > 10)
                throw new InvalidSettingException("InvalidPue", "Pue", $"PUE must be between 1 and 10 (got {Pue}).");
            if (NonGpu == null) throw new InvalidSettingException("InvalidNonGpuPower", "NonGpuWatts", "No non-GPU power was given.");
            NonGpu.Validate();
            if (MaxDegreeOfParallelism < 0)
                throw new InvalidSettingException("InvalidThrottleLimit", "ThrottleLimit", "The thread count must be zero (automatic) or positive.");
            if (!(PieceSeconds > 0) || double.IsInfinity(PieceSeconds))
                throw new InvalidSettingException("InvalidPieceSeconds", "PieceSeconds", $"The piece length must be a positive number of seconds (got {PieceSeconds}).");
            if (Method == SynthesisMethod.Aggregate) ValidateAggregate();
            else if (Method != SynthesisMethod.Exact && Method != SynthesisMethod.Auto)
                throw new InvalidSettingException("InvalidMethod", "Method", $"Unknown synthesis method {Method}.");
            if (OutFile == null)
            {
                long bytes = 0;
                int servers = ShardEndServer - ShardFirstServer;
                foreach (var o in Outputs)
                {
                    long groups = o.Level <= TraceLevel.Server ? servers
                        : o.Level == TraceLevel.Rack ? Math.Min(Layout.RackCount, servers / Layout.ServersPerRack + 2)
                        : o.Level == TraceLevel.Row ? Math.Min(Layout.Rows, servers / (Layout.ServersPerRack * Layout.RacksPerRow) + 2) : 1;
                    bytes += groups * (nBins / (long)Math.Round(o.ResolutionSeconds / b)) * 16;
                }
                if (bytes > MaxInMemoryBytes)
                    throw new InvalidSettingException("OutputTooLarge", "OutFile",
                        $"The requested traces need about {bytes / 1048576} MB in memory (limit {MaxInMemoryBytes / 1048576} MB): stream them to a CSV file with -OutFile, or coarsen -Resolution.");
            }
        }

        // Why Aggregate cannot serve these settings; null when it can.
        internal string? AggregateObstacle(out string errorId, out string parameter)
        {
            errorId = ""; parameter = "Method";
            if (Workload?.Rate == null) { errorId = "AggregateNeedsRateWorkload"; parameter = "Method"; return "Aggregate synthesis composes per-server statistics at a rate: it needs a rate-driven workload (Poisson, diurnal or a rate series), not a replayed log."; }
            if (Router != RouterKind.Random) { errorId = "AggregateNeedsRandomRouting"; parameter = "Router"; return $"Aggregate synthesis assumes servers load independently (random routing), not {Router} routing."; }
            if (ShardCount > 1) { errorId = "AggregateNotSharded"; parameter = "ShardCount"; return "Aggregate synthesis runs a whole site in O(bins) and is not sharded: drop -ShardIndex/-ShardCount or use -Method Exact."; }
            foreach (var o in Outputs)
                if (o.Level == TraceLevel.Node || o.Level == TraceLevel.Server)
                { errorId = "AggregateLevelNotSupported"; parameter = "Level"; return $"Aggregate synthesis produces Rack, Row, Site and Facility traces, not {o.Level} (one server is not a sum of many)."; }
            return null;
        }

        private void ValidateAggregate()
        {
            string? why = AggregateObstacle(out string id, out string parameter);
            if (why != null) throw new InvalidSettingException(id, parameter, why);
        }

        /// <summary>
        /// The method a validated run uses: <see cref="Method"/> unless it is Auto, which picks Aggregate when Aggregate
        /// applies (rate workload, random routing, unsharded, no Node/Server level), every requested trace sums at least
        /// <see cref="AutoAggregateMinServers"/> servers and the finest resolution is at least
        /// <see cref="AutoAggregateMinResolutionSeconds"/>; Exact otherwise.
        /// </summary>
        public SynthesisMethod ResolveMethod()
        {
            if (Method != SynthesisMethod.Auto) return Method;
            if (AggregateObstacle(out _, out _) != null) return SynthesisMethod.Exact;
            int minServers = int.MaxValue;
            double minRes = double.MaxValue;
            foreach (var o in Outputs)
            {
                int n = o.Level == TraceLevel.Rack ? Layout.ServersPerRack
                    : o.Level == TraceLevel.Row ? Layout.ServersPerRack * Layout.RacksPerRow : Layout.ServerCount;
                minServers = Math.Min(minServers, n);
                minRes = Math.Min(minRes, o.ResolutionSeconds);
            }
            return minServers >= AutoAggregateMinServers && minRes >= AutoAggregateMinResolutionSeconds - 1e-9
                ? SynthesisMethod.Aggregate : SynthesisMethod.Exact;
        }

        /// <summary>
        /// Checks a model through the interface: it has states (<see cref="IServerPowerModel.StateCount"/>),
        /// a positive bin and a finite idle power.
        /// </summary>
        public static void ValidateModel(IServerPowerModel? model)
        {
            if (model == null) throw new InvalidSettingException("NoModel", "Model", "No power model was given.");
            if (model.StateCount <= 0)
                throw new InvalidSettingException("ModelHasNoStates", "Model", "The power model has no power states; fit it to measured traces first.");
            if (!(model.BinSeconds > 0) || double.IsInfinity(model.BinSeconds) || double.IsNaN(model.IdleWatts) || double.IsInfinity(model.IdleWatts))
                throw new InvalidSettingException("InvalidModel", "Model", $"The power model's bin ({model.BinSeconds} s) or idle power ({model.IdleWatts} W) is not usable.");
        }
    }
}
