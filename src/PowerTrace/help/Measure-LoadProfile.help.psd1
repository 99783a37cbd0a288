@{
    Synopsis    = 'Describes a site or facility load as the utility sees it: peak, load factor, ramps, steps, load-duration curve, diversity, transformer rating and energy.'
    Description = @'
Measure-LoadProfile computes what interconnection studies ask for, where peak alone is not enough: peak, mean and minimum; load factor (mean / peak), peak-to-average ratio and coefficient of variation; ramp rates per second and per 15 minutes (95th percentile and maximum, up and down); the largest step between consecutive bins; the load-duration curve (the LoadDuration property, as points); the transformer rating in MVA (peak / power factor); energy over the horizon and extrapolated to a year in MWh; and, when the horizon covers a year, the 8760 hourly means (HourlyProfileKW).

Traces at the highest level given (e.g. Site or Facility) are profiled; several of them (e.g. synthesis seeds) are pooled as replicates, and PeakP95AcrossSeedsKW is the 95th percentile of their peaks. Traces at a lower level given beside them (e.g. the Server traces of the same run) are components: CoincidenceFactor is the first site trace's peak over the sum of the components' peaks (at most 1), DiversityFactor its reciprocal (the IEEE definition, at least 1).

Ramps: the series is resampled to block means of the interval (1 s or 15 min, in whole bins); a ramp is the change between consecutive blocks divided by their spacing, in kW per second or kW per 15 minutes. Up figures are the 95th percentile and maximum of the changes, down figures those of the falls, as positive numbers (0 when the load never moves that way).
'@
    Parameters  = @{
        InputObject        = 'Traces (PowerTrace.Core.Traces.PowerSeries) with one bin width and start time: the site or facility traces to profile, optionally with lower-level (server) traces for the diversity figures. Accepts pipeline input.'
        PowerFactor        = 'Power factor for the transformer rating, in (0, 1]. Default 0.9. TransformerMVA = PeakKW / 1000 / PowerFactor.'
        LoadDurationPoints = 'Number of points of the load-duration curve, at least 2. Default 101 (every percent of the time, from the peak to the minimum).'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Examples    = @(
        @{
            Code    = '$site | Measure-LoadProfile | Format-List PeakKW, LoadFactor, RampUp95KWPer15Min, TransformerMVA, AnnualEnergyMWh'
            Remarks = 'The figures a utility asks for, from one site trace.'
        }
        @{
            Code    = '$sites + $servers | Measure-LoadProfile -PowerFactor 0.95 -LoadDurationPoints 21 | Select-Object -ExpandProperty LoadDuration'
            Remarks = 'Several synthesized site traces (seeds) pooled, with the server traces beside them for the diversity factor; the load-duration curve at every 5 % of the time.'
        }
    )
    Notes       = 'Error ids: NoInput, MixedBinWidths, MixedStartTimes, PowerFactorOutOfRange, PointCountOutOfRange.'
    Links       = @('Measure-Oversubscription', 'Measure-PowerCap')
}
