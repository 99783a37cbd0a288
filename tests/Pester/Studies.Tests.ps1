# The shipped studies run end to end on the built module and give answers with the right shape.
BeforeAll {
    $module = $env:POWERTRACE_MODULE
    $conv = Join-Path $PSScriptRoot '../../../shared/data/azure-llm-2023/AzureLLMInferenceTrace_conv.csv'
}

Describe 'FacilityStudy.ps1 (240 servers, one hour of Azure conversation traffic)' {
    BeforeAll {
        $r = & (Join-Path $module 'examples/FacilityStudy.ps1') -RequestLog $conv -ModulePath $module -Quiet -PassThru
    }

    It 'replays every request of the trace' {
        $r.Requests | Should -Be 19366
    }

    It 'smooths with aggregation: the coefficient of variation falls from server to rack to row to site' {
        $cv = @{}; foreach ($l in $r.Levels) { $cv[$l.Level] = $l.MeanCV }
        $cv.Server | Should -BeGreaterThan $cv.Rack
        $cv.Rack | Should -BeGreaterThan $cv.Row
        $cv.Row | Should -BeGreaterThan $cv.Site
    }

    It 'peaks below TDP sizing, and fits more racks than nameplate sizing allows' {
        $r.FacilityPeakKW | Should -BeLessThan $r.TdpSizingKW
        $r.FacilityPeakKW | Should -BeGreaterThan $r.FacilityMeanKW
        $r.TdpSizingKW | Should -Be 1185.6
        $r.RacksByNameplate | Should -Be 23
        $r.RacksThatFit | Should -BeGreaterThan $r.RacksByNameplate
        $r.RacksThatFit | Should -BeLessOrEqual $r.RacksByMeanPower
        $r.RacksThatFit | Should -BeLessThan $r.RackPool -Because 'the pool must be large enough not to reuse racks'
    }
}

Describe 'PlanningStudy.ps1 (the main job on built-in defaults)' {
    It 'writes the report, plots and CSV, with the facility peak in the report' {
        $out = Join-Path $TestDrive 'study'
        $null = & (Join-Path $module 'examples/PlanningStudy.ps1') -ModulePath $module -OutputFolder $out -Rows 2 -RacksPerRow 4 -PeakRatePerSecond 30 -TroughRatePerSecond 10 -RowLimitKW 60 -PhaseMW 2, 3 -InterconnectionSeeds 1 6>$null
        foreach ($f in 'report.md', 'report.html', 'facility-1s.csv', 'report_plots/trace.png', 'report_plots/load-duration.png', 'report_plots/oversubscription-rack-60kw.png',
            'interconnection.md', 'interconnection.html', 'interconnection-8760.csv', 'interconnection-load-duration.png', 'interconnection-peak-week.png') {
            Join-Path $out $f | Should -Exist
        }
        (Get-Content (Join-Path $out 'report.md') -Raw) | Should -Match '\| Peak \(kW\) \| \d+\.\d \|'
    }
}
