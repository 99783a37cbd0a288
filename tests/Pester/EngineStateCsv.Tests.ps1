# Import-EngineState on vLLM Prometheus metrics scraped to CSV, from the built module as a user runs it.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ("pt-pester-prom-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $script:tmp | Out-Null
    # A scrape every 2 s as an exporter writes it: Unix milliseconds, vllm: names with labels (quoted, quotes doubled),
    # a counter reset (the server restarted between the third and fourth scrape), an empty cell.
    $script:csv = Join-Path $script:tmp 'scrape.csv'
    $l = 'engine=""0"",model_name=""Qwen/Qwen3-8B""'
    Set-Content -LiteralPath $script:csv -Encoding utf8 -Value @(
        "timestamp,""vllm:num_requests_running{$l}"",""vllm:num_requests_waiting{$l}"",""vllm:prompt_tokens_total{$l}"",""vllm:generation_tokens_total{$l}"",""vllm:kv_cache_usage_perc{$l}"""
        '1765487306000,0,0,5000,9000,0'
        '1765487308000,4,2,5800,9100,0.04'
        '1765487310000,6,0,5800,9500,0.08'
        '1765487312000,2,0,600,200,'
        '1765487314000,0,0,600,260,0'
    )
}
AfterAll {
    Remove-Item -LiteralPath $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Import-EngineState with a Prometheus CSV' {
    It 'detects the format and turns counters into per-interval rates on the UTC timeline' {
        $s = Import-EngineState -Path $csv -Verbose -WarningVariable warned -WarningAction SilentlyContinue 4>&1 | Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $s.StartUtc | Should -Be ([datetime]::new(2025, 12, 11, 21, 8, 28, [DateTimeKind]::Utc))
        $s.StartUtc.Kind | Should -Be 'Utc'
        $s.TimeSeconds | Should -Be @(0, 2, 4, 6)
        $s.Running | Should -Be @(4, 6, 2, 0)
        $s.Waiting | Should -Be @(2, 0, 0, 0)
        $s.PromptTokensPerSecond | Should -Be @(400, 0, 300, 0)       # 800/2 s, 0, reset: 600 counted from zero, 0
        $s.GenerationTokensPerSecond | Should -Be @(50, 200, 100, 30)
        $s.KvCacheUsagePercent | Should -Be @(4, 8, 8, 0)             # the empty cell holds the previous reading
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain 'Format PrometheusCsv (detected from the first line).'
        ($verbose -match 'went down from 5800') | Should -Not -BeNullOrEmpty
        ($verbose -match 'Unix times in milliseconds') | Should -Not -BeNullOrEmpty
        # The empty cell changed what the series says: a warning naming the line and the column.
        @($warned) | Should -HaveCount 1
        $warned[0].Message | Should -BeLike "scrape.csv, line 5, field 'vllm:kv_cache_usage_perc*': 1 empty or NaN cell*"
    }

    It 'reads the CSV and the vLLM log from one pipeline, each by its own format' {
        $raw = Join-Path $PSScriptRoot '../../../shared/data/llmservingsim-a6000/raw_data'
        $s = Get-Item -LiteralPath $csv, (Join-Path $raw 'vllm_pulse_power_tp1.txt') | Import-EngineState -Year 2025 -TimeOffset 8:00:00 -WarningAction SilentlyContinue
        $s | Should -HaveCount 2
        $s[0].Count | Should -Be 4
        $s[1].Count | Should -Be 46
    }

    It 'fails bad input with a stable id naming the file, line and column' {
        $bad = Join-Path $tmp 'bad.csv'
        Set-Content -LiteralPath $bad -Value 'time,num_requests_running,generation_tokens_total', '2025-12-11T21:08:28Z,1,10', '2025-12-11T21:08:27Z,1,20'
        { Import-EngineState -LiteralPath $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'TimestampsGoBackwards,PowerTrace.Commands.ImportEngineStateCommand'
        Import-EngineState -LiteralPath $bad -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].Exception.Line | Should -Be 3
        $ev[0].Exception.Field | Should -Be 'time'
        $ev[0].Exception.Message | Should -BeLike '*bad.csv*'
        { Import-EngineState -LiteralPath $csv -Engine 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NoEngineState,PowerTrace.Commands.ImportEngineStateCommand'
    }
}
