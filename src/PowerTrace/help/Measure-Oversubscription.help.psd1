@{
    Synopsis    = 'Finds how many racks or servers fit under a power limit at a risk level, by drawing random subsets of unit traces.'
    Description = @'
Measure-Oversubscription answers the capacity planner's question "how many units can I put behind this breaker?" with the method of the published study (Wilkins et al. 2026). For each candidate count n it draws -Trials random subsets of n unit traces (racks or servers, piped from Invoke-TraceSynthesis or imported), takes the peak of their summed power over the horizon, and reports the largest n whose -Quantile of those peaks stays at or under -LimitKW.

Beside the answer it reports the two baselines: nameplate (TDP) sizing, floor(LimitKW / NameplateKW), and constant mean power, floor(LimitKW / mean unit power); the oversubscription ratio (answer / nameplate count); the curve of the peak quantile versus n (the Curve property, one object per count, for plotting or Export-Csv); and, at -AtCount units (default the answer), the probability of exceeding the limit in the horizon and the expected time above it.

Each trial takes a random permutation of the pool; its first n units are a uniform random n-subset, so one running sum per trial gives every count (nested subsets; each size on its own is exactly uniform). Without -AllowReplacement counts stop at the number of units given. Trial t uses the random stream (Seed, t): the same seed gives the same answer on any machine and thread count. The quantile is type 7 (linear interpolation, numpy's default).

Warnings say what bounds the answer: a horizon shorter or longer than the traces, fewer distinct subsets than trials at the answer (too small a pool), identical unit traces (one seed used twice), counts beyond the pool drawn with replacement, or every count fitting (the answer is a lower bound).
'@
    Parameters  = @{
        InputObject      = 'Unit traces (PowerTrace.Core.Traces.PowerSeries of rack or server level), all with the same bin width and start time. Accepts pipeline input; the answer is written after the last one.'
        LimitKW          = 'Power limit at the level above the units, in kilowatts, e.g. 600 for a row. Must be positive (NonPositiveLimit) and at least the peak of every single unit (LimitBelowUnitPeak).'
        NameplateKW      = 'Nameplate (TDP-sized) power of one unit, in kilowatts, e.g. 26 for a rack. Gives the nameplate count and the oversubscription ratio.'
        Quantile         = 'Risk level in (0, 1): a count fits when this quantile of its subset peaks is at or under the limit. Default 0.95. Outside (0, 1): QuantileOutOfRange.'
        Trials           = 'Random subsets drawn for each count. Default 200.'
        Seed             = 'Master seed of the random subsets. Default 1, as in every PowerTrace cmdlet. The same seed reproduces the answer exactly.'
        AtCount          = 'Count at which the exceedance probability and the expected time above the limit are reported. Default: the answer.'
        MaxCount         = 'Largest count evaluated, honoured as given (the Curve then runs to it). Default: the number of units given, or with -AllowReplacement up to ten times the pool; either way evaluation stops early at the count whose summed mean power surely exceeds the limit.'
        AllowReplacement = 'Evaluate counts beyond the number of units given: after the whole pool, units are drawn again with replacement. Repeated units are perfectly correlated, so peaks are overstated (the answer errs on the safe side); prefer a larger synthesized pool.'
        HorizonSeconds   = 'Horizon over which each subset''s peak is taken, in seconds. Default: the whole trace. Shorter: each trial takes a random window of this length. Longer than the traces: a warning, because the quantile then understates the peak over the horizon.'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Examples    = @(
        @{
            Code    = '$racks | Measure-Oversubscription -LimitKW 600 -NameplateKW 26'
            Remarks = 'How many 26 kW racks a 600 kW row holds at the 95th-percentile peak, against 23 by nameplate. $racks are rack-level traces, e.g. from Invoke-TraceSynthesis.'
        }
        @{
            Code    = '$r = $racks | Measure-Oversubscription -LimitKW 600 -NameplateKW 26 -Quantile 0.99 -Trials 500 -Seed 7; $r.Curve | Export-Csv curve.csv'
            Remarks = 'A stricter risk level with more trials, then the peak-quantile curve versus rack count written to CSV for plotting.'
        }
        @{
            Code    = '$racks | Measure-Oversubscription -LimitKW 600 -NameplateKW 26 -AtCount 60 | Format-List AtCount, ExceedanceProbabilityAtCount, ExpectedSecondsAboveLimitAtCount'
            Remarks = 'The risk of putting 60 racks in the row: the probability of exceeding 600 kW in the horizon and the expected time above it.'
        }
    )
    Notes       = 'Error ids: NoInput, LimitBelowUnitPeak, QuantileOutOfRange, MixedBinWidths, MixedStartTimes, NonPositiveLimit, NonPositiveNameplate, TrialsOutOfRange, CountOutOfRange, NonPositiveHorizon.'
    Links       = @('Measure-LoadProfile', 'Measure-PowerCap', 'Invoke-TraceSynthesis')
}
