# Invoke-TraceSynthesis and Merge-PowerTrace as a user runs them. Until New-PowerModel/Import-PowerModel are merged,
# these tests cover what needs no model (errors raised by parameter binding or merging); the lead adds model-based
# cases (shards through ForEach-Object -Parallel merged with Merge-PowerTrace) once a cmdlet returns a model.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
}

Describe 'Invoke-TraceSynthesis' {
    It 'is exported with its parameter sets' {
        $cmd = Get-Command Invoke-TraceSynthesis -Module PowerTrace
        $cmd.ParameterSets.Name | Should -Contain 'Rate'
        $cmd.ParameterSets.Name | Should -Contain 'Diurnal'
        $cmd.ParameterSets.Name | Should -Contain 'RateSeries'
        $cmd.ParameterSets.Name | Should -Contain 'Replay'
        $cmd.DefaultParameterSet | Should -Be 'Rate'
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

    It 'rejects a non-positive model bin' {
        $a = [PowerTrace.Core.Traces.PowerSeries]::new('site', 'Site', [datetime]::new(2024, 1, 1, 0, 0, 0, [DateTimeKind]::Utc), 1.0, [double[]](1.5))
        { $a | Merge-PowerTrace -ModelBinSeconds 0 } | Should -Throw -ErrorId 'InvalidModelBin,PowerTrace.Commands.MergePowerTraceCommand'
    }
}
