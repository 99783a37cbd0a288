@{
    Synopsis    = 'Reads the periodic engine-state lines of vLLM server logs (throughputs, running and waiting requests, KV-cache usage) into engine-state series on the UTC timeline.'
    Description = @'
Import-EngineState reads one or more vLLM server logs and writes one EngineStateSeries per file. vLLM's loggers.py writes lines such as "INFO 12-11 13:08:29 [loggers.py:236] Engine 000: Avg prompt throughput: 2017.3 tokens/s, Avg generation throughput: 427.2 tokens/s, Running: 10 reqs, Waiting: 0 reqs, GPU KV cache usage: 1.2%". Each such line becomes one sample: prompt and generation throughput (tokens per second), running and waiting requests, and KV-cache usage (percent). In the A6000 logs such a line comes once a second while requests are being served and none while the engine is idle, so the samples are not evenly spaced. These show what the engine was doing while a power log was recorded, and are used to check a power model's states against the engine's.

Both wordings are read: vLLM V1 (Running, Waiting, GPU KV cache usage) and V0 (Running, Swapped, Pending, GPU KV cache usage; Pending counts as waiting). ANSI colour codes are removed first. All other lines (start-up messages, request logs) are passed over. A line that has the "Avg prompt throughput" wording but lacks one of the other fields is an error, never skipped.

Time. vLLM writes MM-DD HH:MM:SS without a year and without a zone, so -Year is required: it is the year of the first engine-state line, and a month that goes back (December to January) moves to the next year. Log times are read as UTC and then -TimeOffset is added, to put them on the same UTC timeline as the power logs: UTC = log time + TimeOffset. Worked example: the A6000 log's first engine-state line says 12-11 13:08:28; with -Year 2025 -TimeOffset 08:00:00 it lands at 2025-12-11 21:08:28 UTC, where the GPU power log shows the load. Note the sign: this is the opposite of -UtcOffset of Import-PowerTrace and Import-RequestTrace, which is subtracted (a clock 8 hours behind UTC needs -TimeOffset 08:00 here but -UtcOffset -08:00 there). StartUtc is the first sample's time and TimeSeconds count from it. -Verbose names each file it reads and prints the first engine-state line's log time and its UTC time, so the offset can be checked.

When a log holds several engines (Engine 000, Engine 001, ...) one engine is read: -Engine, or the first engine seen; lines of other engines are passed over and -Verbose says so. An -Engine that never occurs fails the file with NoEngineState, and the message lists the engines the file does have. A bad file writes a non-terminating error and the other files are still read.
'@
    Wildcards   = @('Path')
    Parameters  = @{
        Path        = 'vLLM server log files to read. Wildcards are expanded; relative paths resolve against the current PowerShell location. Accepts strings and file objects from the pipeline.'
        LiteralPath = 'vLLM server log files to read, taken literally (no wildcard expansion). Bound from the PSPath of Get-ChildItem output.'
        Year        = 'Required. The year of the log''s first engine-state line (1 to 9998); vLLM''s timestamps carry none. A month that goes back in the log (December to January) moves to the next year.'
        TimeOffset  = 'Added to every log time to put it on the UTC timeline of the power logs: UTC = log time + TimeOffset. Default 00:00 (log times are UTC). The A6000 logs'' vLLM clock is 8 hours behind their power logs, so they need 08:00:00: log time 12-11 13:08:28 becomes 2025-12-11 21:08:28 UTC. A clock ahead of UTC needs a negative offset (-02:00 for a clock on UTC+02:00). -Verbose prints the first line''s UTC time. Note the sign: this is the opposite convention to -UtcOffset of Import-PowerTrace and Import-RequestTrace, which is subtracted.'
        Engine      = 'The engine number to read when several engines log into one file (the N of "Engine 00N:"; lines without an engine number count as engine 0). Default: the first engine seen. A number that never occurs gives NoEngineState, naming the engines the file has.'
    }
    Inputs      = @('System.String', 'System.IO.FileInfo')
    Notes       = @'
Error ids (non-terminating, one per bad file): PathNotFound, EmptyFile (the file is empty), NoEngineState (no engine-state lines, or none of the engine asked for; the message then lists the engines the file has), MissingColumn (an engine-state line without generation throughput, Running, Waiting/Pending or KV cache usage), InvalidNumber, InvalidTimestamp (no MM-DD HH:MM:SS before the engine state, or a date that does not exist in the year), TimestampsGoBackwards, IOError, AccessDenied. A final line cut short (the file ends inside it, without a line end) is left out with a warning naming the line; everything before it is read. The log's times carry no year: only December followed by January starts a new year; any other month going down is TimestampsGoBackwards, never a guessed year.

Units: PromptTokensPerSecond and GenerationTokensPerSecond in tokens per second, averaged by vLLM over its logging interval; Running and Waiting in requests; KvCacheUsagePercent in percent (0 to 100); TimeSeconds and DurationSeconds in seconds from StartUtc (UTC).
'@
    Examples    = @(
        @{
            Code    = 'Import-EngineState ./vllm_pulse_power_tp1.txt -Year 2025 -TimeOffset 8:00:00'
            Remarks = 'Reads the vLLM log of the A6000 TP1 run: 46 engine-state samples over 136 s. The first, at 13:08:28 log time, lands at 2025-12-11 21:08:28 UTC, on the timeline of gpu_power_log_tp1.txt and server_power_log_tp1.csv.'
        }
        @{
            Code    = "`$engine = Import-EngineState ./vllm_pulse_power_tp1.txt -Year 2025 -TimeOffset 8:00:00`n`$power  = Import-PowerTrace ./gpu_power_log_tp1.txt -BinSeconds 1`n`$busy   = 0..(`$engine.Count - 1) | Where-Object { `$engine.Running[`$_] -gt 0 } | ForEach-Object { `$engine.StartUtc.AddSeconds(`$engine.TimeSeconds[`$_]) }`n`$busy | ForEach-Object { `$power.Watts[[int]((`$_ - `$power.StartUtc).TotalSeconds)] } | Measure-Object -Average -Maximum"
            Remarks = 'Lines the engine state up with the node power of the same run: for every second in which vLLM had requests running, it looks up the 1-second power bin at that UTC time and averages them. This is how to check that -TimeOffset is right: busy seconds should fall on high power (here 40 busy seconds at about 270 W on average, against about 33 W idle).'
        }
        @{
            Code    = "Get-ChildItem ./vllm_pulse_power_tp*.txt | Import-EngineState -Year 2025 -TimeOffset 8:00:00 | Format-Table Name, StartUtc, Count, DurationSeconds"
            Remarks = 'Reads the TP1 and TP2 logs from the pipeline, one series per file.'
        }
    )
    Links       = @('Import-PowerTrace', 'Import-RequestTrace')
}
