#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds the PowerTrace module, runs its tests, or runs the main planning study.
.DESCRIPTION
    Build : publishes the importable module folder to out/PowerTrace (manifest, DLLs, formats, help).
    Test  : Build, then every xunit test (dotnet test) and every Pester test against out/PowerTrace,
            and prints one closing line "N passed, N failed".
    Study : Build, then runs the main planning study on built-in defaults (examples/PlanningStudy.ps1
            inside the module folder) and writes its results to out/study.
    Bench : Build, then runs the benchmarks (tests/PowerTrace.Benchmarks) and prints their tables.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Study
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Study', 'Bench')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Extra arguments for the benchmark runner (Bench), e.g. 'import' or 'synthesis'.
    [string[]] $BenchArgs = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'PowerTrace'

function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

function Invoke-Build {
    Write-Host "== Building PowerTrace ($Configuration) into $moduleOut"
    $staging = Join-Path $out 'PowerTrace.staging'
    if (Test-Path $staging) { Remove-Item $staging -Recurse -Force }
    Invoke-Native 'dotnet publish' {
        dotnet publish (Join-Path $root 'src/PowerTrace/PowerTrace.csproj') -c $Configuration -o $staging --nologo -v quiet
    }
    # Only what the module needs: no symbols, no deps file.
    Get-ChildItem $staging -Include '*.pdb', '*.deps.json' -Recurse | Remove-Item -Force
    Copy-Item (Join-Path $root 'PowerTrace.psd1') $staging
    foreach ($dir in 'formats', 'examples', 'models') {
        $src = Join-Path $root "src/PowerTrace/$dir"
        if (Test-Path $src) { Copy-Item $src (Join-Path $staging $dir) -Recurse }
    }
    # MAML help from src/PowerTrace/help/*.help.psd1 plus the cmdlets' live metadata (fresh pwsh).
    & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File (Join-Path $root 'src/PowerTrace/help/Build-Help.ps1') `
        -ModuleFolder $staging -HelpSource (Join-Path $root 'src/PowerTrace/help')
    if ($LASTEXITCODE -ne 0) { throw "Help generation failed (exit code $LASTEXITCODE)." }
    # Swap in the new folder whole, so a failed build never leaves a half-written module.
    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    Move-Item $staging $moduleOut
    $sizeMB = (Get-ChildItem $moduleOut -Recurse -File | Measure-Object Length -Sum).Sum / 1MB
    Write-Host ("   module folder: {0:N1} MB" -f $sizeMB)
}

function Get-PesterManifest {
    Invoke-Native 'restore Pester' {
        dotnet restore (Join-Path $root 'tests/tools/PesterRestore.csproj') --nologo -v quiet
    }
    $line = (dotnet nuget locals global-packages --list) -join ''
    $packages = ($line -replace '^.*?global-packages:\s*', '').Trim()
    $manifest = Join-Path $packages 'pester/6.2.0/tools/Pester.psd1'
    if (-not (Test-Path $manifest)) { throw "Pester 6.2.0 was not restored: $manifest is missing." }
    $manifest
}

function Invoke-Tests {
    $results = Join-Path $out 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory $results | Out-Null

    Write-Host '== xunit'
    $trx = 'xunit.trx'
    dotnet test (Join-Path $root 'tests/PowerTrace.Tests/PowerTrace.Tests.csproj') -c $Configuration --nologo `
        --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' --results-directory $results
    $xunitExit = $LASTEXITCODE
    $xPassed = 0; $xFailed = 0
    $trxPath = Join-Path $results $trx
    if (Test-Path $trxPath) {
        [xml] $doc = Get-Content $trxPath -Raw
        $c = $doc.TestRun.ResultSummary.Counters
        $xPassed = [int] $c.passed
        $xFailed = [int] $c.failed + [int] $c.error + [int] $c.timeout + [int] $c.aborted
    }
    elseif ($xunitExit -ne 0) { $xFailed = 1; Write-Host 'xunit did not run (build failure?): counted as one failure.' }

    Write-Host '== Pester (module imported from out/PowerTrace in a fresh pwsh)'
    $pester = Get-PesterManifest
    $pesterJson = Join-Path $results 'pester.json'
    $runner = Join-Path $root 'tests/Pester/Run-Pester.ps1'
    & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $runner -PesterManifest $pester -ModulePath $moduleOut -ResultPath $pesterJson
    $pPassed = 0; $pFailed = 0
    if (Test-Path $pesterJson) {
        $p = Get-Content $pesterJson -Raw | ConvertFrom-Json
        $pPassed = [int] $p.Passed; $pFailed = [int] $p.Failed
    }
    else { $pFailed = 1; Write-Host 'Pester did not report: counted as one failure.' }

    Write-Host ("xunit: {0} passed, {1} failed; Pester: {2} passed, {3} failed" -f $xPassed, $xFailed, $pPassed, $pFailed)
    $passed = $xPassed + $pPassed
    $failed = $xFailed + $pFailed
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Build; Invoke-Tests }
    'Study' {
        Invoke-Build
        $study = Join-Path $moduleOut 'examples/PlanningStudy.ps1'
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $study -ModulePath $moduleOut -OutputFolder (Join-Path $out 'study')
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    }
    'Bench' {
        Invoke-Build
        Invoke-Native 'benchmarks' {
            dotnet run -c Release --project (Join-Path $root 'tests/PowerTrace.Benchmarks/PowerTrace.Benchmarks.csproj') -- @BenchArgs
        }
    }
}
