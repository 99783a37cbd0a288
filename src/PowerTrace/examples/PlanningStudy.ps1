<#
.SYNOPSIS
    The PowerTrace planning study on built-in defaults: a reference power model, a 24-hour diurnal
    workload with realistic token lengths, a few hundred servers in racks and rows, then
    oversubscription, the utility load profile, power capping, plots and a report; then a phased
    interconnection study of a campus built out to 150 MW over three years.
.DESCRIPTION
    Runs with nothing but the module. Prints the answers as tables and writes the traces (CSV), the
    plots (PNG) and a Markdown report into -OutputFolder. Swap in your own model with -ModelPath (a
    JSON file from Export-PowerModel) and the rest of the pipeline stays the same.
.EXAMPLE
    ./PlanningStudy.ps1 -OutputFolder ./study
.EXAMPLE
    ./PlanningStudy.ps1 -ModelPath ./my-h100-model.json -Rows 4 -RowLimitKW 300
#>
[CmdletBinding()]
param(
    # Folder of the PowerTrace module (default: the module this script ships in).
    [string] $ModulePath = (Split-Path $PSScriptRoot -Parent),
    # Where the report, plots and CSV go.
    [string] $OutputFolder = (Join-Path (Get-Location) 'powertrace-study'),
    # Built-in reference model to use.
    [string] $ModelName = 'H100-TP4-70B',
    # Use a saved model (Export-PowerModel) instead of the reference model.
    [string] $ModelPath,
    [int] $Rows = 8,
    [int] $RacksPerRow = 10,
    [int] $ServersPerRack = 4,
    # Site-wide request rate at the daily peak and trough, requests per second.
    [double] $PeakRatePerSecond = 120,
    [double] $TroughRatePerSecond = 35,
    # Power limit of one row (the breaker the racks share), kW.
    [double] $RowLimitKW = 150,
    [double] $Pue = 1.3,
    [double] $NonGpuWatts = 1000,
    [uint64] $Seed = 42,
    # Interconnection study: facility MW by TDP sizing added in each phase (one phase a year from 2026), yearly traffic growth, seeds.
    [double[]] $PhaseMW = @(20, 40, 90),
    [double] $TrafficGrowthPerYear = 0.1,
    [int] $InterconnectionSeeds = 3
)

$ErrorActionPreference = 'Stop'
$clock = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module (Join-Path $ModulePath 'PowerTrace.psd1') -Force
New-Item -ItemType Directory -Force $OutputFolder | Out-Null

# 1. The model: a built-in reference model, or your own.
$model = if ($ModelPath) { Import-PowerModel -LiteralPath $ModelPath } else { Get-PowerModel -Name $ModelName }
Write-Host "`n== Power model: $($model.Configuration)" -ForegroundColor Cyan
if ($model.WorkPower) {
    # Node power at the operating points a planner cares about, from the model's work-power curve.
    $p = $model.ServingProfile
    $decodeW = $model.WorkPower.NodeWatts(1, 0, 8, 1 / $p.DecodeStepSeconds(8), $p.MaxBatchedPromptTokens)
    [pscustomobject]@{
        IdleW            = [int]$model.IdleWatts
        DecodeBatch8W    = [int]$decodeW
        PrefillW         = [int]$model.WorkPower.PrefillPhaseWatts($p)
        CeilingW         = [int]$model.WorkPower.NodeCeilingWatts
        NameplateW       = [int]$model.NameplateWatts
        'Decode steps/s' = '{0:N1}' -f $p.DecodeStepsPerSecond
        'Prefill tok/s'  = '{0:N0}' -f $p.PrefillTokensPerSecond
    } | Format-Table -AutoSize | Out-Host
    Write-Host "   Node power follows the work in flight (bytes and FLOPs per second, capped at the power limit); $($model.StateCount) states add what the work leaves unexplained (standby hold after work, bursts). Sources: `$model.Provenance.Derivation."
}
else {
    $model.States | Format-Table Name, @{ n = 'Mean_W'; e = { '{0:N0}' -f $_.MeanWatts } }, @{ n = 'Std_W'; e = { '{0:N0}' -f $_.StdWatts } }, @{ n = 'TrainingShare'; e = { '{0:P1}' -f $_.Share } } -AutoSize | Out-Host
}

# 2. Synthesize one day of diurnal traffic across the site.
$servers = $Rows * $RacksPerRow * $ServersPerRack
Write-Host "== Synthesizing 24 h for $servers servers ($Rows rows x $RacksPerRow racks x $ServersPerRack servers), diurnal $TroughRatePerSecond..$PeakRatePerSecond req/s" -ForegroundColor Cyan
$traces = Invoke-TraceSynthesis -Model $model -Diurnal -PeakRatePerSecond $PeakRatePerSecond -TroughRatePerSecond $TroughRatePerSecond `
    -TokenDistribution AzureConversation -Rows $Rows -RacksPerRow $RacksPerRow -ServersPerRack $ServersPerRack `
    -NonGpuWatts $NonGpuWatts -Pue $Pue -Duration ([TimeSpan]::FromHours(24)) -Seed $Seed `
    -Level Server, Rack, Row, Site, Facility -Resolution @{ Server = '10s'; Rack = '10s'; Row = '10s'; Site = '10s'; Facility = '1s' }
$byLevel = $traces | Group-Object Level -AsHashTable -AsString
$site = $byLevel['Site']; $facility = $byLevel['Facility']; $racks = $byLevel['Rack']

# Smoothing within the busiest hour (the daily swing would otherwise dominate the coefficient of variation).
$siteTrace = @($byLevel['Site'])[0]
$binsPerHour = [int](3600 / $siteTrace.BinSeconds)
$hourly = for ($h = 0; $h -lt 24; $h++) { [pscustomobject]@{ Hour = $h; Mean = ($siteTrace.Watts[($h * $binsPerHour)..(($h + 1) * $binsPerHour - 1)] | Measure-Object -Average).Average } }
$busiest = ($hourly | Sort-Object Mean -Descending | Select-Object -First 1).Hour
Write-Host ("== Smoothing: coefficient of variation by level, busiest hour {0:00}:00-{1:00}:00 UTC, 10 s bins" -f $busiest, ($busiest + 1)) -ForegroundColor Cyan
$smoothing = foreach ($level in 'Server', 'Rack', 'Row', 'Site') {
    $cvs = foreach ($t in $byLevel[$level]) { ($t.Slice($busiest * $binsPerHour, $binsPerHour) | Measure-LoadProfile).CoefficientOfVariation }
    [pscustomobject]@{ Level = $level; Traces = @($byLevel[$level]).Count; MeanCV = '{0:N4}' -f ($cvs | Measure-Object -Average).Average }
}
$smoothing | Format-Table -AutoSize | Out-Host

# 3. The utility's view: facility load profile; diversity from the site against its servers.
$facilityProfile = $facility | Measure-LoadProfile
$siteProfile = @($site) + @($byLevel['Server']) | Measure-LoadProfile
$nameplateKW = $servers * ($model.NameplateWatts + $NonGpuWatts) * $Pue / 1000
Write-Host "== Facility load profile (what the utility sees)" -ForegroundColor Cyan
function Show-Rounded($obj, [string[]] $props, [int] $digits = 2) {
    $o = [ordered]@{}
    foreach ($p in $props) { $v = $obj.$p; $o[$p] = if ($v -is [double]) { [math]::Round($v, $digits) } else { $v } }
    [pscustomobject]$o | Format-List | Out-Host
}
Show-Rounded $facilityProfile PeakKW, MeanKW, MinKW, LoadFactor, PeakToAverage, CoefficientOfVariation, RampUp95KWPerSecond, RampUpMaxKWPerSecond, RampUpMaxKWPer15Min, RampDownMaxKWPer15Min, RampUpMaxKWPer15MinBlock, RampDownMaxKWPer15MinBlock, LargestStepKW, TransformerMVA, EnergyMWh, AnnualEnergyMWh 3
Write-Host ("   Facility peak {0:N0} kW against {1:N0} kW by nameplate (TDP) sizing: {2:P0} of nameplate. Coincidence factor {3:N3} (site peak / sum of server peaks)." -f `
        $facilityProfile.PeakKW, $nameplateKW, ($facilityProfile.PeakKW / $nameplateKW), $siteProfile.CoincidenceFactor)

# 4. How many racks fit under a row's breaker?
$rackNameplateKW = $ServersPerRack * ($model.NameplateWatts + $NonGpuWatts) / 1000
Write-Host "`n== Oversubscription: racks under a $RowLimitKW kW row limit (nameplate $rackNameplateKW kW per rack)" -ForegroundColor Cyan
$oversub = $racks | Measure-Oversubscription -LimitKW $RowLimitKW -NameplateKW $rackNameplateKW -Seed $Seed
Show-Rounded $oversub UnitsThatFit, NameplateCount, OversubscriptionRatio, MeanPowerCount, MeanUnitPowerKW, PeakQuantileAtCountKW, ExceedanceProbabilityAtCount

# 5. Power capping: the cap that keeps 99.9 % of the facility's energy untouched.
$cap = $facility | Measure-PowerCap -KeepEnergyShare 0.999
Write-Host "== Power cap keeping 99.9 % of energy" -ForegroundColor Cyan
Show-Rounded $cap CapKW, PeakKW, EnergyAboveCapKWh, SecondsAboveCap, EpisodeCount, LongestEpisodeSeconds

# 6. Files: traces for Excel, plots, and the report.
$facility | Export-PowerTrace -Path (Join-Path $OutputFolder 'facility-1s.csv') -Force
@($site) + @($byLevel['Row']) | Export-PowerTrace -Path (Join-Path $OutputFolder 'site-and-rows-10s.csv') -Force
$assumptions = [ordered]@{
    'Power model'              = "$($model.Configuration)"
    'Layout'                   = "$Rows rows x $RacksPerRow racks x $ServersPerRack servers = $servers servers"
    'Workload'                 = "diurnal Poisson, $TroughRatePerSecond to $PeakRatePerSecond req/s site-wide, Azure-conversation token lengths"
    'Routing'                  = 'random'
    'Non-GPU power per server' = "$NonGpuWatts W"
    'PUE'                      = $Pue
    'Horizon'                  = '24 h from 2024-01-01 00:00 UTC'
    'Seed'                     = $Seed
    'Row limit / rack nameplate' = "$RowLimitKW kW / $rackNameplateKW kW"
}
$sizing = @(
    [pscustomobject]@{ Basis = 'Synthesized facility peak'; KW = [math]::Round($facilityProfile.PeakKW, 1); ShareOfNameplate = [math]::Round($facilityProfile.PeakKW / $nameplateKW, 3) }
    [pscustomobject]@{ Basis = 'Nameplate (TDP) sizing'; KW = [math]::Round($nameplateKW, 1); ShareOfNameplate = 1 }
    [pscustomobject]@{ Basis = 'Coincidence factor (site peak / sum of server peaks)'; KW = ''; ShareOfNameplate = [math]::Round($siteProfile.CoincidenceFactor, 3) }
)
$tables = [ordered]@{
    ("Smoothing: coefficient of variation by level, busiest hour ({0:00}:00 UTC), 10 s bins" -f $busiest) = $smoothing
    'Facility peak against nameplate sizing' = $sizing
}
$reportInputs = @($facility, $byLevel['Row'][0], $byLevel['Rack'][0], $byLevel['Server'][0], $facilityProfile, $oversub, $cap, $model)
$reportInputs | New-PowerReport -Path (Join-Path $OutputFolder 'report.md') -Title 'PowerTrace site study' -Assumptions $assumptions -Table $tables -Force
$reportInputs | New-PowerReport -Path (Join-Path $OutputFolder 'report.html') -Title 'PowerTrace site study' -Assumptions $assumptions -Table $tables -Force

# 7. The utility's interconnection request: a campus built out in phases, studied year by year.
$phaseList = for ($i = 0; $i -lt $PhaseMW.Count; $i++) {
    @{ Date = (Get-Date -Year (2026 + $i) -Month 1 -Day 1 -Hour 0 -Minute 0 -Second 0 -Millisecond 0 -AsUTC); MW = $PhaseMW[$i]; Name = "phase $($i + 1)" }
}
$totalMW = ($PhaseMW | Measure-Object -Sum).Sum
Write-Host "`n== Interconnection study: $($PhaseMW.Count) phases to $totalMW MW of TDP-sized load, traffic +$($TrafficGrowthPerYear * 100) % a year, $InterconnectionSeeds seeds" -ForegroundColor Cyan
$ic = New-InterconnectionStudy -Phase $phaseList -Model $model -TrafficGrowthPerYear $TrafficGrowthPerYear -NonGpuWatts $NonGpuWatts -Pue $Pue `
    -SeedCount $InterconnectionSeeds -Seed $Seed -ReportPath (Join-Path $OutputFolder 'interconnection.md'), (Join-Path $OutputFolder 'interconnection.html') `
    -CsvPath (Join-Path $OutputFolder 'interconnection-8760.csv') -Force
$ic | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
$full = $ic[-1]
Write-Host ("   Full build ({0}): {1:N0} servers, peak 15-min demand {2:N1} MW (P90 {3:N1}) against {4:N1} MW by TDP sizing ({5:P0}); largest 1-min ramp {6:N2} MW up, {7:N2} MW down; load factor {8:N3}." -f `
        $full.Year, $full.Servers, $full.PeakDemandMW, $full.PeakDemandP90MW, $full.TdpSizingMW, $full.PeakShareOfTdp, $full.RampUp1MinMW, $full.RampDown1MinMW, $full.LoadFactor)
Write-Host "   Method: $($full.Method) (central-limit composition; see Get-Help Invoke-TraceSynthesis -Parameter Method)."

Write-Host ("`nDone in {0:N1} s. Report, plots and CSV in {1}" -f $clock.Elapsed.TotalSeconds, (Resolve-Path $OutputFolder))
Get-ChildItem $OutputFolder -Recurse -File | Select-Object @{ n = 'File'; e = { $_.FullName.Substring((Resolve-Path $OutputFolder).Path.Length + 1) } }, @{ n = 'KB'; e = { [int][math]::Ceiling($_.Length / 1KB) } } | Format-Table -AutoSize | Out-Host
