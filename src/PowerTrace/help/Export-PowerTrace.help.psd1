@{
    Synopsis    = 'Writes power traces that share one time grid to a CSV or Parquet file: a UTC timestamp column and one watts column per trace.'
    Description = @'
Export-PowerTrace collects the power traces piped to it and writes them to one CSV file, which Import-PowerTrace reads back. The first column, timestamp_utc, holds the start of each bin in ISO-8601 UTC (2025-12-11T21:08:19.250Z; with seven fractional digits when the grid is finer than a millisecond). Then comes one column per trace, headed by the trace's name, its level in parentheses and the unit, such as "gpu_power_log_tp1 (Node) [W]" or "rack 3 (Rack) [W]", holding the bin's mean watts with full precision (invariant culture, "." as decimal separator). A trace without a name is called trace0, trace1, ...; repeated names get _2, _3, ... Unmeasured (NaN) bins are empty cells, and a trace shorter than the longest one has empty cells after its end.

With -Format Parquet (or a path ending in .parquet or .pq) the file is Apache Parquet, which DuckDB, pandas/pyarrow, Spark and Power BI read directly: timestamp_utc is an INT64 timestamp adjusted to UTC (microseconds; nanoseconds for a grid finer than a microsecond), each trace a nullable DOUBLE column with the same header as in the CSV, unmeasured bins and bins past a shorter trace's end are nulls, and the watts are the exact doubles. Rows go in row groups of 1,048,576, so a site-year at 1 s (31.5 million rows per trace) is written in bounded memory. The file metadata holds powertrace.binSeconds, powertrace.startUtc and powertrace.level.<column>.

All traces must share one grid: the same StartUtc and the same BinSeconds, else nothing is written and the call fails with TraceGridMismatch. Traces imported from different files with the same -BinSeconds are on one grid as long as they start in the same bin; otherwise slice or re-import them so that they do.

The file is written to a temporary file in the target folder and moved into place at the end, so a failure never leaves a half-written file. An existing file is only overwritten with -Force. -WhatIf only reports what would happen (including that an existing file would need -Force) and never fails or writes; -Confirm asks first. Ctrl+C stops the write and leaves no file behind. Errors are terminating: the call writes one file or none.
'@
    Parameters  = @{
        InputObject = 'The power traces (PowerSeries) to write, usually from the pipeline: Import-PowerTrace or synthesis output. All traces of the call go into one file, in the order they arrive.'
        Path        = 'The CSV file to write; it need not exist. Relative paths resolve against the current PowerShell location, and wildcards are not expanded (aliases LiteralPath, PSPath, LP). The folder must exist.'
        Force       = 'Overwrite the file if it exists. Without -Force an existing file is left alone and the call fails with FileExists; under -WhatIf nothing fails, the message says that the file exists.'
        Format      = 'Csv, Parquet, or Auto (the default): Parquet when -Path ends in .parquet or .pq, else CSV.'
        PassThru    = 'Write the FileInfo of the written file to the pipeline. Without it the cmdlet writes nothing.'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Notes       = @'
Error ids (terminating): TraceGridMismatch (traces with different StartUtc or BinSeconds), FileExists (the file exists and -Force was not given), InvalidImportSetting (no traces reached the cmdlet), IOError (for example a missing folder), AccessDenied.

Reading the file back with Import-PowerTrace gives back the same traces: the level hint in each column header gives the trace its name (without hint and unit) and its level, also for a single column; the watts come back exactly (they are written with round-trip precision), and empty cells come back as NaN bins reported as gaps. Give the same -BinSeconds when re-importing so the bins are not resampled. Metadata (GPU type, model, source files) is not written to the CSV. In Excel the header reads as plain column titles; keep the "(Level) [W]" part when editing it, or give -Level when re-importing.
'@
    Examples    = @(
        @{
            Code    = "Invoke-TraceSynthesis -Model (Get-PowerModel H100-TP4-70B) -RatePerSecond 40 -Servers 64 -Level Rack, Site -Resolution '1s' -Duration 1.00:00:00 |`n    Where-Object Level -eq Site | Export-PowerTrace ./site-day.parquet"
            Remarks = 'Writes a day of site power at 1 s (86,400 rows) as Parquet; in DuckDB: SELECT max("site (Site) [W]") FROM ''site-day.parquet''; in pandas: pd.read_parquet(''site-day.parquet'').'
        }
        @{
            Code    = 'Import-PowerTrace ./gpu_power_log_tp1.txt | Export-PowerTrace ./tp1-node.csv'
            Remarks = 'Writes the node trace of an nvidia-smi log at 0.25 s bins: a header "timestamp_utc,gpu_power_log_tp1 (Node) [W]" and 733 rows from 2025-12-11T21:08:19.250Z. Import-PowerTrace ./tp1-node.csv gives back a Node trace named gpu_power_log_tp1 with the same watts.'
        }
        @{
            Code    = "Import-PowerTrace ./gpu_power_log_tp1.txt, ./server_power_log_tp1.csv -BinSeconds 60 -SkipInvalidRows -WarningAction SilentlyContinue |`n    Export-PowerTrace ./tp1-minutes.csv -Force -PassThru"
            Remarks = 'Writes the GPU node and the whole server of one run side by side at 1-minute resolution. Both logs start in the same minute (21:08 UTC), so they share a grid; at 1 s bins they would not (21:08:18 against 21:08:19) and the export would fail with TraceGridMismatch. -Force replaces an earlier file, -PassThru returns the written file.'
        }
        @{
            Code    = 'Import-PowerTrace ./gpu_power_log_tp*.txt -BinSeconds 900 | Export-PowerTrace ./tp-15min.csv -WhatIf'
            Remarks = 'Shows what would be written without writing, even when the file exists: the TP1 and TP2 runs fall into the same 15-minute bin (21:00 UTC), so they share a grid; TP2 also has a second bin, which is an empty cell for TP1.'
        }
    )
    Links       = @('Import-PowerTrace', 'Export-PowerPlot')
}
