@{
    Synopsis    = 'Reads request logs (Azure LLM inference CSV, Mooncake JSONL, generic CSV) into request traces: arrival times with prompt and output tokens.'
    Description = @'
Import-RequestTrace reads one or more request logs and writes one RequestTrace per file: for every request its arrival time in seconds, its prompt tokens and its output tokens, and, when the file has them, the measured time to first token and end-to-end latency in seconds. These traces drive the serving emulator and the power model.

Formats. With -Format Auto (the default) a file whose first non-blank line starts with "{" is Mooncake JSON lines (members timestamp in milliseconds from the trace start, input_length, output_length; other members such as hash_ids are passed over). Any other file is a CSV with a header line; a header with TIMESTAMP, ContextTokens and GeneratedTokens is an Azure LLM inference trace (Format = Azure), any other header a generic request CSV (Format = Generic). The columns of a generic CSV are found by common spellings, or named with -ArrivalColumn, -PromptTokensColumn, -OutputTokensColumn, -TtftColumn and -LatencyColumn; arrival and both token columns are required, TTFT and latency are optional. Names are matched case-insensitively.

Arrival times. When the arrival column holds timestamps (Azure, or a generic CSV whose first arrival looks like YYYY-MM-DD HH:MM:SS), the first request's arrival becomes StartUtc and ArrivalSeconds count from it (the first is 0). Zone-less timestamps are read as UTC unless -UtcOffset gives the offset of the clock that wrote them, which is subtracted: UTC = local time - UtcOffset. For example, with -UtcOffset -08:00 (US Pacific standard time) the arrival "2023-11-16 10:15:46.68" becomes 2023-11-16 18:15:46.68 UTC. This is the opposite sign to Import-EngineState -TimeOffset, which is added. Timestamps with a zone (Z, +02:00) use their own. -Verbose prints the first arrival as written and as read in UTC, so the offset can be checked. When the arrival column holds numbers (Mooncake milliseconds, a generic column of seconds, or of milliseconds when its name ends in _ms), the arrivals are kept as given, not shifted to start at 0, and StartUtc is the -StartUtc you give, or empty: the trace then has no place on the UTC timeline. -StartUtc is not used for files with absolute timestamps.

Every row must parse: token counts are non-negative whole numbers (12.0 is accepted as 12), arrivals may not go backwards, and a generic CSV's rows must have as many fields as its header. Empty, NaN or NA TTFT and latency cells mean "not measured" and become NaN. A bad file writes a non-terminating error and the other files are still read. -Verbose names each file as it is read, where the first request lands in UTC (or that the trace has no place on the UTC timeline), and each column (or JSON member) that is not used.
'@
    Wildcards   = @('Path')
    Parameters  = @{
        Path               = 'Request log files to read. Wildcards are expanded; relative paths resolve against the current PowerShell location. Accepts strings and file objects from the pipeline.'
        LiteralPath        = 'Request log files to read, taken literally (no wildcard expansion). Bound from the PSPath of Get-ChildItem output.'
        Format             = 'Auto (default: JSON lines when the first line starts with "{", otherwise CSV, Azure when the header has TIMESTAMP, ContextTokens and GeneratedTokens), Azure, Mooncake or Generic. -Format Azure fails with MissingColumn when one of the three Azure columns is missing; -Format Mooncake reads every line as JSON.'
        ArrivalColumn      = 'CSV: the arrival column, holding timestamps (YYYY-MM-DD HH:MM:SS[.fffffff][zone]) or seconds (milliseconds when the name ends in _ms). Default: the first of arrival_s, arrival_time_s, arrival_time, arrival, timestamp, time, time_s, t, ts, start_time, send_time, arrival_ms, timestamp_ms.'
        PromptTokensColumn = 'CSV: the prompt-token (input) column. Default: the first of input_tokens, prompt_tokens, ContextTokens, context_tokens, input_length, input_len, prompt_length, prompt_len, num_prompt_tokens, prompt_tokens_count.'
        OutputTokensColumn = 'CSV: the output-token (generated) column. Default: the first of output_tokens, generated_tokens, GeneratedTokens, completion_tokens, output_length, output_len, num_output_tokens, response_tokens, decode_tokens.'
        TtftColumn         = 'CSV: the measured time-to-first-token column, in seconds (milliseconds when the name ends in _ms). Default: the first of ttft_s, ttft, time_to_first_token, time_to_first_token_s, ttft_ms; none is fine (TtftSeconds is then empty).'
        LatencyColumn      = 'CSV: the measured end-to-end latency column, in seconds (milliseconds when the name ends in _ms). Default: the first of latency_s, e2e_s, e2e_latency_s, end_to_end_latency_s, latency, e2e, e2e_latency, latency_ms, e2e_ms; none is fine (LatencySeconds is then empty).'
        UtcOffset          = 'Offset from UTC of the clock that wrote zone-less arrival timestamps. It is subtracted: UTC = local time - UtcOffset. Worked example: -08:00 for a log written on US Pacific standard time turns "2023-11-16 10:15:46.68" into 2023-11-16 18:15:46.68 UTC; 01:00 turns "2023-11-16 19:15:46.68" into the same instant. -Verbose prints the first arrival in UTC. Default 00:00: zone-less timestamps are read as UTC. Not used for numeric arrival times or timestamps that carry a zone.'
        StartUtc           = 'The UTC instant that relative arrival times (Mooncake milliseconds, seconds columns) count from, for example 2025-12-11T21:08:28Z; it becomes the trace''s StartUtc. A value without a zone ("2025-12-11 21:08:28") is read as UTC, as everywhere in PowerTrace; a value with a zone (Z, +01:00) or a DateTime of kind Local is converted to UTC. Not used when the file holds absolute timestamps. Default: none, the trace stays relative.'
    }
    Inputs      = @('System.String', 'System.IO.FileInfo')
    Notes       = @'
Error ids (non-terminating, one per bad file): PathNotFound, EmptyFile (no requests), MissingColumn (no header, a required or named column missing, a JSON line without timestamp, input_length or output_length), WrongFieldCount, InvalidTimestamp, InvalidNumber (a bad token count, latency or Mooncake timestamp), InvalidJson, TimestampsGoBackwards, IOError, AccessDenied. A final line cut short (the file ends inside it, without a line end) is left out with a warning naming the line; everything before it is read. Semicolon-separated CSVs with decimal commas (Excel in much of Europe) are read like comma-separated ones.

Units: ArrivalSeconds, TtftSeconds, LatencySeconds and DurationSeconds in seconds, MeanRatePerSecond in requests per second, StartUtc as a UTC DateTime (or empty for a relative trace). ArrivalUtc(i) gives request i's arrival on the UTC timeline when StartUtc is known.
'@
    Examples    = @(
        @{
            Code    = 'Import-RequestTrace ./AzureLLMInferenceTrace_conv.csv'
            Remarks = 'Reads the Azure LLM inference trace (conversation) of 2023: 19,366 requests over about 3,502 s from 2023-11-16 18:15:46.68 UTC, about 5.5 requests per second, 1,155 prompt and 211 output tokens on average. Its zone-less timestamps are read as UTC.'
        }
        @{
            Code    = "Import-RequestTrace ./conversation_trace.jsonl -StartUtc 2025-12-11T21:08:28Z -Verbose"
            Remarks = 'Reads the Mooncake conversation trace (12,031 requests over 3,537 s, arrivals in milliseconds from the trace start) and places it on the UTC timeline starting at the given instant. -Verbose shows that the hash_ids member is not used. Without -StartUtc the trace keeps relative times only and StartUtc is empty.'
        }
        @{
            Code    = "Get-ChildItem ./AzureLLMInferenceTrace_*.csv | Import-RequestTrace | Format-Table Name, Count, DurationSeconds, MeanRatePerSecond, MeanPromptTokens, MeanOutputTokens"
            Remarks = 'Imports the code and the conversation traces and compares them: the code trace has fewer requests, longer prompts (about 2,048 tokens) and much shorter outputs (about 28).'
        }
        @{
            Code    = "Set-Content ./requests.csv 'arrival_ms,prompt,completion,ttft_ms', '0,512,128,41', '250,1024,64,', '400,96,300,38'`nImport-RequestTrace ./requests.csv -PromptTokensColumn prompt -OutputTokensColumn completion -StartUtc 2025-12-11T21:08:28Z"
            Remarks = 'A generic CSV whose token columns have names the importer does not know: they are named explicitly. arrival_ms and ttft_ms are found by their names and read as milliseconds (ArrivalSeconds 0, 0.25, 0.4; TtftSeconds 0.041, NaN, 0.038, the empty cell meaning "not measured").'
        }
    )
    Links       = @('Import-PowerTrace', 'Import-EngineState')
}
