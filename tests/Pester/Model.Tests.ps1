# New-PowerModel, Export/Import-PowerModel and Test-PowerModel on real data, through the built module.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $raw = Join-Path $PSScriptRoot '../../../shared/data/llmservingsim-a6000/raw_data'
    $trace = Import-PowerTrace -Path (Join-Path $raw 'gpu_power_log_tp1.txt') -GpuType 'RTX A6000'
    $engine = Import-EngineState -Path (Join-Path $raw 'vllm_pulse_power_tp1.txt') -Year 2025 -TimeOffset '08:00:00'
    $tmp = Join-Path ([IO.Path]::GetTempPath()) ("pt-model-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $tmp | Out-Null
}
AfterAll { Remove-Item $tmp -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'New-PowerModel' {
    It 'fits the A6000 TP1 recording with engine states and names idle and decode states' {
        $model = $trace | New-PowerModel -EngineState $engine -TensorParallel 1 -ModelName 'Llama-3.1-8B-Instruct' -Path (Join-Path $tmp 'm.json')
        $model.StateCount | Should -BeGreaterOrEqual 3
        $model.States[0].Name | Should -Be 'idle'
        $model.States[0].MeanWatts | Should -BeLessThan 40
        ($model.States.Name -match '^decode') | Should -Not -BeNullOrEmpty
        $model.Configuration.GpuType | Should -Be 'RTX-A6000-48GB'  # catalog name of 'RTX A6000'
        $model.NameplateWatts | Should -Be 300
        Test-Path (Join-Path $tmp 'm.json') | Should -BeTrue
    }
    It 'refuses a trace count that does not match the workloads' {
        { New-PowerModel -Trace $trace, $trace -EngineState $engine } | Should -Throw -ErrorId 'WorkloadCountMismatch,PowerTrace.Commands.NewPowerModelCommand'
    }
    It 'does not replace a -Path file without -Force, and -WhatIf skips only the write' {
        $path = Join-Path $tmp 'exists.json'
        'keep' | Set-Content $path
        { $trace | New-PowerModel -EngineState $engine -StateCount 3 -Path $path } | Should -Throw -ErrorId 'FileExists,PowerTrace.Commands.NewPowerModelCommand'
        Get-Content $path | Should -Be 'keep'
        $model = $trace | New-PowerModel -EngineState $engine -StateCount 3 -Path $path -WhatIf
        $model.StateCount | Should -Be 3
        Get-Content $path | Should -Be 'keep'
        $trace | New-PowerModel -EngineState $engine -StateCount 3 -Path $path -Force | Out-Null
        (Import-PowerModel -Path $path).StateCount | Should -Be 3
    }
    It 'refuses a workload recorded at another time' {
        $late = Import-EngineState -Path (Join-Path $raw 'vllm_pulse_power_tp1.txt') -Year 2025
        { $trace | New-PowerModel -EngineState $late } | Should -Throw -ErrorId 'WorkloadDoesNotOverlapTrace,PowerTrace.Commands.NewPowerModelCommand'
    }
}

Describe 'Export-PowerModel and Import-PowerModel' {
    It 'round-trips a model exactly' {
        $model = $trace | New-PowerModel -EngineState $engine -StateCount 5
        $path = Join-Path $tmp 'rt.json'
        $model | Export-PowerModel -Path $path
        $back = Import-PowerModel -Path $path
        $back.States.MeanWatts | Should -Be $model.States.MeanWatts
        $back.Configuration.IdleWattsPerGpu | Should -Be $model.Configuration.IdleWattsPerGpu
        { $model | Export-PowerModel -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,PowerTrace.Commands.ExportPowerModelCommand'
        $model | Export-PowerModel -Path $path -WhatIf -ErrorAction Stop  # exists, no -Force: only the what-if message
        $model | Export-PowerModel -Path $path -Force -WhatIf
        $model | Export-PowerModel -Path $path -Force
    }
    It 'says NotAPowerModel for other JSON and UnsupportedSchemaVersion for a future schema' {
        $other = Join-Path $tmp 'other.json'
        '{"hello": 1}' | Set-Content $other
        { Import-PowerModel -Path $other -ErrorAction Stop } | Should -Throw -ErrorId 'NotAPowerModel,PowerTrace.Commands.ImportPowerModelCommand'
        $future = Join-Path $tmp 'future.json'
        '{"kind": "PowerTrace.PowerModel", "schemaVersion": 99}' | Set-Content $future
        { Import-PowerModel -Path $future -ErrorAction Stop } | Should -Throw -ErrorId 'UnsupportedSchemaVersion,PowerTrace.Commands.ImportPowerModelCommand'
    }
}

Describe 'Test-PowerModel' {
    It 'reports the model and both baselines' {
        $model = $trace | New-PowerModel -EngineState $engine
        $rows = $trace | Test-PowerModel -Model $model -EngineState $engine -Seeds 3 -WarningAction SilentlyContinue  # in-sample: warned
        $rows.Method | Should -Be @('PowerModel', 'ConstantTdp', 'ConstantMean')
        $rows[0].EnergyErrorPercent | Should -BeLessThan 5
        $rows[0].EnergyErrorPercent | Should -BeLessThan $rows[1].EnergyErrorPercent
    }
    It 'warns that a training trace gives in-sample numbers, and not for a held-out span' {
        $half = [int]($trace.BinCount / 2)
        $first = $trace.Slice(0, $half, 'first')
        $second = $trace.Slice($half, $trace.BinCount - $half, 'second')
        $model = $first | New-PowerModel -EngineState $engine -StateCount 3
        $null = $second | Test-PowerModel -Model $model -EngineState $engine -Seeds 1 -WarningVariable held -WarningAction SilentlyContinue
        $held | Should -BeNullOrEmpty
        $null = $first | Test-PowerModel -Model $model -EngineState $engine -Seeds 1 -WarningVariable inSample -WarningAction SilentlyContinue
        "$inSample" | Should -Match 'in-sample'
    }
    It 'refuses a trace binned at another width' {
        $model = $trace | New-PowerModel -EngineState $engine
        $coarse = Import-PowerTrace -Path (Join-Path $raw 'gpu_power_log_tp1.txt') -BinSeconds 1
        { $coarse | Test-PowerModel -Model $model -EngineState $engine } | Should -Throw -ErrorId 'BinWidthMismatch,PowerTrace.Commands.TestPowerModelCommand'
    }
}
