# Reference models and derived models through the built module.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $raw = Join-Path $PSScriptRoot '../../../shared/data/llmservingsim-a6000/raw_data'
    $tmp = Join-Path ([IO.Path]::GetTempPath()) ("pt-derive-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $tmp | Out-Null
}
AfterAll { Remove-Item $tmp -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'Get-PowerModel' {
    It 'lists at least 16 reference models with a table view' {
        $list = Get-PowerModel
        $list.Count | Should -BeGreaterOrEqual 16
        $list.Name | Should -Contain 'H100-TP4-70B'
        $list.Name | Should -Contain 'A100-TP1-8B'
        ($list | Format-Table | Out-String -Width 250) | Should -Match 'Decode_steps/s'
        (Get-PowerModel -ListAvailable -Name 'A100-*').Count | Should -Be 8
    }
    It 'returns a model with provenance naming its sources' {
        $m = Get-PowerModel -Name H100-TP4-70B
        $m | Should -BeOfType ([PowerTrace.Core.Model.PowerModel])
        $m.GpuCount | Should -Be 4
        $m.Provenance.Derivation | Should -Match 'Splitwise'
        $m.Provenance.Uncertainty.Bound | Should -Be 'Central'
    }
    It 'tab-completes model names' {
        $line = 'Get-PowerModel -Name H100-TP4'
        $c = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $c.CompletionMatches.CompletionText | Should -Contain 'H100-TP4-70B'
        $c.CompletionMatches.CompletionText | Should -Contain 'H100-TP4-8B'
        $line = 'New-PowerModel -From $m -Gpu H2'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'H200'
    }
    It 'says UnknownReferenceModel for a name it does not have' {
        { Get-PowerModel -Name H100-TP3-70B -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownReferenceModel,PowerTrace.Commands.GetPowerModelCommand'
    }
}

Describe 'New-PowerModel -From' {
    It 'derives TP2 from the measured TP1 fit and tests it on the TP2 recording per GPU' {
        $t1 = Import-PowerTrace -Path (Join-Path $raw 'gpu_power_log_tp1.txt') -GpuType 'RTX A6000'
        $e1 = Import-EngineState -Path (Join-Path $raw 'vllm_pulse_power_tp1.txt') -Year 2025 -TimeOffset '08:00:00'
        $m1 = $t1 | New-PowerModel -EngineState $e1 -TensorParallel 1 -ModelName 'Llama-3.1-8B-Instruct'
        # The published TP2 log records GPU 0 only: derive a 1-GPU slice of the TP2 group (GpuCount is per node; compare per GPU).
        $d2 = $m1 | New-PowerModel -TensorParallel 2 -GpuCount 2
        $d2.GpuCount | Should -Be 2
        $t2 = Import-PowerTrace -Path (Join-Path $raw 'gpu_power_log_tp2.txt') -GpuType 'RTX A6000'
        $e2 = Import-EngineState -Path (Join-Path $raw 'vllm_pulse_power_tp2.txt') -Year 2025 -TimeOffset '08:00:00'
        $perGpu = [PowerTrace.Core.Derivation.ModelVariants]::PerGpu($d2)
        $rows = $t2 | Test-PowerModel -Model $perGpu -EngineState $e2 -Seeds 3
        $rows[0].EnergyErrorPercent | Should -BeLessThan 6
    }
    It 'pipes a derived model into Export-PowerModel and back with its band' {
        $d = Get-PowerModel H100-TP8-70B | New-PowerModel -Gpu H200 -TensorParallel 4 -Parameters 70e9
        $path = Join-Path $tmp 'h200.json'
        $d | Export-PowerModel -Path $path
        $back = Import-PowerModel -Path $path
        $back.Provenance.Uncertainty.DynamicRelative | Should -Be $d.Provenance.Uncertainty.DynamicRelative
        $back.Provenance.Derivation | Should -Be $d.Provenance.Derivation
        $low = New-PowerModel -From $back -Bound Low
        $low.States[-1].MeanWatts | Should -BeLessThan $back.States[-1].MeanWatts
    }
    It 'fails clearly when a fact is missing' {
        $m = Get-PowerModel H100-TP1-8B
        { New-PowerModel -From $m -Gpu Z9000 -TensorParallel 1 } | Should -Throw -ErrorId 'UnknownGpu,PowerTrace.Commands.NewPowerModelCommand'
        { New-PowerModel -From $m -Gpu H100 -TensorParallel 2 -Parameters 0 } | Should -Throw -ErrorId 'InvalidModelSize,PowerTrace.Commands.NewPowerModelCommand'
        { New-PowerModel -From $m -Gpu H100 -TensorParallel 3 -GpuCount 8 -Parameters 8e9 } | Should -Throw -ErrorId 'InvalidTensorParallel,PowerTrace.Commands.NewPowerModelCommand'
        { New-PowerModel -From (Get-PowerModel H100-TP1-8B -Bound Low) -Bound High } | Should -Throw -ErrorId 'NotACentralModel,PowerTrace.Commands.NewPowerModelCommand'
    }
}
