<#
.SYNOPSIS
    Fans a site out as shards over separate processes, then merges their files exactly: the pattern that runs
    unchanged on Kubernetes Indexed Jobs, Slurm arrays and Azure Automation child runbooks.
.DESCRIPTION
    Coordinator (no -ShardIndex): starts -ShardCount workers in parallel, each a separate pwsh process running this
    same script with -ShardIndex (-Engine Process, the default: ForEach-Object -Parallel starts the processes), or
    each a thread job in this process (-Engine ThreadJob: Start-ThreadJob). Every worker writes its shard with
    Invoke-TraceSynthesis -OutFile (a CSV per level and its .powertrace.json sidecar). When all are done,
    Merge-PowerTrace -Path checks the shard files (every shard once, one run) and writes the merged site to
    <OutputFolder>/site.<Level>.csv, byte-identical to one unsharded run. -Verify also runs the site unsharded and
    compares the files byte for byte.

    Worker (-ShardIndex given): synthesizes that shard only. On a job engine, run the worker with the engine's
    index, then the merge as the last step:
        Kubernetes Indexed Job:  pwsh ./ShardedSite.ps1 -ShardIndex $env:JOB_COMPLETION_INDEX -ShardCount 8 -OutputFolder /shared/run1
        Slurm (--array=0-7):     pwsh ./ShardedSite.ps1 -ShardIndex $env:SLURM_ARRAY_TASK_ID -ShardCount $env:SLURM_ARRAY_TASK_COUNT -OutputFolder /shared/run1
        then, once:              Merge-PowerTrace -Path /shared/run1/shard*.csv -OutFile /shared/run1/site.csv
.EXAMPLE
    ./ShardedSite.ps1 -OutputFolder ./out/sharded -ShardCount 4 -Verify
.EXAMPLE
    ./ShardedSite.ps1 -OutputFolder ./out/sharded -Engine ThreadJob -Servers 1024 -Duration 06:00:00
#>
[CmdletBinding()]
param(
    [string] $OutputFolder = (Join-Path ([IO.Path]::GetTempPath()) 'powertrace-sharded'),
    [string] $ModulePath = (Split-Path $PSScriptRoot -Parent),
    [string] $ModelName = 'H100-TP4-70B',
    [int] $Servers = 256,
    [double] $RatePerServer = 0.25,
    [TimeSpan] $Duration = '01:00:00',
    [uint64] $Seed = 1,
    # Strings of integers as job engines set them ($env:JOB_COMPLETION_INDEX) are taken as they are.
    [string] $ShardIndex,
    [string] $ShardCount = '4',
    [ValidateSet('Process', 'ThreadJob')] [string] $Engine = 'Process',
    # Coordinator: also run unsharded and compare the merged files with its files, byte for byte.
    [switch] $Verify
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModulePath 'PowerTrace.psd1')
$folder = [IO.Path]::GetFullPath($OutputFolder)
New-Item -ItemType Directory -Force -Path $folder | Out-Null

# One definition of the run, shared by every worker and by the unsharded check.
$run = @{
    Model         = Get-PowerModel -Name $ModelName
    RatePerSecond = $RatePerServer * $Servers
    Servers       = $Servers
    Level         = 'Row', 'Site', 'Facility'
    Resolution    = @{ Row = '1m'; Site = '1s'; Facility = '15min' }
    Duration      = $Duration
    Seed          = $Seed
    Force         = $true
}

if ($PSBoundParameters.ContainsKey('ShardIndex')) {
    # Worker: one shard, to files.
    Invoke-TraceSynthesis @run -ShardIndex $ShardIndex -ShardCount $ShardCount -OutFile (Join-Path $folder "shard$($ShardIndex.Trim()).csv") | Out-Null
    return
}

$count = [int] $ShardCount
$clock = [Diagnostics.Stopwatch]::StartNew()
Get-ChildItem -LiteralPath $folder -Filter 'shard*' | Remove-Item -Force
if ($Engine -eq 'Process') {
    # Each shard in its own pwsh process (as on separate machines), started in parallel.
    $script = $PSCommandPath
    $pwsh = Join-Path $PSHOME 'pwsh'
    $codes = 0..($count - 1) | ForEach-Object -ThrottleLimit $count -Parallel {
        & $using:pwsh -NoProfile -NonInteractive -File $using:script -ShardIndex "$_" -ShardCount "$using:count" `
            -OutputFolder $using:folder -ModulePath $using:ModulePath -ModelName $using:ModelName -Servers $using:Servers `
            -RatePerServer $using:RatePerServer -Duration $using:Duration -Seed $using:Seed
        $LASTEXITCODE
    }
    if ($codes | Where-Object { $_ -ne 0 }) { throw "A shard process failed (exit codes: $($codes -join ', '))." }
}
else {
    # Each shard a thread job in this process, writing its files.
    $jobs = 0..($count - 1) | ForEach-Object {
        Start-ThreadJob -ThrottleLimit $count -ArgumentList $_, $count, $run, $folder, $ModulePath -ScriptBlock {
            param($i, $n, $run, $folder, $module)
            Import-Module (Join-Path $module 'PowerTrace.psd1')
            Invoke-TraceSynthesis @run -ShardIndex $i -ShardCount $n -OutFile (Join-Path $folder "shard$i.csv") | Out-Null
        }
    }
    $jobs | Receive-Job -Wait -AutoRemoveJob | Out-Null
}
Write-Host ("{0} shards of {1} servers written in {2:0.0} s" -f $count, $Servers, $clock.Elapsed.TotalSeconds)

# The last step: merge the shard files (every shard once, one run, each CSV the one its sidecar describes).
$merged = Merge-PowerTrace -Path (Join-Path $folder 'shard*.csv') -OutFile (Join-Path $folder 'site.csv') -Force
$merged | Format-Table Level, TraceCount, BinCount, ResolutionSeconds, Path -AutoSize | Out-Host

if ($Verify) {
    Invoke-TraceSynthesis @run -OutFile (Join-Path $folder 'unsharded.csv') | Out-Null
    $same = foreach ($f in $merged) {
        $u = Join-Path $folder ("unsharded." + $f.Level + ".csv")
        [pscustomobject]@{ Level = $f.Level; Identical = [Linq.Enumerable]::SequenceEqual([IO.File]::ReadAllBytes($f.Path), [IO.File]::ReadAllBytes($u)) }
    }
    $same | Format-Table -AutoSize | Out-Host
    if ($same.Identical -contains $false) { throw 'The merged files differ from the unsharded run.' }
    Write-Host 'Merged shards are byte-identical to the unsharded run.'
}
