# New-PowerReport: the report's numbers are the objects' numbers; output is deterministic; errors have ids.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $start = [datetime]::new(2026, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
    $racks = foreach ($k in 0..11) {
        $r = [System.Random]::new($k)
        $v = [double[]]::new(7200); for ($i = 0; $i -lt $v.Length; $i++) { $v[$i] = 12000 + 3000 * [math]::Sin(($i + 300 * $k) / 900) + 2000 * $r.NextDouble() }
        [PowerTrace.Core.Traces.PowerSeries]::new("rack $k", 'Rack', $start, 0.5, $v, $null, $null, $null)
    }
    $sum = [double[]]::new(7200)
    foreach ($t in $racks) { for ($i = 0; $i -lt $sum.Length; $i++) { $sum[$i] += $t.Watts[$i] } }
    $site = [PowerTrace.Core.Traces.PowerSeries]::new('site', 'Site', $start, 0.5, $sum, $null, $null, $null)
    $profile = $site | Measure-LoadProfile
    $oversub = $racks | Measure-Oversubscription -LimitKW 100 -NameplateKW 17 -Seed 3 -WarningAction SilentlyContinue

    function Get-TableValue([string] $markdown, [string] $metric) {
        $line = ($markdown -split "`n") | Where-Object { $_ -like "| $metric |*" } | Select-Object -First 1
        if (-not $line) { throw "Row '$metric' not found" }
        ($line -split '\|')[2].Trim()
    }
}

Describe 'New-PowerReport' {
    BeforeAll {
        $md = Join-Path $TestDrive 'study.md'
        $site, $racks[0], $profile, $oversub | New-PowerReport -Path $md -Title 'Test study' -Assumptions ([ordered]@{ PUE = 1.3; Layout = '1 row x 12 racks' })
        $text = Get-Content $md -Raw
    }

    It 'prints the load profile''s numbers' {
        [double](Get-TableValue $text 'Peak (kW)') | Should -Be ([math]::Round($profile.PeakKW, 1))
        [double](Get-TableValue $text 'Mean (kW)') | Should -Be ([math]::Round($profile.MeanKW, 1))
        [double](Get-TableValue $text 'Load factor') | Should -Be ([math]::Round($profile.LoadFactor, 3))
        [double](Get-TableValue $text 'Energy over the horizon (MWh)') | Should -Be ([math]::Round($profile.EnergyMWh, 3))
        [double](Get-TableValue $text 'Transformer rating at PF 0.90 (MVA)') | Should -Be ([math]::Round($profile.TransformerMVA, 3))
    }

    It 'prints the oversubscription answer and baselines' {
        [int](Get-TableValue $text 'Rack units that fit at P95') | Should -Be $oversub.UnitsThatFit
        [int](Get-TableValue $text 'Units allowed by nameplate sizing') | Should -Be $oversub.NameplateCount
        [int](Get-TableValue $text 'Units allowed by mean-power sizing') | Should -Be $oversub.MeanPowerCount
    }

    It 'lists the assumptions in the given order' {
        $text | Should -Match '\| PUE \| 1.3 \|\n\| Layout \| 1 row x 12 racks \|'
    }

    It 'writes every plot it refers to as a PNG' {
        $refs = [regex]::Matches($text, '!\[[^\]]*\]\(([^)]+)\)') | ForEach-Object { $_.Groups[1].Value }
        $refs.Count | Should -BeGreaterOrEqual 4
        foreach ($r in $refs) {
            $p = Join-Path $TestDrive $r
            Test-Path $p | Should -BeTrue
            [System.IO.File]::ReadAllBytes($p)[1..3] | Should -Be ([byte[]](0x50, 0x4E, 0x47))
        }
    }

    It 'is deterministic for the same inputs' {
        $md2 = Join-Path $TestDrive 'again.md'
        $site, $racks[0], $profile, $oversub | New-PowerReport -Path $md2 -Title 'Test study' -Assumptions ([ordered]@{ PUE = 1.3; Layout = '1 row x 12 racks' })
        (Get-Content $md2 -Raw).Replace('again_plots', 'study_plots') | Should -BeExactly $text
    }

    It 'adds power-cap results and extra tables' {
        $cap = $site | Measure-PowerCap -KeepEnergyShare 0.99
        $p = Join-Path $TestDrive 'extra.md'
        $site, $cap | New-PowerReport -Path $p -Table ([ordered]@{ 'Smoothing' = @([pscustomobject]@{ Level = 'Rack'; CV = 0.25 }, [pscustomobject]@{ Level = 'Site'; CV = 0.05 }) })
        $md = Get-Content $p -Raw
        [double](Get-TableValue $md 'Cap (kW)') | Should -Be ([math]::Round($cap.CapKW, 1))
        $md | Should -Match '## Smoothing\n\n\| Level \| CV \|\n\| --- \| --- \|\n\| Rack \| 0.25 \|\n\| Site \| 0.05 \|'
    }

    It 'writes HTML when asked' {
        $html = Join-Path $TestDrive 'study.html'
        $site, $profile | New-PowerReport -Path $html
        (Get-Content $html -Raw) | Should -Match '<td>Peak \(kW\)</td><td>'
    }

    It 'refuses an unknown format and empty input with stable ids' {
        { $site | New-PowerReport -Path (Join-Path $TestDrive 'x.pdf') } | Should -Throw -ErrorId 'UnsupportedReportFormat,PowerTrace.Commands.NewPowerReportCommand'
        { New-PowerReport -Path (Join-Path $TestDrive 'y.md') } | Should -Throw -ErrorId 'NoInput,PowerTrace.Commands.NewPowerReportCommand'
    }

    It 'keeps an existing report unless -Force is given' {
        $p = Join-Path $TestDrive 'exists.md'
        Set-Content $p 'old'
        { $site | New-PowerReport -Path $p } | Should -Throw -ErrorId 'FileExists,PowerTrace.Commands.NewPowerReportCommand'
        Get-Content $p | Should -Be 'old'
        $site | New-PowerReport -Path $p -Force
        (Get-Content $p -Raw) | Should -Match '^# Site power study'
    }

    It 'writes nothing under -WhatIf' {
        $p = Join-Path $TestDrive 'whatif.md'
        $site | New-PowerReport -Path $p -WhatIf
        Test-Path $p | Should -BeFalse
    }
}
