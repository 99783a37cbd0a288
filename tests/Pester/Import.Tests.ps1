# Import-PowerTrace, Import-RequestTrace, Import-EngineState and Export-PowerTrace from the built module.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $script:raw = Join-Path $PSScriptRoot '../../../shared/data/llmservingsim-a6000/raw_data'
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ("pt-pester-import-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $script:tmp | Out-Null
}
AfterAll {
    Remove-Item -LiteralPath $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Import-PowerTrace' {
    It 'imports the measured A6000 TP1 GPU log as one node trace idling near 33 W' {
        $t = Import-PowerTrace -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt') -GpuType 'RTX A6000'
        $t | Should -HaveCount 1
        $t.Level | Should -Be 'Node'
        $t.BinSeconds | Should -Be 0.25
        $t.Metadata.GpuType | Should -Be 'RTX-A6000-48GB'  # catalog name of 'RTX A6000'
        ($t.Watts | Sort-Object)[[int]($t.BinCount * 0.05)] | Should -BeGreaterThan 30
        ($t.Watts | Sort-Object)[[int]($t.BinCount * 0.05)] | Should -BeLessThan 36
        $t.PeakWatts | Should -BeGreaterThan 200
    }

    It 'takes files from Get-ChildItem' {
        $t = Get-ChildItem -LiteralPath $raw -Filter 'gpu_power_log_tp*.txt' | Import-PowerTrace
        $t | Should -HaveCount 2
    }

    It 'fails a malformed server log with a stable id naming the line' {
        { Import-PowerTrace -LiteralPath (Join-Path $raw 'server_power_log_tp1.csv') -ErrorAction Stop } |
            Should -Throw -ErrorId 'WrongFieldCount,PowerTrace.Commands.ImportPowerTraceCommand'
        Import-PowerTrace -LiteralPath (Join-Path $raw 'server_power_log_tp1.csv') -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].Exception.Line | Should -Be 705
    }

    It 'names a missing GPU with GpuNotFound, not EmptyFile' {
        { Import-PowerTrace -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt') -GpuIndex 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'GpuNotFound,PowerTrace.Commands.ImportPowerTraceCommand'
    }

    It 'goes on past a bad file' {
        Set-Content -LiteralPath (Join-Path $tmp 'bad.csv') -Value 'hello, world'
        Set-Content -LiteralPath (Join-Path $tmp 'good.csv') -Value "2025-01-01 00:00:00,100`n2025-01-01 00:00:01,100"
        $t = Import-PowerTrace -Path (Join-Path $tmp '*.csv') -ErrorVariable ev -ErrorAction SilentlyContinue
        $t | Should -HaveCount 1
        $ev | Should -HaveCount 1
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'UnknownFormat,*'
        Remove-Item -LiteralPath (Join-Path $tmp 'bad.csv'), (Join-Path $tmp 'good.csv')
    }
}

Describe 'Export-PowerTrace' {
    It 'round-trips through CSV' {
        $out = Join-Path $tmp 'tp1.csv'
        $t = Import-PowerTrace -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt')
        $t | Export-PowerTrace -Path $out
        (Get-Content -LiteralPath $out -TotalCount 1) | Should -Be 'timestamp_utc,gpu_power_log_tp1 (Node) [W]'
        $back = Import-PowerTrace -LiteralPath $out
        $back.Name | Should -Be $t.Name
        $back.Level | Should -Be 'Node'
        $back.StartUtc | Should -Be $t.StartUtc
        $back.BinCount | Should -Be $t.BinCount
        $back.MeanWatts | Should -Be $t.MeanWatts
        Remove-Item -LiteralPath $out
    }

    It 'writes nothing under -WhatIf' {
        $out = Join-Path $tmp 'whatif.csv'
        Import-PowerTrace -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt') | Export-PowerTrace -Path $out -WhatIf
        Test-Path -LiteralPath $out | Should -BeFalse
    }

    It 'only reports under -WhatIf when the file exists and -Force is not given' {
        $out = Join-Path $tmp 'exists.csv'
        Set-Content -LiteralPath $out -Value 'keep'
        { Import-PowerTrace -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt') | Export-PowerTrace -Path $out -WhatIf -ErrorAction Stop } | Should -Not -Throw
        Get-Content -LiteralPath $out | Should -Be 'keep'
        { Import-PowerTrace -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt') | Export-PowerTrace -Path $out } |
            Should -Throw -ErrorId 'FileExists,PowerTrace.Commands.ExportPowerTraceCommand'
        Remove-Item -LiteralPath $out
    }

    It 'refuses traces on different grids' {
        $t = Import-PowerTrace -LiteralPath (Join-Path $raw 'gpu_power_log_tp1.txt'), (Join-Path $raw 'gpu_power_log_tp2.txt')
        { $t | Export-PowerTrace -Path (Join-Path $tmp 'mix.csv') } | Should -Throw -ErrorId 'TraceGridMismatch,PowerTrace.Commands.ExportPowerTraceCommand'
    }
}

Describe 'Import-RequestTrace and Import-EngineState' {
    It 'reads the Azure code trace' {
        $r = Import-RequestTrace -LiteralPath (Join-Path $raw '../../azure-llm-2023/AzureLLMInferenceTrace_code.csv')
        $r.Count | Should -Be 8819
        $r.Format | Should -Be 'Azure'
    }

    It 'reads a zone-less -StartUtc as UTC in any local time zone' -Skip:(-not $IsLinux) {
        $f = Join-Path $tmp 'relative.csv'
        Set-Content -LiteralPath $f -Value 'arrival_s,input_tokens,output_tokens', '0,1,2', '1.5,3,4'
        $psd1 = Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1'
        $script = "Import-Module '$psd1'; [TimeZoneInfo]::Local.BaseUtcOffset.ToString(); (Import-RequestTrace -LiteralPath '$f' -StartUtc '2025-12-11 21:08:28').StartUtc.ToString('o')"
        $old = $env:TZ
        try {
            $env:TZ = 'Asia/Tokyo'
            $got = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $script
        }
        finally { $env:TZ = $old }
        $got[0] | Should -Be '09:00:00' -Because 'the child must really run on a non-UTC zone for this test to mean anything'
        $got[1] | Should -Be '2025-12-11T21:08:28.0000000Z'
    }

    It 'names the engines a log has when -Engine is not one of them' {
        Import-EngineState -LiteralPath (Join-Path $raw 'vllm_pulse_power_tp1.txt') -Year 2025 -Engine 3 -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ev[0].FullyQualifiedErrorId | Should -BeLike 'NoEngineState,*'
        $ev[0].Exception.Message | Should -Match 'engine 0\b'
    }

    It 'reads the vLLM log onto the power logs'' clock' {
        $s = Import-EngineState -LiteralPath (Join-Path $raw 'vllm_pulse_power_tp1.txt') -Year 2025 -TimeOffset '08:00:00'
        $s.Count | Should -Be 46
        $s.StartUtc | Should -Be ([datetime]::new(2025, 12, 11, 21, 8, 28, [DateTimeKind]::Utc))
    }
}
