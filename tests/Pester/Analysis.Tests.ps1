# Measure-Oversubscription, Measure-LoadProfile and Measure-PowerCap on PowerSeries built in PowerShell,
# with the module imported from the built folder exactly as a user imports it.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    # The manifest's RequiredAssemblies loads PowerTrace.Core, so its types can be named right after import.
    $start = [datetime]::new(2025, 6, 1, 0, 0, 0, [DateTimeKind]::Utc)
    function New-Trace([string] $Name, [string] $Level, [double] $BinSeconds, [double[]] $KW) {
        $watts = [double[]] ($KW | ForEach-Object { $_ * 1000 })
        New-Object PowerTrace.Core.Traces.PowerSeries -ArgumentList $Name, ([PowerTrace.Core.Traces.TraceLevel] $Level), $start, $BinSeconds, $watts, $null, $null, $null
    }
    # 12 racks, each constant at 20 + i/10 kW over 30 one-second bins.
    $racks = foreach ($i in 0..11) { New-Trace "rack $i" Rack 1 (@(20 + $i / 10) * 30) }
}

Describe 'Measure-Oversubscription' {
    It 'answers once for the whole pipeline, with both baselines' {
        $r = $racks | Measure-Oversubscription -LimitKW 130 -NameplateKW 26 -Seed 1 -Trials 50
        @($r).Count | Should -Be 1
        $r | Should -BeOfType PowerTrace.Core.Analysis.OversubscriptionResult
        $r.UnitsThatFit | Should -Be 6          # any 6 racks draw at most 20.6 + ... + 21.1 = 125.1 kW; any 7 at least 142.1
        $r.NameplateCount | Should -Be 5
        $r.OversubscriptionRatio | Should -Be 1.2
        $r.MeanPowerCount | Should -Be 6
        $r.Curve.Count | Should -BeGreaterOrEqual 7
        $r.Curve[6].Fits | Should -BeFalse
    }

    It 'formats as a table and exports its curve to CSV' {
        $r = $racks | Measure-Oversubscription -LimitKW 130 -NameplateKW 26 -Trials 20
        ($r | Format-Table | Out-String) | Should -Match 'Nameplate'
        $csv = $r.Curve | ConvertTo-Csv -NoTypeInformation
        $csv[0] | Should -Match 'PeakQuantileKW'
    }

    It 'warns when every unit given fits' {
        $null = $racks | Measure-Oversubscription -LimitKW 1000 -NameplateKW 26 -Trials 20 -WarningVariable w -WarningAction SilentlyContinue
        ($w -join ' ') | Should -Match 'at least 12'
    }

    It 'fails with <Id>' -ForEach @(
        @{ Id = 'NoInput'; Script = { @() | Measure-Oversubscription -LimitKW 600 -NameplateKW 26 } }
        @{ Id = 'NonPositiveLimit'; Script = { $racks | Measure-Oversubscription -LimitKW -1 -NameplateKW 26 } }
        @{ Id = 'QuantileOutOfRange'; Script = { $racks | Measure-Oversubscription -LimitKW 600 -NameplateKW 26 -Quantile 0 } }
        @{ Id = 'LimitBelowUnitPeak'; Script = { $racks | Measure-Oversubscription -LimitKW 20 -NameplateKW 26 } }
        @{ Id = 'MixedBinWidths'; Script = { @($racks) + @(New-Trace 'w' Rack 2 (@(20) * 15)) | Measure-Oversubscription -LimitKW 600 -NameplateKW 26 } }
    ) {
        $Script | Should -Throw -ErrorId "$Id,PowerTrace.Commands.MeasureOversubscriptionCommand"
    }

    It 'fails with MixedStartTimes' {
        $late = New-Object PowerTrace.Core.Traces.PowerSeries -ArgumentList 'late', ([PowerTrace.Core.Traces.TraceLevel]::Rack), $start.AddHours(1), 1.0, ([double[]] (@(20000) * 30)), $null, $null, $null
        { @($racks) + @($late) | Measure-Oversubscription -LimitKW 600 -NameplateKW 26 } | Should -Throw -ErrorId 'MixedStartTimes,PowerTrace.Commands.MeasureOversubscriptionCommand'
    }
}

Describe 'Measure-LoadProfile' {
    It 'gives hand-computed figures for a small site trace' {
        $p = New-Trace 'site' Site 1 @(1, 3, 2, 6) | Measure-LoadProfile -LoadDurationPoints 3
        $p.PeakKW | Should -Be 6
        $p.MeanKW | Should -Be 3
        $p.LoadFactor | Should -Be 0.5
        $p.RampUpMaxKWPerSecond | Should -Be 4
        $p.RampDownMaxKWPerSecond | Should -Be 1
        $p.LargestStepKW | Should -Be 4
        $p.LoadDuration.PowerKW | Should -Be @(6, 2.5, 1)
        $p.TransformerMVA | Should -BeGreaterThan 0.00666
        $p.TransformerMVA | Should -BeLessThan 0.00667
    }

    It 'gives load factor 1 and no ramps for a constant load' {
        $p = New-Trace 'flat' Facility 1 (@(500) * 20) | Measure-LoadProfile
        $p.LoadFactor | Should -Be 1
        $p.RampUp95KWPerSecond | Should -Be 0
        $p.RampDownMaxKWPerSecond | Should -Be 0
    }

    It 'pools several seeds and uses server traces for diversity' {
        $sites = (New-Trace 's1' Site 1 @(1, 1)), (New-Trace 's2' Site 1 @(1, 2))
        $servers = (New-Trace 'a' Server 1 @(1, 0)), (New-Trace 'b' Server 1 @(0, 1))
        $p = @($sites) + @($servers) | Measure-LoadProfile -WarningAction SilentlyContinue
        $p.ReplicateCount | Should -Be 2
        $p.PeakKW | Should -Be 2
        $p.CoincidenceFactor | Should -Be 0.5
        $p.DiversityFactor | Should -Be 2
    }

    It 'reports rolling and block 15-minute ramps, and Format-List rounds them with units' {
        # 300 s bins, kW 1 1 2 2 2 5 5 5 5: any 15-minute window rises at most 3 kW, consecutive 15-minute means only 2.
        $p = New-Trace 'site' Site 300 @(1, 1, 2, 2, 2, 5, 5, 5, 5) | Measure-LoadProfile
        $p.RampUpMaxKWPer15Min | Should -Be 3
        $p.RampUpMaxKWPer15MinBlock | Should -Be 2
        $text = $p | Format-List | Out-String -Width 150
        $text | Should -Match 'Ramp up P95 / max, any 15 min\s*: 3\.0 / 3\.0 kW per 15 min'
        $text | Should -Match 'Ramp up P95 / max, 15-min blocks\s*: 2\.0 / 2\.0 kW per 15 min'
        $text | Should -Match 'Load factor\s*: 0\.6'
        ($p | Format-List * | Out-String) | Should -Match 'RampUpMaxKWPer15MinBlock'
    }

    It 'fails with <Id>' -ForEach @(
        @{ Id = 'NoInput'; Script = { @() | Measure-LoadProfile } }
        @{ Id = 'PowerFactorOutOfRange'; Script = { New-Trace 's' Site 1 @(1, 2) | Measure-LoadProfile -PowerFactor 0 } }
        @{ Id = 'MixedBinWidths'; Script = { (New-Trace 's' Site 1 @(1, 2)), (New-Trace 't' Site 0.5 @(1, 2)) | Measure-LoadProfile } }
    ) {
        $Script | Should -Throw -ErrorId "$Id,PowerTrace.Commands.MeasureLoadProfileCommand"
    }
}

Describe 'Measure-PowerCap' {
    It 'reports energy, time and episodes above a cap' {
        $r = New-Trace 'rack' Rack 2 @(1, 5, 6, 2, 7, 7, 7, 1) | Measure-PowerCap -CapKW 4
        $r.EpisodeCount | Should -Be 2
        $r.LongestEpisodeSeconds | Should -Be 6
        $r.SecondsAboveCap | Should -Be 10
        $r.PeakAfterCapKW | Should -Be 4
        [math]::Round($r.EnergyAboveCapKWh * 3600, 9) | Should -Be 24
    }

    It 'finds the cap that keeps a share of the energy' {
        $r = New-Trace 't' Site 1 @(10, 6, 4, 0) | Measure-PowerCap -KeepEnergyShare 0.9
        $r.CapKW | Should -Be 8
        [math]::Round($r.EnergyShareKept, 12) | Should -Be 0.9
    }

    It 'writes one result per piped trace' {
        @($racks | Measure-PowerCap -CapKW 20.5).Count | Should -Be 12
    }

    It 'fails with <Id>' -ForEach @(
        @{ Id = 'NonPositiveCap'; Script = { New-Trace 't' Site 1 @(1, 2) | Measure-PowerCap -CapKW 0 } }
        @{ Id = 'EnergyShareOutOfRange'; Script = { New-Trace 't' Site 1 @(1, 2) | Measure-PowerCap -KeepEnergyShare 1.5 } }
        @{ Id = 'NoInput'; Script = { @() | Measure-PowerCap -CapKW 5 } }
    ) {
        $Script | Should -Throw -ErrorId "$Id,PowerTrace.Commands.MeasurePowerCapCommand"
    }
}

Describe 'Resize-PowerTrace' {
    It 'averages to a whole multiple of the bin width' {
        $r = New-Trace 'rack' Rack 0.5 @(1, 3, 5, 7, 9, 11) | Resize-PowerTrace -BinSeconds 1
        $r.BinSeconds | Should -Be 1
        $r.Watts | Should -Be @(2000, 6000, 10000)
        $r.StartUtc | Should -Be $start
    }

    It 'fails with BinWidthNotMultiple for a width that is not a multiple' {
        { New-Trace 'rack' Rack 2 @(1, 2, 3) | Resize-PowerTrace -BinSeconds 3 -ErrorAction Stop } |
            Should -Throw -ErrorId 'BinWidthNotMultiple,PowerTrace.Commands.ResizePowerTraceCommand'
    }
}
