# Invoke-TraceSynthesis and Merge-PowerTrace as a user runs them, with a model fitted to the A6000 TP1 recording.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $raw = Join-Path $PSScriptRoot '../../../shared/data/llmservingsim-a6000/raw_data'
    $trace = Import-PowerTrace -Path (Join-Path $raw 'gpu_power_log_tp1.txt') -GpuType 'RTX A6000'
    $engine = Import-EngineState -Path (Join-Path $raw 'vllm_pulse_power_tp1.txt') -Year 2025 -TimeOffset '08:00:00'
    $model = $trace | New-PowerModel -EngineState $engine -StateCount 3
    $tmp = Join-Path ([IO.Path]::GetTempPath()) ("pt-syn-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $tmp | Out-Null
}
AfterAll { Remove-Item $tmp -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Invoke-TraceSynthesis' {
    It 'is exported with its parameter sets' {
        $cmd = Get-Command Invoke-TraceSynthesis -Module PowerTrace
        $cmd.ParameterSets.Name | Should -Contain 'Rate'
        $cmd.ParameterSets.Name | Should -Contain 'Diurnal'
        $cmd.ParameterSets.Name | Should -Contain 'RateSeries'
        $cmd.ParameterSets.Name | Should -Contain 'Replay'
        $cmd.DefaultParameterSet | Should -Be 'Rate'
    }

    It 'reads -Resolution 1s unquoted (an Int16 to PowerShell) as one second' {
        $site = Invoke-TraceSynthesis -Model $model -RatePerSecond 2 -Servers 2 -HorizonSeconds 60 -Resolution 1s
        $site.BinSeconds | Should -Be 1
        $site.BinCount | Should -Be 60
    }

    It 'says how to give a layout when there is none' {
        $err = { Invoke-TraceSynthesis -Model $model -RatePerSecond 2 } | Should -Throw -ErrorId 'NoServers,PowerTrace.Commands.InvokeTraceSynthesisCommand' -PassThru
        $err.Exception.Message | Should -Match '-Servers N'
        $err.Exception.Message | Should -Match '-ServersPerRack'
    }

    It 'refuses -TokenLengths with -TokenDistribution' {
        $log = [PowerTrace.Core.Workload.RequestTrace]::new('log', 'Generic', $null, [double[]](0, 1), [int[]](100, 200), [int[]](10, 20))
        { Invoke-TraceSynthesis -Model $model -RatePerSecond 2 -Servers 2 -TokenLengths $log -TokenDistribution AzureCode } | Should -Throw -ErrorId 'AmbiguousTokenLengths,PowerTrace.Commands.InvokeTraceSynthesisCommand'
    }

    It 'does not replace -OutFile without -Force and writes nothing under -WhatIf' {
        $out = Join-Path $tmp 'site.csv'
        'keep' | Set-Content $out
        { Invoke-TraceSynthesis -Model $model -RatePerSecond 2 -Servers 2 -HorizonSeconds 60 -OutFile $out } | Should -Throw -ErrorId 'FileExists,PowerTrace.Commands.InvokeTraceSynthesisCommand'
        Invoke-TraceSynthesis -Model $model -RatePerSecond 2 -Servers 2 -HorizonSeconds 60 -OutFile $out -WhatIf | Should -BeNullOrEmpty
        Get-Content $out | Should -Be 'keep'
        (Invoke-TraceSynthesis -Model $model -RatePerSecond 2 -Servers 2 -HorizonSeconds 60 -OutFile $out -Force).TraceCount | Should -Be 1
        (Get-Content $out)[0] | Should -Match '^TimestampUtc'
    }

    It 'requires a model' {
        { Invoke-TraceSynthesis -Model $null -RatePerSecond 1 -Servers 1 } | Should -Throw -ErrorId 'ParameterArgumentValidationErrorNullNotAllowed,PowerTrace.Commands.InvokeTraceSynthesisCommand'
    }
}

Describe 'Merge-PowerTrace' {
    It 'passes single traces through and sums traces of the same place' {
        $a = [PowerTrace.Core.Traces.PowerSeries]::new('site', 'Site', [datetime]::new(2024, 1, 1, 0, 0, 0, [DateTimeKind]::Utc), 1.0, [double[]](1.5, 2.25))
        $b = [PowerTrace.Core.Traces.PowerSeries]::new('site', 'Site', [datetime]::new(2024, 1, 1, 0, 0, 0, [DateTimeKind]::Utc), 1.0, [double[]](0.5, 0.75))
        $m = $a, $b | Merge-PowerTrace
        @($m).Count | Should -Be 1
        $m.Watts | Should -Be @(2.0, 3.0)
    }

    It 'merges shards from ForEach-Object -Parallel exactly, in the unsharded order, without the model bin' {
        $common = @{ RatePerSecond = 4; ServersPerRack = 2; RacksPerRow = 2; Rows = 2; HorizonSeconds = 60; Seed = 3; Level = 'Rack', 'Site', 'Facility'; Resolution = @{ Rack = '1s'; Site = '0.5s'; Facility = '1m' } }
        $whole = Invoke-TraceSynthesis -Model $model @common
        $module = Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1'
        $shards = 3, 2, 1, 0 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            $c = $using:common
            Invoke-TraceSynthesis -Model $using:model @c -ShardIndex $_ -ShardCount 4
        }
        $merged = $shards | Merge-PowerTrace -WarningVariable w
        $w | Should -BeNullOrEmpty
        $merged.Name | Should -Be $whole.Name
        for ($i = 0; $i -lt $whole.Count; $i++) { $merged[$i].Watts | Should -Be $whole[$i].Watts }
    }

    It 'warns about a shard given twice, other seeds and missing shards' {
        $common = @{ RatePerSecond = 4; Servers = 4; HorizonSeconds = 60; ShardCount = 2 }
        $a = Invoke-TraceSynthesis -Model $model @common -ShardIndex 0
        $b = Invoke-TraceSynthesis -Model $model @common -ShardIndex 1
        $c = Invoke-TraceSynthesis -Model $model @common -ShardIndex 1 -Seed 2
        $null = $a, $a, $b | Merge-PowerTrace -WarningVariable twice -WarningAction SilentlyContinue
        "$twice" | Should -Match 'more than once'
        $null = $a, $c | Merge-PowerTrace -WarningVariable seeds -WarningAction SilentlyContinue
        "$seeds" | Should -Match 'different seeds'
        $null = $a | Merge-PowerTrace -WarningVariable missing -WarningAction SilentlyContinue
        "$missing" | Should -Match 'missing shard\(s\) 1'
    }

    It 'rejects a non-positive model bin' {
        $a = [PowerTrace.Core.Traces.PowerSeries]::new('site', 'Site', [datetime]::new(2024, 1, 1, 0, 0, 0, [DateTimeKind]::Utc), 1.0, [double[]](1.5))
        { $a | Merge-PowerTrace -ModelBinSeconds 0 } | Should -Throw -ErrorId 'InvalidModelBin,PowerTrace.Commands.MergePowerTraceCommand'
    }
}
