@{
    Synopsis    = 'Shows what a power cap does to a trace, or finds the cap that keeps a given share of its energy untouched.'
    Description = @'
Measure-PowerCap evaluates power capping and demand response at any level (server, rack, row, site). For each piped trace and a cap in kW it reports the energy above the cap (what capping removes or defers, kWh), the time above the cap and the number of episodes (runs of consecutive bins above it), the longest episode, and the peak after capping.

With -KeepEnergyShare it first finds the cap that leaves that share of the energy untouched (e.g. 0.999: only 0.1 % of the energy lies above the cap), exactly, by bisection on the sorted bins, and then reports its effect. Unmeasured (NaN) bins are skipped and end an episode. One result is written per trace.
'@
    Parameters  = @{
        InputObject     = 'Traces (PowerTrace.Core.Traces.PowerSeries) of any level. Accepts pipeline input; one result per trace.'
        CapKW           = 'The cap, in kilowatts. Must be positive (NonPositiveCap).'
        KeepEnergyShare = 'Share of the energy, in (0, 1], that the cap must leave untouched, e.g. 0.999. The cap is found for each trace (EnergyShareOutOfRange outside (0, 1]).'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Examples    = @(
        @{
            Code    = '$site | Measure-PowerCap -CapKW 650'
            Remarks = 'Energy, time and episodes above a 650 kW cap on a site trace, and the peak after capping.'
        }
        @{
            Code    = '$racks | Measure-PowerCap -KeepEnergyShare 0.999 | Sort-Object CapKW | Select-Object -First 5'
            Remarks = 'For every rack, the cap that touches only 0.1 % of its energy; the five racks that tolerate the lowest caps.'
        }
    )
    Notes       = 'Error ids: NoInput, NonPositiveCap, EnergyShareOutOfRange.'
    Links       = @('Measure-Oversubscription', 'Measure-LoadProfile')
}
