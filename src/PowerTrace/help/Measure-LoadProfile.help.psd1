@{
    Synopsis    = 'Describes a site or facility load as the utility sees it: peak, load factor, ramps, steps, load-duration curve, diversity, transformer rating and energy.'
    Description = @'
Measure-LoadProfile computes what interconnection studies ask for, where peak alone is not enough: peak, mean and minimum; load factor (mean / peak), peak-to-average ratio and coefficient of variation; ramp rates per second and per 15 minutes (95th percentile and maximum, up and down); the largest step between consecutive bins; the load-duration curve (the LoadDuration property, as points); the transformer rating in MVA (peak / power factor); energy over the horizon and extrapolated to a year in MWh; and, when the horizon covers a year, the 8760 hourly means (HourlyProfileKW).

Traces at the highest level given (e.g. Site or Facility) are profiled; several of them (e.g. synthesis seeds) are pooled as replicates, and PeakP95AcrossSeedsKW is the 95th percentile of their peaks. Traces at a lower level given beside them (e.g. the Server traces of the same run) are components: CoincidenceFactor is the first site trace's peak over the sum of the components' peaks (at most 1), DiversityFactor its reciprocal (the IEEE definition, at least 1).

Ramps (rolling windows, the headline figures): the load is first averaged over a trailing window of about one second (m = round(1 s / bin) bins when bins are finer than a second, RampSmoothingSeconds; no smoothing for bins of 1 s or wider). A ramp over an interval (1 s, or 15 min = 900 s, in whole bins: ShortRampIntervalSeconds, LongRampIntervalSeconds) is that averaged load at t + interval minus at t, for every bin t, so every window counts, not only aligned ones; it is given in kW/s (RampUp95KWPerSecond, RampUpMaxKWPerSecond, RampDown...) or kW per 15 minutes (RampUp95KWPer15Min, RampUpMaxKWPer15Min, RampDown...). Up figures are the 95th percentile (type 7) and the maximum of the changes, down figures those of the falls, as positive numbers (0 when the load never moves that way). Ramps never span two replicates.

Block ramps (RampUp95KWPer15MinBlock, RampUpMaxKWPer15MinBlock, RampDown95KWPer15MinBlock, RampDownMaxKWPer15MinBlock): the change between consecutive fixed 15-minute means counted from the start, what a 15-minute interval meter would show. They are never larger than the rolling maximum for bins of 1 s or wider and usually smaller: quote the rolling figures to an interconnection study, the block figures when it asks for metered 15-minute intervals.

Format-List shows a rounded summary of the planning figures; Format-List * or Select-Object * shows every property at full precision.
'@
    Parameters  = @{
        InputObject        = 'Traces (PowerTrace.Core.Traces.PowerSeries) with one bin width and start time: the site or facility traces to profile, optionally with lower-level (server) traces for the diversity figures. Accepts pipeline input.'
        PowerFactor        = 'Power factor for the transformer rating, in (0, 1]. Default 0.9. TransformerMVA = PeakKW / 1000 / PowerFactor.'
        LoadDurationPoints = 'Number of points of the load-duration curve, at least 2. Default 101 (every percent of the time, from the peak to the minimum).'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Examples    = @(
        @{
            Code    = '$site | Measure-LoadProfile | Format-List'
            Remarks = 'The figures a utility asks for, from one site trace, rounded for reading (peak, load factor, rolling and block 15-minute ramps, per-second ramps, step, transformer rating, energy).'
        }
        @{
            Code    = '$sites + $servers | Measure-LoadProfile -PowerFactor 0.95 -LoadDurationPoints 21 | Select-Object -ExpandProperty LoadDuration'
            Remarks = 'Several synthesized site traces (seeds) pooled, with the server traces beside them for the diversity factor; the load-duration curve at every 5 % of the time.'
        }
    )
    Notes       = 'Error ids: NoInput, MixedBinWidths, MixedStartTimes, PowerFactorOutOfRange, PointCountOutOfRange.'
    Links       = @('Measure-Oversubscription', 'Measure-PowerCap')
}
