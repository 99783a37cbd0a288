@{
    Synopsis    = 'Sums the shard outputs of Invoke-TraceSynthesis into the whole site''s traces, exactly.'
    Description = @'
Merge-PowerTrace collects the traces piped to it and sums those that describe the same place on the same time grid: the same level, name, position (row, rack, server), start time, bin width and bin count. Traces without a partner pass through unchanged. The merged traces are written after the last input, one per group, in the order in which each group first appeared (not necessarily the order of an unsharded run: select or sort by Level and Name).

The sum is exact. Invoke-TraceSynthesis computes every trace as an integer sum of milliwatt-bins divided by 1000 x k (10^6 x k for the facility, whose sum carries the PUE in thousandths), where k is the number of model bins per output bin. Merge-PowerTrace recovers each integer from the watts, checks that it reproduces the input bit for bit, adds the integers and divides once, so merged shards are bit-identical to the unsharded run. For that it needs the model's bin width (-ModelBinSeconds). A group with any value that does not round-trip (traces not synthesized on that grid, such as measured or imported ones, or sums of 2^51 or more) is summed in double precision instead, and a warning says how many groups were.

Merge only shards of one synthesis: the same settings and -Seed with different -ShardIndex. Traces that merely share a name, such as the site of two runs with different seeds, or the same shard piped twice, are summed as well.
'@
    Parameters  = @{
        InputObject     = 'Traces to merge (PowerSeries), usually the shard outputs of Invoke-TraceSynthesis. Accepts pipeline input; all are collected and merged after the last one.'
        ModelBinSeconds = 'Bin width of the model that synthesized the traces, seconds (default 0.25): pass $model.BinSeconds when the model was fitted at another bin. Needed to recover the exact integer sums; must be positive (InvalidModelBin).'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Examples    = @(
        @{
            Code    = "`$shards = 0..2 | ForEach-Object { Invoke-TraceSynthesis -Model `$model -RatePerSecond 20 -ServersPerRack 8 -RacksPerRow 4 -Rows 2 -Level Rack, Site, Facility -Duration 00:10:00 -Seed 7 -ShardIndex `$_ -ShardCount 3 }`n`$site = `$shards | Merge-PowerTrace -ModelBinSeconds `$model.BinSeconds`n`$site | Format-Table Name, Level, MeanWatts, PeakWatts"
            Remarks = 'Synthesizes 64 servers in three shards (servers 0-20, 21-41 and 42-63) and merges them: 8 racks (racks 2 and 5, cut between shards, are summed from two parts), the site and the facility, equal bit for bit to one run without -ShardCount.'
        }
        @{
            Code    = "`$shards = 0..7 | ForEach-Object -Parallel {`n    Import-Module PowerTrace`n    Invoke-TraceSynthesis -Model `$using:model -Diurnal -PeakRatePerSecond 400 -TroughRatePerSecond 80 -ServersPerRack 8 -RacksPerRow 10 -Rows 12 -Level Row, Site -Resolution '1m' -Duration 1.00:00:00 -ShardIndex `$_ -ShardCount 8 -ThrottleLimit 2`n} -ThrottleLimit 8`n`$shards | Merge-PowerTrace -ModelBinSeconds `$model.BinSeconds | Where-Object Level -eq Site"
            Remarks = 'A day of a 960-server site in eight parallel shards of two threads each, merged into the site trace at 1-minute resolution.'
        }
        @{
            Code    = "`$whole = Invoke-TraceSynthesis -Model `$model -RatePerSecond 20 -ServersPerRack 8 -RacksPerRow 4 -Rows 2 -Level Rack, Site, Facility -Duration 00:10:00 -Seed 7`n`$w = `$whole | Where-Object Level -eq Facility; `$m = `$site | Where-Object Level -eq Facility`n[System.Linq.Enumerable]::SequenceEqual(`$w.Watts, `$m.Watts)"
            Remarks = 'Checks the merge of example 1 against one unsharded run with the same seed: True, every facility value is identical.'
        }
    )
    Notes       = @'
Error ids: InvalidModelBin (-ModelBinSeconds not a positive number).

Units: watts; the merged traces keep the first trace's name, level, position, start, bin width, metadata and gaps.

Exactness holds while the integer sums stay below 2^51 (for example a 100 MW site at 1 h resolution from 250 ms bins is about 1.4 x 10^15). Merge traces kept in memory: CSV files written by -OutFile are rounded to 6 decimals and, imported again, generally merge in double precision.
'@
    Links       = @('Invoke-TraceSynthesis')
}
