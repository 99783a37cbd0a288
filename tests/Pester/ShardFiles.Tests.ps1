# Shards written to files by separate pwsh processes merge byte for byte into the unsharded run's files.
BeforeAll {
    Import-Module (Join-Path $env:POWERTRACE_MODULE 'PowerTrace.psd1') -Force
    $script:tmp = Join-Path ([IO.Path]::GetTempPath()) ("pt-pester-shards-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $script:tmp | Out-Null
    $script:pwsh = Join-Path $PSHOME 'pwsh'
    # One synthesis, as each job runs it: the shard index comes from the environment, as a Kubernetes Indexed Job gives it.
    $script:job = @'
param($module, $out, $count)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $module 'PowerTrace.psd1')
Invoke-TraceSynthesis -Model (Get-PowerModel H100-TP1-8B) -RatePerSecond 6 -ServersPerRack 4 -RacksPerRow 3 -Rows 2 `
    -Level Rack, Row, Site, Facility -Resolution @{ Rack = '1s'; Row = '1m'; Site = '250ms'; Facility = '5m' } -Duration 00:10:00 -Seed 11 `
    -ShardIndex $env:JOB_COMPLETION_INDEX -ShardCount $count -OutFile $out | Out-Null
'@
    $script:jobFile = Join-Path $tmp 'job.ps1'
    Set-Content -LiteralPath $jobFile -Value $job
    $procs = @()
    foreach ($i in 0..3) {
        $env:JOB_COMPLETION_INDEX = "$i"
        $procs += Start-Process -FilePath $pwsh -ArgumentList @('-NoProfile', '-NonInteractive', '-File', $jobFile, $env:POWERTRACE_MODULE, (Join-Path $tmp "shard$i.csv"), '4') -PassThru -NoNewWindow
    }
    $env:JOB_COMPLETION_INDEX = '0'
    $procs += Start-Process -FilePath $pwsh -ArgumentList @('-NoProfile', '-NonInteractive', '-File', $jobFile, $env:POWERTRACE_MODULE, (Join-Path $tmp 'whole.csv'), '1') -PassThru -NoNewWindow
    $procs | Wait-Process -Timeout 240
    $script:exitCodes = $procs | ForEach-Object { $_.ExitCode }
    Remove-Item Env:JOB_COMPLETION_INDEX
}
AfterAll {
    Remove-Item -LiteralPath $script:tmp -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Merge-PowerTrace -Path' {
    It 'merges 4 shards from 4 separate processes into files byte-identical to the unsharded run' {
        $exitCodes | Should -Be @(0, 0, 0, 0, 0)
        (Get-ChildItem -LiteralPath $tmp -Filter 'shard*.csv').Count | Should -Be 16
        $written = Merge-PowerTrace -Path (Join-Path $tmp 'shard*.csv') -OutFile (Join-Path $tmp 'merged.csv')
        $written | Should -HaveCount 4
        foreach ($level in 'Rack', 'Row', 'Site', 'Facility') {
            $a = [IO.File]::ReadAllBytes((Join-Path $tmp "whole.$level.csv"))
            $b = [IO.File]::ReadAllBytes((Join-Path $tmp "merged.$level.csv"))
            $a.Length | Should -BeGreaterThan 50
            [System.Linq.Enumerable]::SequenceEqual($a, $b) | Should -BeTrue -Because "merged.$level.csv equals whole.$level.csv byte for byte"
        }
    }
    It 'gives the merged traces as objects, bit-identical to the unsharded run' {
        $site = Merge-PowerTrace -Path (Join-Path $tmp 'shard*.Site.csv')
        $site | Should -HaveCount 1
        $site.Level | Should -Be 'Site'
        $whole = Get-ChildItem -LiteralPath $tmp -Filter 'whole.Site.csv' | Merge-PowerTrace
        [System.Linq.Enumerable]::SequenceEqual([double[]] $site.Watts, [double[]] $whole.Watts) | Should -BeTrue
    }
    It 'stops a missing shard with ShardMissing naming it' {
        { Merge-PowerTrace -Path (Join-Path $tmp 'shard[013].Site.csv') -ErrorAction Stop } |
            Should -Throw -ErrorId 'ShardMissing,PowerTrace.Commands.MergePowerTraceCommand' -ExpectedMessage '*shard 2 of 4*'
    }
    It 'stops a mixed set with ShardMismatch naming the file' {
        { Merge-PowerTrace -LiteralPath (Join-Path $tmp 'shard0.Site.csv'), (Join-Path $tmp 'whole.Site.csv') -ErrorAction Stop } |
            Should -Throw -ErrorId 'ShardMismatch,PowerTrace.Commands.MergePowerTraceCommand' -ExpectedMessage '*whole.Site.csv*'
    }
    It 'does not replace -OutFile without -Force and writes nothing under -WhatIf' {
        { Merge-PowerTrace -Path (Join-Path $tmp 'shard*.Site.csv') -OutFile (Join-Path $tmp 'merged.Site.csv') -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileExists,PowerTrace.Commands.MergePowerTraceCommand'
        Merge-PowerTrace -Path (Join-Path $tmp 'shard*.Site.csv') -OutFile (Join-Path $tmp 'whatif.csv') -WhatIf
        Test-Path (Join-Path $tmp 'whatif.csv') | Should -BeFalse
    }
}

Describe 'Invoke-TraceSynthesis -ShardIndex from the environment' {
    It 'takes the strings of integers that job engines set, and refuses an unset variable' {
        $m = Get-PowerModel H100-TP1-8B
        $env:SLURM_ARRAY_TASK_ID = ' 1 '
        $r = Invoke-TraceSynthesis -Model $m -RatePerSecond 2 -Servers 4 -Duration 00:01:00 -ShardIndex $env:SLURM_ARRAY_TASK_ID -ShardCount '2'
        $r | Should -HaveCount 1
        Remove-Item Env:SLURM_ARRAY_TASK_ID
        { Invoke-TraceSynthesis -Model $m -RatePerSecond 2 -Servers 4 -Duration 00:01:00 -ShardIndex $env:SLURM_ARRAY_TASK_ID -ShardCount 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidShard,PowerTrace.Commands.InvokeTraceSynthesisCommand'
    }
}

Describe 'examples/ShardedSite.ps1' {
    It 'fans a site out over processes and over thread jobs, and merges byte-identically to the unsharded run' {
        $script = Join-Path $env:POWERTRACE_MODULE 'examples/ShardedSite.ps1'
        foreach ($engine in 'Process', 'ThreadJob') {
            $out = Join-Path $tmp "example-$engine"
            $text = & $script -OutputFolder $out -Servers 12 -Duration 00:15:00 -ShardCount 3 -Engine $engine -Verify 6>&1 | Out-String
            $text | Should -Match 'byte-identical to the unsharded run'
            (Get-ChildItem -LiteralPath $out -Filter 'shard*.csv').Count | Should -Be 9
        }
    }
}
