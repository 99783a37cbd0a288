@{
    Synopsis    = 'Synthesizes power traces for new traffic on a site: GPU nodes, servers, racks, rows, the site and the facility, each at its own resolution.'
    Description = @'
Invoke-TraceSynthesis turns a workload into power. It draws the site's requests (Poisson arrivals at a constant rate, a daily cycle or a rate series, or a replayed request log), routes them over the servers of a site layout (-Router), runs the power model once per server at the model's bin width, adds the non-GPU power of each server, and sums servers into racks, rows, the site and the facility (site x PUE). Each level in -Level is written at its own -Resolution as mean watts per bin, one PowerSeries per node, server, rack or row and one for the site or facility, all starting at -StartUtc.

Workloads (parameter sets): -RatePerSecond (default set) for constant Poisson traffic; -Diurnal with -PeakRatePerSecond, -TroughRatePerSecond and -PeakHourUtc for a cosine daily cycle (the UTC hour of day comes from -StartUtc); -RateSeries with -RateInterval for a piecewise-constant rate; -Requests (or a request log piped in) to replay a log, optionally scaled to -TargetRatePerSecond and looped to fill the horizon unless -NoLoop. Rates are for the whole site. Token lengths come from the Azure 2023 conversation distribution unless -TokenDistribution or -TokenLengths says otherwise (one of them, not both: AmbiguousTokenLengths); a replay keeps the logged lengths unless one of them is given.

Site layout: -Servers N is one rack of N servers in one row; -ServersPerRack, -RacksPerRow and -Rows describe a grid (a missing one counts as 1). Servers are numbered row by row, rack by rack; racks are numbered across the whole site. One of the two forms is required: without either, NoServers says how to give one.

Determinism and sharding: server i draws its power (and, for Poisson traffic with random routing, its own arrivals at rate/N) from the random stream (-Seed, i), and every level is an exact integer sum of whole milliwatts, so the same -Seed gives bit-identical traces on any machine and any -ThrottleLimit. -ShardIndex k of -ShardCount K synthesizes the contiguous slice of servers floor(N k / K) to floor(N (k+1) / K) - 1, with the same per-server streams and routing as the whole run; its rack, row, site and facility traces are the partial sums over its servers (a rack cut by the slice appears in both shards). Merge-PowerTrace adds these integer sums back, so the merged shards equal the unsharded run bit for bit; each returned trace carries its seed, shard, model bin and settings, so the merge needs no parameters and warns about duplicate, mismatched or missing shards. Shards can run in parallel runspaces, processes or machines.

Large outputs: in-memory traces are limited to about 1 GiB (OutputTooLarge); -OutFile streams every level to CSV instead, with bounded memory.
'@
    Parameters  = @{
        WarmUpSeconds       = 'Seconds of traffic simulated before the horizon and then dropped (default 300, up to 86400; 0 turns it off), so the output starts in steady state rather than with every server idle and empty: without it the first minutes show a start-up ramp that would distort peaks and ramp rates. Rate-driven workloads only (-RatePerSecond, -Diurnal, -RateSeries); a replayed trace starts where it starts. Rounded to whole model bins.'
        Model               = 'The power model (from New-PowerModel or Import-PowerModel). Its BinSeconds is the synthesis step and the finest resolution.'
        RatePerSecond       = 'Rate set (default): constant Poisson traffic over the whole site, requests per second. Must be positive (NonPositiveRate).'
        Diurnal             = 'Diurnal set: a daily cycle, rate(t) = trough + (peak - trough) (1 + cos(2 pi (h - PeakHourUtc) / 24)) / 2, where h is the UTC hour of day at time t.'
        PeakRatePerSecond   = 'Diurnal set: site rate at the peak hour, requests per second (positive).'
        TroughRatePerSecond = 'Diurnal set: site rate twelve hours from the peak, requests per second (zero or positive).'
        PeakHourUtc         = 'Diurnal set: UTC hour of day of the peak, 0 to 24, fractions allowed (default 14).'
        RateSeries          = 'RateSeries set: the site rate in each successive interval of -RateInterval, requests per second, piecewise constant from horizon second 0; repeated from the start when the horizon is longer. Zero or positive, and not all zero.'
        RateInterval        = 'RateSeries set: length of each interval: a TimeSpan, a number of seconds (any numeric type: 900, 900s, 900l), or a string such as ''15min'' or ''1h'' (default 1 hour).'
        Requests            = 'Replay set: a request log (from Import-RequestTrace) to replay as the site''s traffic; also bound from the pipeline. Its first arrival becomes horizon second 0, and the default -StartUtc when the log has UTC times. Each piped log is a separate synthesis.'
        TargetRatePerSecond = 'Replay set: scale the log''s inter-arrival times so that its mean rate becomes this many requests per second; the shape of the traffic is kept. Default: the log''s own timing.'
        NoLoop              = 'Replay set: play the log once. By default a log shorter than the horizon repeats, each copy starting one mean inter-arrival gap after the previous copy''s last request. Test-PowerModel -Requests scores exactly the synthesis of -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 against the measured trace from the bin of the first arrival on.'
        TokenLengths        = 'A request log whose (prompt, output) token pairs are resampled, one logged pair per synthesized request, keeping their correlation. Not with -TokenDistribution (AmbiguousTokenLengths).'
        TokenDistribution   = 'A named lognormal token-length distribution fitted to the Azure 2023 traces: AzureConversation (medians 1020 prompt / 129 output tokens; the default for rate workloads) or AzureCode (1469 / 13).'
        Servers             = 'Number of servers, all in one rack in one row. Give either -Servers or the grid parameters (AmbiguousLayout); one of them is required (NoServers, whose message names both forms).'
        ServersPerRack      = 'Grid layout: servers in each rack (default 1 when another grid parameter is given).'
        RacksPerRow         = 'Grid layout: racks in each row (default 1 when another grid parameter is given).'
        Rows                = 'Grid layout: rows in the site (default 1 when another grid parameter is given).'
        Router              = 'How requests are spread over servers: Random (default, as in the published study: each request to a uniformly random server), RoundRobin (request j to server j mod N) or LeastLoaded (to the server whose estimated backlog ends first; a heuristic from the model''s prefill and decode rates).'
        NonGpuWatts         = 'Constant non-GPU power per server (CPUs, memory, fans, NICs), watts, 0 to 1,000,000 (default 1000, as in the published study).'
        NonGpuShare         = 'Extra non-GPU watts per GPU watt, zero or positive (default 0: constant non-GPU power). 0.1 adds 10 % of the GPU power, e.g. for fans that follow the GPUs.'
        Pue                 = 'Power usage effectiveness for the Facility level, 1 to 10 (default 1.3), applied in thousandths (rounded to 0.001) so facility sums stay exact.'
        Level               = 'Levels to output (default Site): Node (the GPUs of one server), Server (node + non-GPU power), Rack, Row, Site (the IT load) and Facility (site x PUE). Each level once (DuplicateLevel).'
        Resolution          = 'Output bin width: one value for every level, an array parallel to -Level, or a hashtable by level (@{ Site = ''250ms''; Row = ''1m'' }; levels it leaves out get the model''s bin). A value is a TimeSpan, a number of seconds of any numeric type, or a string: ''250ms'', ''0.25s'', ''1s'', ''1m'' or ''1min'' (minutes), ''1h'', ''00:15:00''. Unquoted, PowerShell reads 1s as the Int16 1 and 1l, 1u or 1d as other number types: all are seconds, so -Resolution 1s means one second. Unquoted 250ms, 1m, 15min and 1h arrive as strings and work too; beware 1d, which is the decimal 1 (one second), not a day. Each resolution must be 0.25 s to 1 h, a whole multiple of the model''s bin and divide the horizon. Default: the model''s bin.'
        Duration            = 'Length of the synthesized period, a TimeSpan (default 1 hour), e.g. 01:00:00 or 1.00:00:00 for a day. The model''s bin must divide it.'
        HorizonSeconds      = 'Length of the synthesized period in seconds, instead of -Duration (not both: AmbiguousHorizon).'
        StartUtc            = 'UTC time of the first bin (default: the replayed log''s first arrival, else 2024-01-01T00:00:00Z). It also sets the hour of day for -Diurnal. A local time is converted to UTC; an unspecified kind is taken as UTC.'
        Seed                = 'Master seed (default 1). Every server''s random stream derives from it and the server''s index, so the same seed gives the same traces on any thread count and shard split.'
        ShardIndex          = 'Zero-based shard to synthesize (default 0), below -ShardCount. Takes job-engine environment values as they are, strings of integers included: -ShardIndex $env:JOB_COMPLETION_INDEX (Kubernetes Indexed Job), $env:SLURM_ARRAY_TASK_ID (Slurm array run as --array=0-N). An unset or empty variable is InvalidShard, never shard 0.'
        ShardCount          = 'Number of contiguous slices the servers are cut into (default 1: the whole site); at most the number of servers. Run every shard with the same other parameters and merge the outputs with Merge-PowerTrace (objects from the pipeline, or the -OutFile files with -Path). Strings of integers are taken as they are (-ShardCount $env:SLURM_ARRAY_TASK_COUNT).'
        OutFile             = 'Stream the traces to CSV instead of memory: this file for one level, "<name>.<Level><extension>" beside it for several (e.g. site.csv gives site.Site.csv and site.Facility.csv). Columns: TimestampUtc (bin start, ISO 8601) and one column of watts per trace, each value in shortest round-trip form (it parses back to the exact double). Beside each CSV a sidecar, <file>.powertrace.json, records the seed, shard, settings, levels, resolutions, units, start, columns and the CSV''s SHA-256, so shard files from separate processes or machines merge exactly with Merge-PowerTrace -Path. An existing file is kept (FileExists, before any work) unless -Force is given; honours -WhatIf (nothing is synthesized or written) and -Confirm. Writes a file-information object (Path, Level, ResolutionSeconds, TraceCount, BinCount, StartUtc, SizeBytes) per file.'
        Force               = 'Replace existing -OutFile files. Without it, any existing output file stops the command with FileExists before any work.'
        ThrottleLimit       = 'Worker threads (default 0: one per processor). Never changes the result.'
    }
    Inputs      = @('PowerTrace.Core.Workload.RequestTrace')
    Examples    = @(
        @{
            Code    = "`$model = Import-PowerModel ./a6000-tp1.json`n`$traces = Invoke-TraceSynthesis -Model `$model -RatePerSecond 20 -ServersPerRack 8 -RacksPerRow 4 -Rows 2 -Level Server, Rack, Row, Site, Facility -Resolution @{ Server = '1s'; Rack = '1s'; Row = '1m'; Site = '250ms'; Facility = '15min' } -Verbose`n`$traces | Group-Object Level"
            Remarks = 'One hour of Poisson traffic at 20 requests per second on 64 servers in 2 rows of 4 racks of 8: 64 server and 8 rack traces at 1 s, 2 row traces at 1 min, the site at 250 ms and the facility at 15 min. -Verbose reports the server-bins, requests and time taken.'
        }
        @{
            Code    = "`$day = Invoke-TraceSynthesis -Model `$model -Diurnal -PeakRatePerSecond 40 -TroughRatePerSecond 8 -Servers 64 -Level Site, Facility -Resolution '1m', '15min' -Duration 1.00:00:00 -Pue 1.2 -OutFile ./day.csv"
            Remarks = 'A day with traffic peaking at 14:00 UTC, written to day.Site.csv (1-minute bins) and day.Facility.csv (15-minute bins) instead of memory; returns one object per file.'
        }
        @{
            Code    = "`$log = Import-RequestTrace ../shared/data/azure-llm-2023/AzureLLMInferenceTrace_conv.csv`n`$log | Invoke-TraceSynthesis -Model `$model -Servers 32 -TargetRatePerSecond 10 -Level Server, Site -Resolution 1 -Duration 02:00:00"
            Remarks = 'Replays the Azure conversation trace (19,366 requests in about an hour) sped up to 10 requests per second and looped over two hours, starting at the log''s first arrival.'
        }
        @{
            Code    = "`$shards = 0..3 | ForEach-Object -Parallel {`n    Import-Module PowerTrace`n    Invoke-TraceSynthesis -Model `$using:model -RatePerSecond 20 -ServersPerRack 8 -RacksPerRow 4 -Rows 2 -Level Rack, Site, Facility -Seed 7 -ShardIndex `$_ -ShardCount 4`n}`n`$site = `$shards | Merge-PowerTrace"
            Remarks = 'Synthesizes the site in four shards in parallel runspaces and sums them: the merged traces are bit-identical to one unsharded run with -Seed 7.'
        }
        @{
            Code    = "Invoke-TraceSynthesis -Model (Get-PowerModel -Name H100-TP4-70B) -RateSeries 5, 10, 20, 10 -RateInterval '15min' -Servers 16 -TokenDistribution AzureCode -Router LeastLoaded -NonGpuWatts 400 -NonGpuShare 0.1 -Level Node, Server -Resolution '1s'"
            Remarks = 'With a built-in reference model (Get-PowerModel is planned; any model works the same): an hour of code-completion traffic stepping through 5, 10, 20 and 10 requests per second, routed to the least-loaded server, with 400 W plus 10 % of GPU power per server besides the GPUs.'
        }
    )
    Notes       = @'
Error ids: NoServers, AmbiguousLayout, AmbiguousTokenLengths, TooManyServers, AmbiguousHorizon, NonPositiveHorizon, HorizonTooLong, NonPositiveRate, InvalidPeakHour, EmptyRequestTrace, EmptyTokenLengths, InvalidShard, ModelHasNoStates, InvalidModel, InvalidLevel, DuplicateLevel, NoOutputLevels, InvalidResolution, ResolutionOutOfRange, ResolutionNotMultipleOfModelBin, ResolutionDoesNotDivideHorizon, InvalidPue, InvalidNonGpuPower, InvalidThrottleLimit, OutputTooLarge, InvalidOutFile (-OutFile not a file-system path: another provider's drive, an unknown drive or a malformed path); ModelProducedNaN (the power model returned NaN watts, naming the server: a broken model, reported instead of corrupting the sums); FileExists (an -OutFile file exists and -Force was not given), IOError or AccessDenied for -OutFile. All settings are checked before any work starts. Ctrl+C stops the run promptly.

Units: watts (mean power over each output bin), seconds, UTC times. Each server's GPU power is quantized once per model bin to whole milliwatts; the error is at most about 0.5 mW per server and bin. GPU power is clamped to 0 .. 1 MW and non-GPU power to 1 MW per server and bin. The facility is the site's milliwatt sum times the PUE in thousandths, computed without overflow at any site size.

Names and positions: traces are named "node 3", "server 3", "rack 1", "row 0", "site" and "facility", with their row, rack and server in Position, and GpuCount in Metadata (the model's GPUs times the servers in the group).

Memory: with Poisson traffic and random routing each server draws its own arrivals, so memory does not grow with the number of requests; a replay, round-robin or least-loaded routing builds the site's whole request sequence in every shard. In-memory output needs 16 bytes per trace bin; CSV output keeps its sums in a temporary spill file beside the output.

Sharding: shards must use the same model, workload, layout, seed, levels and resolutions and differ only in -ShardIndex. Merge shards from memory (pipeline) or from their -OutFile files with Merge-PowerTrace -Path: either way the result is bit-identical to the unsharded run. See about_PowerTrace (RUNNING SHARDS ON JOB ENGINES) for Kubernetes, Slurm and Azure Automation.
'@
    Links       = @('Merge-PowerTrace', 'New-PowerModel', 'Import-PowerModel', 'Import-RequestTrace', 'Measure-Oversubscription', 'Measure-LoadProfile', 'Export-PowerTrace', 'Export-PowerPlot')
}
