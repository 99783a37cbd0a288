@{
    Synopsis    = 'Sums the shard outputs of Invoke-TraceSynthesis into the whole site''s traces, exactly.'
    Description = @'
Merge-PowerTrace collects the traces piped to it and sums those that describe the same place on the same time grid: the same level, name, position (row, rack, server), start time, bin width and bin count. Traces without a partner pass through unchanged. The merged traces are written after the last input, one per group, in the order of an unsharded run: levels in the order they first appear (the shards' -Level order), then by position (row, rack, server) and name, whatever order the shards arrived in.

The sum is exact. Invoke-TraceSynthesis computes every trace as an integer sum of milliwatt-bins divided by 1000 x k, where k is the number of model bins per output bin; the facility is the site's integer sum times the PUE in thousandths, divided by 10^6 x k. Merge-PowerTrace recovers each integer from the watts (for the facility, the site-scale sum, using the PUE the traces carry), checks that it reproduces the input bit for bit, adds the integers and applies the synthesis formula once, so merged shards are bit-identical to the unsharded run. For that it needs k: every trace Invoke-TraceSynthesis returns carries its origin (seed, shard, the model's bin width and its other settings), so no parameter is needed; for traces without one (rebuilt or copied traces) the smallest k at which every value round-trips is used, which gives the same bits. -ModelBinSeconds overrides both. A group with any value that does not round-trip (traces not synthesized on that grid, such as measured or imported ones, or sums beyond the limits in the notes) is summed in double precision instead, and a warning says how many groups were.

Shards written to files merge the same way, across processes and machines: give Merge-PowerTrace the CSV files that Invoke-TraceSynthesis -OutFile wrote (-Path or -LiteralPath; from Get-ChildItem too). Each CSV has a sidecar beside it (site.csv.powertrace.json, written with it through a temporary file and a move) holding what the merge needs and the CSV cannot say: master seed, shard index and count, the run's settings, levels, resolutions, units (W), start, model bin, PUE, each column's place in the site, and the CSV's length and SHA-256. Before summing, Merge-PowerTrace checks that every CSV is the one its sidecar describes (ShardManifestMissing, ShardFileMismatch), that all files come from one run (ShardMismatch, naming the file and what differs), and that every level has each shard 0..ShardCount-1 exactly once (ShardMissing names the missing shards, ShardDuplicated both files). The values are written in shortest round-trip form, so the merged traces are bit-identical to the unsharded run's, and with -OutFile the merged files (and their sidecars) are byte-identical to the files the unsharded run writes.

Merge only shards of one synthesis: the same settings and -Seed with different -ShardIndex. Traces that share a place are summed whatever their origin, but Merge-PowerTrace warns (Write-Warning) when a shard is given twice, when traces of the same place come from different seeds or from runs with other settings (model, workload, layout, router, non-GPU power, PUE, horizon, start or shard count), and when site or facility traces lack some of the -ShardCount shards. The origin is kept with the trace objects in the session (variables, pipelines, ForEach-Object -Parallel); for shards in other processes, merge their files with -Path.
'@
    Parameters  = @{
        InputObject     = 'Traces to merge (PowerSeries), usually the shard outputs of Invoke-TraceSynthesis. Accepts pipeline input; all are collected and merged after the last one.'
        Path            = 'Shard CSV files written by Invoke-TraceSynthesis -OutFile (each with its .powertrace.json sidecar beside it); wildcards allowed, e.g. ./out/shard*.csv (sidecars that a wildcard also matches are passed over). Files of several levels may be given together: each level is merged on its own.'
        LiteralPath     = 'Shard CSV files, taken literally (no wildcards). Bound from Get-ChildItem output (aliases PSPath, LP).'
        OutFile         = 'With -Path or -LiteralPath: write the merged site as one unsharded run with -OutFile would, to this file (one level) or to name.Level.ext beside it (several levels), each with its sidecar (shard 0 of 1); returns the files written. Without it the merged traces are returned as objects.'
        Force           = 'Replace existing -OutFile files (without it: FileExists).'
        ModelBinSeconds = 'Optional override of the bin width of the model that synthesized the traces, seconds. Not needed for traces from Invoke-TraceSynthesis, which carry it; without it, traces with no origin get the scale derived from their values. Must be positive (InvalidModelBin).'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Examples    = @(
        @{
            Code    = "`$shards = 0..2 | ForEach-Object { Invoke-TraceSynthesis -Model `$model -RatePerSecond 20 -ServersPerRack 8 -RacksPerRow 4 -Rows 2 -Level Rack, Site, Facility -Duration 00:10:00 -Seed 7 -ShardIndex `$_ -ShardCount 3 }`n`$site = `$shards | Merge-PowerTrace`n`$site | Format-Table Name, Level, MeanWatts, PeakWatts"
            Remarks = 'Synthesizes 64 servers in three shards (servers 0-20, 21-41 and 42-63) and merges them: 8 racks (racks 2 and 5, cut between shards, are summed from two parts), the site and the facility, equal bit for bit to one run without -ShardCount.'
        }
        @{
            Code    = "`$shards = 0..7 | ForEach-Object -Parallel {`n    Import-Module PowerTrace`n    Invoke-TraceSynthesis -Model `$using:model -Diurnal -PeakRatePerSecond 400 -TroughRatePerSecond 80 -ServersPerRack 8 -RacksPerRow 10 -Rows 12 -Level Row, Site -Resolution '1m' -Duration 1.00:00:00 -ShardIndex `$_ -ShardCount 8 -ThrottleLimit 2`n} -ThrottleLimit 8`n`$shards | Merge-PowerTrace | Where-Object Level -eq Site"
            Remarks = 'A day of a 960-server site in eight parallel shards of two threads each, merged into the site trace at 1-minute resolution.'
        }
        @{
            Code    = "# in each of 4 jobs (processes or machines), with JOB_COMPLETION_INDEX = 0..3:`nInvoke-TraceSynthesis -Model (Get-PowerModel H100-TP4-70B) -RatePerSecond 400 -Servers 4000 -Level Row, Site -Resolution '1m' -Duration 1.00:00:00 -Seed 1 -ShardIndex `$env:JOB_COMPLETION_INDEX -ShardCount 4 -OutFile ./out/shard`$env:JOB_COMPLETION_INDEX.csv`n# once all are done, where their files were gathered:`nMerge-PowerTrace -Path ./out/shard*.csv -OutFile ./out/site.csv"
            Remarks = 'Four jobs write shard0.Row.csv ... shard3.Site.csv with their sidecars; the merge checks that all four shards of each level are there, once, from one run, and writes site.Row.csv and site.Site.csv, byte-identical to one unsharded run with -OutFile ./out/site.csv.'
        }
        @{
            Code    = "`$whole = Invoke-TraceSynthesis -Model `$model -RatePerSecond 20 -ServersPerRack 8 -RacksPerRow 4 -Rows 2 -Level Rack, Site, Facility -Duration 00:10:00 -Seed 7`n`$w = `$whole | Where-Object Level -eq Facility; `$m = `$site | Where-Object Level -eq Facility`n[System.Linq.Enumerable]::SequenceEqual(`$w.Watts, `$m.Watts)"
            Remarks = 'Checks the merge of example 1 against one unsharded run with the same seed: True, every facility value is identical.'
        }
    )
    Notes       = @'
Error ids: InvalidModelBin (-ModelBinSeconds not a positive number); with files: ShardManifestMissing, ShardManifestInvalid, ShardFileMismatch, ShardMismatch, ShardMissing, ShardDuplicated, ShardDataInvalid, FileExists. Warnings: a shard given more than once, different seeds, different settings, missing shards, and groups summed in double precision.

Units: watts; the merged traces keep the first trace's name, level, position, start, bin width, metadata and gaps.

Exactness holds while each input trace's integer sum stays below 2^51 (about 2.25 x 10^15), at every level including Facility: an input trace (for Facility, its site power before PUE) below 2^51 / (1000 x k) watts. With 250 ms model bins that is 156 MW per shard trace at 1 h resolution (a 100 MW site at 1 h is about 1.4 x 10^15), 625 MW at 15 min, 9.4 GW at 1 min and more at finer resolutions; the merged total may exceed it. Facility traces without their origin (rebuilt or copied objects) are exact only up to about 156 kW of facility power at 1 h. Files written by -OutFile hold every value in round-trip form: merge them with -Path (their sidecars carry the origin); imported with Import-PowerTrace instead, they carry no origin and merge by value.
'@
    Links       = @('Invoke-TraceSynthesis')
}
