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
        # Power follows the work in flight (the work-power curve); states are what the work leaves unexplained.
        $model.WorkPower | Should -Not -BeNullOrEmpty
        $model.WorkPower.WattsPerTBps | Should -BeGreaterThan 0
        $model.IdleWatts | Should -BeLessThan 40
        ($model.States.Name -contains 'idle') | Should -BeTrue
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
    It 'fits from a request log with arrivals and token counts only, inferring the serving rates from power' {
        # Ten requests at the start of each pulse of the engine log (vLLM prints nothing while idle: a gap starts a pulse).
        $rows = for ($i = 0; $i -lt $engine.Count; $i++) {
            if ($i -eq 0 -or $engine.TimeSeconds[$i] - $engine.TimeSeconds[$i - 1] -gt 1.5) {
                $at = $engine.StartUtc.AddSeconds($engine.TimeSeconds[$i] - 1).ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [cultureinfo]::InvariantCulture)
                1..10 | ForEach-Object { "$at,200,300" }
            }
        }
        $csv = Join-Path $tmp 'arrivals.csv'
        @('timestamp,prompt_tokens,output_tokens') + $rows | Set-Content -Path $csv
        $log = Import-RequestTrace -Path $csv
        $log.TtftSeconds | Should -BeNullOrEmpty
        $verbose = $trace | New-PowerModel -Requests $log -ModelName 'Llama-3.1-8B-Instruct' -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        ($verbose -match '^Serving rates inferred from power: .*DecodeStepsPerSecond') | Should -Not -BeNullOrEmpty
        ($verbose -match 'DecodeStepsPerSecond [0-9.]+ steps/s inferred \(within tolerance over') | Should -Not -BeNullOrEmpty
        $model = $trace | New-PowerModel -Requests $log -ModelName 'Llama-3.1-8B-Instruct'
        $model.ServingProfile.LearnedFrom | Should -Match 'inferred from power'
        $model.ServingProfile.DecodeStepsPerSecond | Should -BeGreaterThan 20
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

Describe 'Test-PowerModel -Requests scores what Invoke-TraceSynthesis -Requests synthesizes' {
    BeforeAll {
        # A real request log (every 8th Azure 2023 conversation request of its first 150 s: about 0.5 req/s),
        # written as a user's generic CSV of arrival seconds whose clock starts 9.6 s into the A6000 recording.
        $azure = Import-RequestTrace -Path (Join-Path $PSScriptRoot '../../../shared/data/azure-llm-2023/AzureLLMInferenceTrace_conv.csv')
        $a0 = $azure.ArrivalSeconds[0]
        $csv = Join-Path $tmp 'requests.csv'
        $lines = [System.Collections.Generic.List[string]]::new()
        $lines.Add('arrival_s,prompt_tokens,output_tokens')
        for ($i = 0; $i -lt $azure.Count -and $azure.ArrivalSeconds[$i] - $a0 -lt 150; $i += 8) {
            $lines.Add(('{0},{1},{2}' -f ($azure.ArrivalSeconds[$i] - $a0).ToString('R', [cultureinfo]::InvariantCulture), $azure.PromptTokens[$i], $azure.OutputTokens[$i]))
        }
        Set-Content -Path $csv -Value $lines
        $log = Import-RequestTrace -Path $csv -StartUtc $trace.StartUtc.AddSeconds(9.6)
        $anchor = Import-PowerModel -Path (Join-Path $env:POWERTRACE_MODULE 'models/a6000-tp1-llama3.1-8b.json')
    }
    It 'reports the medians of the metrics of the Invoke-TraceSynthesis traces for the same seeds, measured from the first arrival on' {
        $rows = $trace | Test-PowerModel -Model $anchor -Requests $log -Seeds 3 -Seed 4 -WarningAction SilentlyContinue  # the anchor was fitted on this recording
        $rows.Path | Should -Be @('Replay', 'Replay', 'Replay')
        $j0 = [int][math]::Floor(($log.ArrivalUtc(0) - $trace.StartUtc).TotalSeconds / 0.25)
        $j0 | Should -Be 38
        $measured = [double[]]$trace.Watts[$j0..($trace.BinCount - 1)]
        $results = foreach ($k in 4..6) {
            $syn = Invoke-TraceSynthesis -Model $anchor -Requests $log -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 -Resolution '250ms' -HorizonSeconds (($trace.BinCount - $j0) * 0.25) -Seed $k
            $syn.StartUtc | Should -Be $log.ArrivalUtc(0)
            $syn.BinCount | Should -Be $measured.Count
            [PowerTrace.Core.Analysis.FidelityMetrics]::Compare($measured, $syn.Watts)
        }
        $median = [PowerTrace.Core.Analysis.FidelityMetrics]::Median([PowerTrace.Core.Analysis.FidelityResult[]]$results)
        $m = $rows | Where-Object Method -eq PowerModel
        $m.Bins | Should -Be $measured.Count
        $m.EnergyErrorPercent | Should -Be $median.EnergyErrorPercent
        $m.KsStatistic | Should -Be $median.KsStatistic
        $m.AcfRSquared | Should -Be $median.AcfRSquared
        $m.Nrmse | Should -Be $median.Nrmse
        $m.P95ErrorPercent | Should -Be $median.P95ErrorPercent
        $m.P99ErrorPercent | Should -Be $median.P99ErrorPercent
        $m.SynthesizedMeanWatts | Should -Be $median.SynthesizedMeanWatts
    }
    It 'says which path it took' {
        $v = $trace | Test-PowerModel -Model $anchor -Requests $log -Seeds 1 -Verbose -WarningAction SilentlyContinue 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$v" | Should -Match 'Path Replay'
        "$v" | Should -Match 'measured bin 38,'
        $e = $trace | Test-PowerModel -Model $anchor -EngineState $engine -Seeds 1 -WarningAction SilentlyContinue
        $e.Path | Should -Be @('Features', 'Features', 'Features')
    }
}
