# Plots are written as valid PNG (signature and IHDR size) or SVG files of sensible size.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $start = [datetime]::new(2026, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
    $rand = [System.Random]::new(7)
    $w = [double[]]::new(14400); for ($i = 0; $i -lt $w.Length; $i++) { $w[$i] = 400 + 300 * [math]::Sin($i / 500) + 50 * $rand.NextDouble() }
    $w2 = [double[]]::new(14400); for ($i = 0; $i -lt $w2.Length; $i++) { $w2[$i] = 4000 + 500 * [math]::Sin($i / 700) + 20 * $rand.NextDouble() }
    $server = [PowerTrace.Core.Traces.PowerSeries]::new('server 0', 'Server', $start, 0.25, $w, $null, $null, $null)
    $rack = [PowerTrace.Core.Traces.PowerSeries]::new('rack 0', 'Rack', $start, 0.25, $w2, $null, $null, $null)
    function Get-PngSize([string] $path) {
        $b = [System.IO.File]::ReadAllBytes($path)
        $sig = [byte[]](0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
        for ($i = 0; $i -lt 8; $i++) { if ($b[$i] -ne $sig[$i]) { throw "$path is not a PNG" } }
        $width = ([int]$b[16] -shl 24) -bor ([int]$b[17] -shl 16) -bor ([int]$b[18] -shl 8) -bor $b[19]
        $height = ([int]$b[20] -shl 24) -bor ([int]$b[21] -shl 16) -bor ([int]$b[22] -shl 8) -bor $b[23]
        [pscustomobject]@{ Width = $width; Height = $height; Bytes = $b.Length }
    }
}

Describe 'Export-PowerPlot' {
    It 'writes a <Kind> plot as a valid PNG of the asked size' -ForEach @(
        @{ Kind = 'Trace' }, @{ Kind = 'LoadDuration' }, @{ Kind = 'RampHistogram' }, @{ Kind = 'Smoothing' }
    ) {
        $path = Join-Path $TestDrive "$Kind.png"
        $file = $server, $rack | Export-PowerPlot -Kind $Kind -Path $path -Width 800 -Height 400 -PassThru -WarningAction SilentlyContinue
        $file.FullName | Should -Be $path
        $png = Get-PngSize $path
        $png.Width | Should -Be 800
        $png.Height | Should -Be 400
        $png.Bytes | Should -BeGreaterThan 10KB
        $png.Bytes | Should -BeLessThan 2MB
    }

    It 'plots an oversubscription result as a valid PNG' {
        $racks = foreach ($k in 0..19) {
            $r = [System.Random]::new($k)
            $v = [double[]]::new(2000); for ($i = 0; $i -lt $v.Length; $i++) { $v[$i] = 15000 + 8000 * $r.NextDouble() }
            [PowerTrace.Core.Traces.PowerSeries]::new("rack $k", 'Rack', $start, 0.25, $v, $null, $null, $null)
        }
        $path = Join-Path $TestDrive 'oversub.png'
        $result = $racks | Measure-Oversubscription -LimitKW 200 -NameplateKW 26 -Seed 1 -WarningAction SilentlyContinue
        $result | Export-PowerPlot -Path $path -Width 700 -Height 350
        $png = Get-PngSize $path
        $png.Width | Should -Be 700
        $png.Bytes | Should -BeGreaterThan 10KB
    }

    It 'writes SVG when the extension asks for it' {
        $path = Join-Path $TestDrive 'trace.svg'
        $server | Export-PowerPlot -Path $path
        (Get-Content $path -Raw) | Should -Match '<svg'
    }

    It 'refuses a path on another provider with a stable error id' {
        { $server | Export-PowerPlot -Path 'variable:/plot.png' } | Should -Throw -ErrorId 'InvalidOutputPath,PowerTrace.Commands.ExportPowerPlotCommand'
    }

    It 'writes nothing under -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.png'
        $server | Export-PowerPlot -Path $path -WhatIf
        Test-Path $path | Should -BeFalse
    }

    It 'refuses an unknown extension with a stable error id' {
        { $server | Export-PowerPlot -Path (Join-Path $TestDrive 'x.gif') } | Should -Throw -ErrorId 'UnsupportedPlotFormat,PowerTrace.Commands.ExportPowerPlotCommand'
    }

    It 'keeps an existing file unless -Force is given, and -WhatIf only reports' {
        $path = Join-Path $TestDrive 'keep.png'
        Set-Content $path 'x'
        { $server | Export-PowerPlot -Path $path } | Should -Throw -ErrorId 'FileExists,PowerTrace.Commands.ExportPowerPlotCommand'
        Get-Content $path | Should -Be 'x'
        { $server | Export-PowerPlot -Path $path -WhatIf } | Should -Not -Throw
        Get-Content $path | Should -Be 'x'
        $server | Export-PowerPlot -Path $path -Force
        (Get-Item $path).Length | Should -BeGreaterThan 10KB
    }
}
