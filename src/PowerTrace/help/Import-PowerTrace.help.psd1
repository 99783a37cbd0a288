@{
    Synopsis    = 'Reads measured power logs (nvidia-smi CSV, whole-server/IPMI logs, generic CSV) into binned power traces on the UTC timeline.'
    Description = @'
Import-PowerTrace reads one or more power logs and writes one PowerSeries per trace: a UTC start time, a bin width and the mean watts of every bin. Each file is read in one streaming pass, so memory grows with the number of bins, not with the number of rows.

Formats. With -Format Auto (the default) the first non-blank line decides. A header that names a timestamp column and a power.draw (or power.draw.average, power.draw.instant) column is nvidia-smi; any other header is a generic CSV. A header-less line of two fields, a timestamp and a number (or nothing), is a whole-server log such as IPMI ("2025-12-11 21:08:18,390"). A header-less line of four fields shaped timestamp, integer, number, number is nvidia-smi "--query-gpu=timestamp,index,utilization.gpu,power.draw --format=csv,noheader,nounits"; for other header-less nvidia-smi queries, give the columns with -Columns. A first line that fits none of these fails with UnknownFormat.

What comes out. An nvidia-smi file gives Node traces: the GPUs of each tensor-parallel group are summed bin by bin (-GroupSize; by default all GPUs of the file form one node). -PerGpu gives one Gpu-level trace per GPU instead, and -GpuIndex keeps only some GPUs. A server log gives one Server-level trace. A generic CSV gives one trace per watts column, at level Server unless -Level says otherwise. Traces are named after the file (without extension); several nodes of one file are named "<file> node0", "<file> node1", several GPUs "<file> gpu0", ..., and the columns of a generic CSV with several watts columns keep their column names.

Binning. Bin k covers [k x BinSeconds, (k+1) x BinSeconds) counted from 0001-01-01 UTC, so bins are aligned to whole multiples of the bin width (for widths that divide a day, to midnight UTC) and traces from different files share one grid: they can be summed, compared and exported together. Each reading holds from its timestamp until the next reading (zero-order hold), and a bin is the time-weighted mean over the part of it that was measured. Readings that share a timestamp are averaged into one. The sampling interval is the median of the first 1000 intervals; the last reading holds for one such interval.

Gaps. A stretch without readings longer than three median sampling intervals is a gap: the reading before it holds for one interval, and bins with no measured time are NaN. Every trace with gaps produces a warning and reports them in its Gaps property (count, total and longest seconds). -FillGaps replaces the NaN bins inside the trace by linear interpolation between the measured bins on either side, and the trace records that it was filled. A node bin is NaN when any GPU of the node is unmeasured there, and NaN bins at the start and end of a trace are trimmed.

Time zones. nvidia-smi and IPMI write local clock time without a zone. Such timestamps are read as UTC unless -UtcOffset gives the offset of the clock that wrote them (UTC = local time - UtcOffset). Timestamps that carry a zone (Z, +02:00, +0200) use their own and ignore -UtcOffset. Accepted shapes: YYYY/MM/DD HH:MM:SS[.fff] and YYYY-MM-DD[T| ]HH:MM:SS[.fffffff][zone]; a generic CSV may also hold a number of seconds, counted from the Unix epoch (1970-01-01 UTC).

Errors are per file: a bad file writes a non-terminating error and the other files are still read. Under -Verbose the cmdlet names each file it reads and each column it does not use (for example nvidia-smi's utilization.gpu). Long files show a progress bar; Ctrl+C stops the read.
'@
    Wildcards   = @('Path')
    Parameters  = @{
        Path            = 'Power log files to read. Wildcards are expanded; relative paths resolve against the current PowerShell location. Accepts strings and file objects from the pipeline. Folders matched by a wildcard are passed over.'
        LiteralPath     = 'Power log files to read, taken literally (no wildcard expansion), for names containing [ ] or *. Bound from the PSPath of Get-ChildItem output.'
        Format          = 'Auto (default: detect from the first non-blank line, see the description), NvidiaSmi, ServerLog (header-less "timestamp,watts") or Csv (generic CSV with a header). Name the format when detection guesses wrong.'
        Columns         = 'Column names of a header-less nvidia-smi file, in the order of its --query-gpu list, for example timestamp, index, power.draw. Giving -Columns makes a header-less file nvidia-smi. It needs a timestamp column and a power column (power.draw, power.draw.average or power.draw.instant, or the one named by -WattsColumn); an index column tells the GPUs apart. Files with a header use their header and ignore -Columns. Default for a header-less 4-field file: timestamp, index, utilization.gpu, power.draw.'
        GpuIndex        = 'nvidia-smi only: the GPU indices (the index column) to keep; other GPUs are skipped. Default: every GPU in the file. Ignored for other formats. An index with no readings in the file fails the file with GpuNotFound (or EmptyFile when none of the requested GPUs occurs).'
        GroupSize       = 'nvidia-smi only: GPUs per tensor-parallel group. The kept GPUs, in index order, are summed in groups of this size into Node traces ("<file> node0", ...). 0 (the default) sums all kept GPUs into one Node trace. The number of GPUs must be a multiple of the group size, else the file fails with InvalidImportSetting. When -TensorParallel is not given, the group size is recorded as the tensor-parallel degree.'
        PerGpu          = 'nvidia-smi only: write one Gpu-level trace per GPU instead of summed Node traces. Overrides -GroupSize.'
        BinSeconds      = 'Bin width in seconds (default 0.25, the bin width of the reference method; greater than 0, at most 86400, and a whole number of 100 ns ticks). Use 1 for 1 Hz logs, 60 or 900 for planning studies. Bins are aligned to multiples of the width; see the description.'
        FillGaps        = 'Fill the NaN bins of gaps inside a trace by linear interpolation between the measured bins on either side. Off by default, so missing data stays visible as NaN; a filled trace reports Gaps.Filled = True and the warning says so. Bins before the first and after the last reading are never invented.'
        SkipInvalidRows = 'Skip rows that cannot be parsed (wrong number of fields, a bad number, a bad timestamp) with a warning naming the file and line, instead of failing the file. Timestamps that go backwards and unknown units fail the file even with this switch. Empty readings (an empty field, [N/A]) are never errors: they contribute no sample and are summarised in one warning per file.'
        UtcOffset       = 'Offset from UTC of the clock that wrote timestamps without a zone, for example 01:00 for a server clock on UTC+01:00 or -05:00 for UTC-05:00; UTC = local time - UtcOffset. Default 00:00: zone-less timestamps are read as UTC. Timestamps that carry a zone are not affected. Note the sign: Import-EngineState -TimeOffset is added, this offset is subtracted.'
        TimeColumn      = 'Generic CSV: the name of the time column (matched case-insensitively, with or without a [unit] suffix). Default: the first of timestamp, timestamp_utc, time, time_utc, datetime, date_time, time_s, time_sec, seconds, sec, secs, t, ts, elapsed_s. A named column that does not exist fails the file with MissingColumn.'
        WattsColumn     = 'Generic CSV: the watts columns, one trace each. Default: every column whose name contains "watt" or "power", is "w", or carries a power unit ([W], [kW], (MW), ...). A unit in the header scales the values to watts (W, kW, mW, MW; a name ending in _kw without a unit means kW). nvidia-smi: the one power column to use instead of power.draw (only the first name is used).'
        Level           = 'Generic CSV: the hierarchy level of the traces: Gpu, Node, Server (default), Rack, Row, Site or Facility. nvidia-smi (Node or Gpu) and server logs (Server) set their own level and ignore this.'
        GpuType         = 'GPU type recorded in each trace''s metadata, for example "RTX A6000" or "H100-80GB". Recorded only; nothing is computed from it.'
        ModelName       = 'Served model recorded in each trace''s metadata, for example "Llama-3.1-8B-Instruct". Recorded only.'
        TensorParallel  = 'Tensor-parallel degree recorded in each trace''s metadata. 0 (default) records -GroupSize for nvidia-smi nodes when a group size is given, else leaves the degree unknown (0).'
    }
    Inputs      = @('System.String', 'System.IO.FileInfo')
    Notes       = @'
Error ids (FullyQualifiedErrorId starts with them; match them with -ErrorAction Stop and $_.FullyQualifiedErrorId, or Should -Throw -ErrorId): PathNotFound (no such file), EmptyFile (no data rows, or every selected row is empty or filtered out), UnknownFormat (Auto detection failed), MissingColumn (a required or named column is missing, or a generic CSV has no header), WrongFieldCount, InvalidTimestamp, InvalidNumber, UnknownUnit, TimestampsGoBackwards (a reading earlier than the previous one of the same GPU or column), GpuNotFound, InvalidImportSetting (a bin width that is not a whole number of 100 ns ticks, GPUs not a multiple of -GroupSize), IOError and AccessDenied. All are non-terminating and concern one file.

Units: watts in, watts out (PowerSeries.Watts, MeanWatts, PeakWatts), energy in watt-hours (EnergyWh), times in seconds, StartUtc and EndUtc as UTC DateTime values. nvidia-smi values written with their unit ("71.23 W", without nounits) are read too.

nvidia-smi power.draw on Ampere and newer GPUs is NVML's averaged reading, not an instantaneous one; binning at 0.25 s does not add detail that the reading does not have.
'@
    Examples    = @(
        @{
            Code    = "Import-PowerTrace ./gpu_power_log_tp1.txt -GpuType 'RTX A6000' -ModelName Llama-3.1-8B-Instruct -TensorParallel 1"
            Remarks = 'Reads a header-less nvidia-smi log (timestamp, index, utilization.gpu, power.draw every 200 ms) into one Node trace of 0.25 s bins, 733 bins from 2025-12-11 21:08:19.25 UTC, mean about 108 W and peak about 300 W, with the GPU type, model and tensor-parallel degree recorded in its metadata. The timestamps carry no zone and are read as UTC.'
        }
        @{
            Code    = "Import-PowerTrace ./server_power_log_tp1.csv -BinSeconds 1 -SkipInvalidRows -FillGaps"
            Remarks = 'Reads a whole-server IPMI log ("2025-12-11 21:08:18,390", several readings per second with whole-second timestamps, which are averaged) into a Server trace of 1 s bins. Line 705 of this file is corrupt (two readings run together); -SkipInvalidRows skips it with a warning instead of failing the file. The readings lost with it leave a 4 s gap, reported in a warning and in the Gaps property; -FillGaps interpolates its bins instead of leaving them NaN.'
        }
        @{
            Code    = "Get-ChildItem ./gpu_power_log_tp*.txt | Import-PowerTrace -BinSeconds 1 | Format-Table Name, StartUtc, BinCount, MeanWatts, PeakWatts"
            Remarks = 'Imports every matching log from the pipeline, one Node trace per file, and compares them. Because bins are aligned to whole multiples of the width, the bin boundaries of different files coincide.'
        }
        @{
            Code    = "Import-PowerTrace ./gpu_power_log_tp1.txt, ./server_power_log_tp1.csv -BinSeconds 60 -SkipInvalidRows -WarningAction SilentlyContinue | Export-PowerTrace ./tp1-minutes.csv -Force`nImport-PowerTrace ./tp1-minutes.csv -BinSeconds 60 | Format-Table Name, Level, StartUtc, MeanWatts"
            Remarks = 'Writes the node and the server trace of one run at 1-minute resolution to one CSV, then reads it back as a generic CSV: the timestamp_utc column is the time column and each "<name> [W]" column becomes a trace named after it, at level Server (use -Level to say otherwise).'
        }
    )
    Links       = @('Export-PowerTrace', 'Import-RequestTrace', 'Import-EngineState', 'Export-PowerPlot')
}
