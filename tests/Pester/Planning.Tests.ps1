# New-InterconnectionStudy and Invoke-TraceSynthesis -Method as a user runs them, from the built module.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $tmp = Join-Path ([IO.Path]::GetTempPath()) ("pt-ic-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $tmp | Out-Null
    $id = ',PowerTrace.Commands.NewInterconnectionStudyCommand'
}
AfterAll { Remove-Item $tmp -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'New-InterconnectionStudy' {
    It 'declares its output type and is exported' {
        (Get-Command New-InterconnectionStudy -Module PowerTrace).OutputType.Name | Should -Contain 'PowerTrace.Core.Planning.InterconnectionStudyYear'
    }

    It 'studies a phased buildout from the pipeline, one typed result per year, with report and utility CSV' {
        $md = Join-Path $tmp 'ic.md'; $csv = Join-Path $tmp 'ic.csv'
        $years = @{ Date = '2026-01-01'; Servers = 400; Name = 'A' }, @{ Date = '2027-04-01'; MW = 3; Model = 'H100-TP8-70B' } |
            New-InterconnectionStudy -SeedCount 2 -Resolution '15m' -ReportPath $md -CsvPath $csv
        $years.Count | Should -Be 3
        $years[0].GetType().FullName | Should -Be 'PowerTrace.Core.Planning.InterconnectionStudyYear'
        $years.Year | Should -Be 2026, 2027, 2028
        $years[1].Servers | Should -BeGreaterThan $years[0].Servers
        foreach ($y in $years) {
            $y.PeakDemandMW | Should -BeLessThan $y.TdpSizingMW
            $y.PeakDemandP90MW | Should -BeGreaterOrEqual $y.PeakDemandMW
            $y.MonthlyPeakMW.Count | Should -Be 12
        }
        $years[2].HourlyProfileMW.Count | Should -Be 8784
        foreach ($f in 'ic.md', 'ic.csv', 'ic-load-duration.png', 'ic-monthly-peaks.png', 'ic-typical-week.png', 'ic-peak-week.png') { Join-Path $tmp $f | Should -Exist }
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 8784
        ($rows[0].PSObject.Properties.Name -join ',') | Should -Be 'Month,Day,HourUtc,2026 MW,2027 MW,2028 MW'
        (Get-Content $md -Raw) | Should -Match '\| 2027 \| '
    }

    It 'shows a year per row in the default table view' {
        $y = New-InterconnectionStudy -Phase @{ Date = '2026-01-01'; Servers = 100 } -SeedCount 1 -Resolution '15m'
        $text = $y | Format-Table | Out-String
        $text | Should -Match 'PeakMW'
        $text | Should -Match 'TdpMW'
        $text | Should -Match '2026'
    }

    It 'refuses bad phases before any work, with ids naming the parameter' {
        { New-InterconnectionStudy -Phase @{ Date = '2027-01-01'; Servers = 10 }, @{ Date = '2026-01-01'; Servers = 10 } } | Should -Throw -ErrorId "PhasesOutOfOrder$id"
        { New-InterconnectionStudy -Phase @{ Date = '2027-01-01'; Servers = 10 }, @{ Date = '2027-01-01'; Servers = 5 } } | Should -Throw -ErrorId "PhasesOverlap$id"
        { New-InterconnectionStudy -Phase @{ Date = '2027-01-01'; Servers = 0 } } | Should -Throw -ErrorId "PhaseHasNoServers$id"
        { New-InterconnectionStudy -Phase @{ Date = '2027-01-01'; Servers = 10; Gpu = 'A100' } } | Should -Throw -ErrorId "ModelDoesNotFitGpu$id"
        { New-InterconnectionStudy -Phase @{ Date = '2027-01-01'; Servers = 10 } -Resolution 420 } | Should -Throw -ErrorId "ResolutionDoesNotDivideHorizon$id"
        { New-InterconnectionStudy -Phase @{ Date = '2027-01-01'; Servers = 10; Racks = 3 } } | Should -Throw -ErrorId "InvalidPhase$id"
        $err = { New-InterconnectionStudy -Phase @{ Date = '2027-01-01'; Servers = 0 } } | Should -Throw -PassThru
        $err.TargetObject | Should -Be 'Phase'
    }

    It 'keeps existing files without -Force and writes nothing with -WhatIf' {
        $csv = Join-Path $tmp 'keep.csv'
        Set-Content $csv 'x'
        { New-InterconnectionStudy -Phase @{ Date = '2026-01-01'; Servers = 10 } -CsvPath $csv } | Should -Throw -ErrorId "FileExists$id"
        $new = Join-Path $tmp 'new.csv'
        New-InterconnectionStudy -Phase @{ Date = '2026-01-01'; Servers = 10 } -CsvPath $new -WhatIf | Should -BeNullOrEmpty
        $new | Should -Not -Exist
    }
}

Describe 'Invoke-TraceSynthesis -Method' {
    It 'Auto picks Aggregate for a large site at coarse bins and records it in the provenance' {
        $m = Get-PowerModel -Name H100-TP4-70B
        $t = Invoke-TraceSynthesis -Model $m -RatePerSecond 200 -ServersPerRack 4 -RacksPerRow 25 -Rows 10 -Level Site -Resolution '15m' -Duration 1.00:00:00
        $t.Metadata.Provenance | Should -BeLike 'synthesized (Aggregate*'
        $t.BinCount | Should -Be 96
        $e = Invoke-TraceSynthesis -Model $m -RatePerSecond 2 -Servers 4 -Level Site -Resolution '1m' -Duration 00:10:00
        $e.Metadata.Provenance | Should -BeLike 'synthesized (Exact)*'
    }

    It 'refuses Aggregate where it cannot apply' {
        $m = Get-PowerModel -Name H100-TP4-70B
        { Invoke-TraceSynthesis -Model $m -RatePerSecond 2 -Servers 4 -Level Server -Method Aggregate } | Should -Throw -ErrorId 'AggregateLevelNotSupported,PowerTrace.Commands.InvokeTraceSynthesisCommand'
        { Invoke-TraceSynthesis -Model $m -RatePerSecond 2 -Servers 4 -Router RoundRobin -Method Aggregate } | Should -Throw -ErrorId 'AggregateNeedsRandomRouting,PowerTrace.Commands.InvokeTraceSynthesisCommand'
    }
}
