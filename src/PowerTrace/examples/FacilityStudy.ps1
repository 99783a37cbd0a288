<#
.SYNOPSIS
    The published facility study's shape: 240 servers (10 rows x 6 racks x 4 servers) serving one
    hour of a real request trace with random routing, 1000 W non-GPU power per server, PUE 1.3.
.DESCRIPTION
    Prints peak, mean, peak-to-average ratio and coefficient of variation per level (server, rack,
    row, site, facility), the facility peak against TDP sizing, the racks that fit under a row limit
    at the 95th percentile against nameplate sizing, the load factor and the 15-minute ramps.
    With -PassThru, returns one object with every number, for tests and reports.
.EXAMPLE
    ./FacilityStudy.ps1 -RequestLog ../shared/data/azure-llm-2023/AzureLLMInferenceTrace_conv.csv
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $RequestLog,
    [string] $ModulePath = (Split-Path $PSScriptRoot -Parent),
    [string] $ModelName = 'H100-TP4-70B',
    [double] $RowLimitKW = 600,
    [double] $RackNameplateKW = 26,
    [uint64] $Seed = 1,
    # Seeds of the same site synthesized for the rack pool that oversubscription draws from (60 racks each), so
    # the answer does not have to reuse racks.
    [ValidateRange(1, 100)] [int] $PoolSeeds = 5,
    # Print nothing; with -PassThru, only return the result object.
    [switch] $Quiet,
    # Return one object with every number (for tests and reports).
    [switch] $PassThru
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModulePath 'PowerTrace.psd1') -Force
$model = Get-PowerModel -Name $ModelName
$requests = Import-RequestTrace -LiteralPath $RequestLog
$traces = Invoke-TraceSynthesis -Model $model -Requests $requests -NoLoop -Rows 10 -RacksPerRow 6 -ServersPerRack 4 -Router Random `
    -NonGpuWatts 1000 -Pue 1.3 -Level Server, Rack, Row, Site, Facility -Resolution '1s' -Duration ([TimeSpan]::FromHours(1)) -Seed $Seed
$byLevel = $traces | Group-Object Level -AsHashTable -AsString

$levels = foreach ($level in 'Server', 'Rack', 'Row', 'Site', 'Facility') {
    $profiles = $byLevel[$level] | ForEach-Object { $_ | Measure-LoadProfile }
    [pscustomobject]@{
        Level         = $level
        Traces        = @($profiles).Count
        MeanPeakKW    = [math]::Round(($profiles | Measure-Object PeakKW -Average).Average, 2)
        MeanMeanKW    = [math]::Round(($profiles | Measure-Object MeanKW -Average).Average, 2)
        PeakToAverage = [math]::Round(($profiles | Measure-Object PeakToAverage -Average).Average, 3)
        MeanCV        = [math]::Round(($profiles | Measure-Object CoefficientOfVariation -Average).Average, 4)
    }
}
$facility = $byLevel['Facility'] | Measure-LoadProfile
$tdpKW = 240 * ($model.NameplateWatts + 1000) * 1.3 / 1000
# The rack pool: the same site and traffic under $PoolSeeds routing/power seeds (the first is the run above).
$pool = @($byLevel['Rack'])
for ($k = 1; $k -lt $PoolSeeds; $k++) {
    $pool += Invoke-TraceSynthesis -Model $model -Requests $requests -NoLoop -Rows 10 -RacksPerRow 6 -ServersPerRack 4 -Router Random `
        -NonGpuWatts 1000 -Pue 1.3 -Level Rack -Resolution '1s' -Duration ([TimeSpan]::FromHours(1)) -Seed ($Seed + [uint64]$k)
}
$oversub = $pool | Measure-Oversubscription -LimitKW $RowLimitKW -NameplateKW $RackNameplateKW -Seed $Seed
$result = [pscustomobject]@{
    Model                  = "$($model.Configuration)"
    Requests               = $requests.Count
    Levels                 = $levels
    FacilityPeakKW         = [math]::Round($facility.PeakKW, 1)
    FacilityMeanKW         = [math]::Round($facility.MeanKW, 1)
    TdpSizingKW            = [math]::Round($tdpKW, 1)
    LoadFactor             = [math]::Round($facility.LoadFactor, 3)
    RampUpMaxKWPer15Min    = [math]::Round($facility.RampUpMaxKWPer15Min, 1)
    RampDownMaxKWPer15Min  = [math]::Round($facility.RampDownMaxKWPer15Min, 1)
    RampUpMaxKWPer15MinBlock   = [math]::Round($facility.RampUpMaxKWPer15MinBlock, 1)
    RampDownMaxKWPer15MinBlock = [math]::Round($facility.RampDownMaxKWPer15MinBlock, 1)
    RampUp95KWPerSecond    = [math]::Round($facility.RampUp95KWPerSecond, 2)
    RacksThatFit           = $oversub.UnitsThatFit
    RacksByNameplate       = $oversub.NameplateCount
    RacksByMeanPower       = $oversub.MeanPowerCount
    RackPool               = $pool.Count
}
if (-not $Quiet) {
    Write-Host "Facility study: 240 servers ($($result.Model)), $($result.Requests) requests replayed over 1 h, random routing, 1000 W non-GPU, PUE 1.3"
    $levels | Format-Table -AutoSize | Out-Host
    Write-Host ("Facility peak {0} kW (mean {1} kW) against {2} kW by TDP sizing; load factor {3}." -f `
            $result.FacilityPeakKW, $result.FacilityMeanKW, $result.TdpSizingKW, $result.LoadFactor)
    Write-Host ("Largest 15-min ramps: up {0} / down {1} kW over any 15-min window; up {2} / down {3} kW between 15-min interval means." -f `
            $result.RampUpMaxKWPer15Min, $result.RampDownMaxKWPer15Min, $result.RampUpMaxKWPer15MinBlock, $result.RampDownMaxKWPer15MinBlock)
    Write-Host ("Racks under a {0} kW row at P95: {1} (nameplate {2} kW per rack allows {3}; mean power allows {4}); pool of {5} racks from {6} seeds." -f `
            $RowLimitKW, $result.RacksThatFit, $RackNameplateKW, $result.RacksByNameplate, $result.RacksByMeanPower, $result.RackPool, $PoolSeeds)
}
if ($PassThru) { $result }
