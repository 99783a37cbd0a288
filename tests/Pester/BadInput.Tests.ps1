# Bad input as a new user meets it (issue 12), through the built module.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $script:raw = Join-Path $PSScriptRoot '../../../shared/data/llmservingsim-a6000/raw_data'
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ("pt-pester-bad-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $script:tmp | Out-Null
}
AfterAll {
    Remove-Item -LiteralPath $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Import-PowerTrace on damaged files' {
    It 'stops a 1e308 W reading with ReadingOutOfRange, naming the line' {
        $f = Join-Path $tmp 'huge.csv'
        Set-Content -LiteralPath $f -Value "timestamp, index, power.draw [W]`n2025/01/01 00:00:00.000, 0, 70 W`n2025/01/01 00:00:00.200, 0, 1e308 W`n"
        { Import-PowerTrace -LiteralPath $f -ErrorAction Stop } | Should -Throw -ErrorId 'ReadingOutOfRange,PowerTrace.Commands.ImportPowerTraceCommand'
        Import-PowerTrace -LiteralPath $f -ErrorVariable ev -ErrorAction SilentlyContinue | Out-Null
        $ev[0].Exception.Line | Should -Be 3
    }
    It 'stops a negative reading with NegativeReading; -SkipInvalidRows leaves it out with a warning' {
        $f = Join-Path $tmp 'neg.txt'
        Set-Content -LiteralPath $f -Value "2025/01/01 00:00:00.000, 0, 0, 50`n2025/01/01 00:00:00.200, 0, 0, -5`n2025/01/01 00:00:00.400, 0, 0, 51`n"
        { Import-PowerTrace -LiteralPath $f -ErrorAction Stop } | Should -Throw -ErrorId 'NegativeReading,PowerTrace.Commands.ImportPowerTraceCommand'
        $t = Import-PowerTrace -LiteralPath $f -SkipInvalidRows -WarningVariable wv -WarningAction SilentlyContinue
        $t.PeakWatts | Should -BeGreaterOrEqual 50
        ($wv -join "`n") | Should -Match 'line 2'
    }
    It 'imports a log whose last record was cut mid-write and warns naming the line' {
        $lines = Get-Content -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt')
        $f = Join-Path $tmp 'cut.txt'
        [IO.File]::WriteAllText($f, (($lines[0..($lines.Count - 2)] -join "`n") + "`n" + $lines[-1].Substring(0, 15)))
        $t = Import-PowerTrace -LiteralPath $f -WarningVariable wv -WarningAction SilentlyContinue
        $t | Should -HaveCount 1
        ($wv -join "`n") | Should -Match "line $($lines.Count)"
        ($wv -join "`n") | Should -Match 'cut short'
    }
}

Describe 'GPU names through the catalog' {
    It 'tests a model derived for -Gpu H100 on a trace imported with -GpuType H100' {
        $t = Import-PowerTrace -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt') -GpuType H100
        $t.Metadata.GpuType | Should -Be 'H100-SXM-80GB'
        $e = Import-EngineState -Path (Join-Path $raw 'vllm_pulse_power_tp1.txt') -Year 2025 -TimeOffset '08:00:00'
        $m = Get-PowerModel H100-TP1-8B | New-PowerModel -Gpu H100 -TensorParallel 1
        $rows = Test-PowerModel -Model $m -Trace $t -EngineState $e -Seeds 1 -ErrorAction Stop
        $rows | Should -Not -BeNullOrEmpty
    }
}
