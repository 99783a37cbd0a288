@{
    Synopsis    = 'Averages power traces to a coarser bin width, a whole multiple of their own, so traces of different resolutions can be compared or exported together.'
    Description = @'
Resize-PowerTrace writes, for each trace piped to it, a new trace whose bins are BinSeconds wide. BinSeconds must be a whole multiple of the trace's own bin width (within one part in a million), e.g. 0.25 s to 1 s, 1 s to 60 s or 900 s; a trace it does not divide is reported as a non-terminating error (BinWidthNotMultiple) and the others are still resized.

A coarse bin is the mean of the measured (not NaN) fine bins it covers: all fine bins are equally wide, so this is the time-weighted mean power over the measured part of the coarse bin, the rule Import-PowerTrace uses. A coarse bin with no measured fine bin is NaN. Only complete coarse bins are written: fine bins before the first boundary (with -Alignment Utc) or after the last complete coarse bin are dropped, and a warning says how many. Start times stay UTC; the name, level, metadata, gap report and place in the site are kept.
'@
    Parameters  = @{
        InputObject = 'Traces to resize (PowerTrace.Core.Traces.PowerSeries). Accepts pipeline input; each trace is written as soon as it is resized.'
        BinSeconds  = 'The new bin width, seconds: a positive whole multiple of each input trace''s bin width (BinWidthNotMultiple otherwise). A trace shorter than one new bin fails with TraceTooShort.'
        Alignment   = 'Where the new bins start. Start (default): the first new bin starts at the trace''s start. Utc: new bins start at whole multiples of BinSeconds counted from UTC midnight (on the minute for 60, on the quarter hour for 900), so traces that start at different times share one grid; the trace''s start must then lie a whole number of its own bins from that grid (StartOffGrid otherwise).'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Examples    = @(
        @{
            Code    = "`$traces | Resize-PowerTrace -BinSeconds 60 | Format-Table Name, Level, BinSeconds, MeanWatts, PeakWatts"
            Remarks = 'Brings server traces at 0.25 s and site traces at 1 s to one 60-second resolution, so their peaks compare like for like (averaging over a minute lowers the peak of the finer traces).'
        }
        @{
            Code    = "Import-PowerTrace ./gpu-power.csv | Resize-PowerTrace -BinSeconds 900 -Alignment Utc | Export-PowerTrace -Path ./quarter-hours.csv"
            Remarks = 'Quarter-hour means on the wall-clock grid (:00, :15, :30, :45 UTC), the resolution of a 15-minute interval meter; the partial quarter hours at either end are dropped.'
        }
    )
    Notes       = 'Error ids: BinWidthNotMultiple, StartOffGrid, TraceTooShort (non-terminating, one per trace).'
    Links       = @('Import-PowerTrace', 'Export-PowerTrace', 'Measure-LoadProfile')
}
