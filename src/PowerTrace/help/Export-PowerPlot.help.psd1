@{
    Synopsis    = 'Writes a plot of power traces (over time, load-duration, ramps, smoothing) to a PNG or SVG file.'
    Description = @'
Export-PowerPlot collects the power traces piped to it and draws one plot with ScottPlot: Trace shows power in kW over UTC time; LoadDuration sorts each trace from highest to lowest against the share of time; RampHistogram counts the changes of one trace between consecutive intervals (-RampIntervalSeconds); Smoothing divides each trace by its own mean and shows its coefficient of variation, so server, rack, row and site traces side by side show how aggregation flattens demand.

The file type follows the extension (.png or .svg). The file is written whole (to a temporary file, then moved), honours -WhatIf and -Confirm, and an existing file is kept unless -Force is given.
'@
    Parameters  = @{
        Oversubscription    = 'A result of Measure-Oversubscription: plots the peak-power quantile against the number of units, with the limit, the answer and the nameplate count marked.'
        InputObject         = 'Power traces (PowerSeries) to plot, usually from the pipeline: Import-PowerTrace or Invoke-TraceSynthesis output.'
        Kind                = 'Trace (default), LoadDuration, RampHistogram or Smoothing.'
        Path                = 'Output file; .png or .svg. Relative paths resolve against the current PowerShell location.'
        Width               = 'Image width in pixels (100 to 10000, default 1000).'
        Height              = 'Image height in pixels (100 to 10000, default 500).'
        Title               = 'Plot title; each kind has a sensible default.'
        RampIntervalSeconds = 'RampHistogram only: the interval over which a ramp is measured, in seconds (default 1). Use 900 for 15-minute ramps.'
        Force               = 'Overwrite an existing file. Without it an existing file is an error (FileExists), checked after -WhatIf/-Confirm, as for every PowerTrace cmdlet that writes files.'
        PassThru            = 'Write the FileInfo of the written file to the pipeline.'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries', 'PowerTrace.Core.Analysis.OversubscriptionResult')
    Examples    = @(
        @{
            Code    = "Import-PowerTrace ./gpu_power_log_tp1.txt | Export-PowerPlot -Path ./tp1.png"
            Remarks = 'Plots a measured node trace over time.'
        }
        @{
            Code    = "`$site = Invoke-TraceSynthesis -Model (Get-PowerModel H100-TP4-70B) -RatePerSecond 20 -Servers 240 -Level Server, Rack, Row, Site -Duration 01:00:00`n`$site | Group-Object Level | ForEach-Object { `$_.Group[0] } | Export-PowerPlot -Kind Smoothing -Path ./smoothing.svg"
            Remarks = 'Shows how aggregation smooths power: one server, one rack, one row and the site, each over its own mean.'
        }
        @{
            Code    = "`$site | Where-Object Level -eq Site | Export-PowerPlot -Kind RampHistogram -RampIntervalSeconds 900 -Path ./ramps-15min.png -PassThru"
            Remarks = 'Histogram of 15-minute ramps of the site trace; returns the written file.'
        }
        @{
            Code    = "`$site | Where-Object Level -eq Rack | Measure-Oversubscription -LimitKW 600 -NameplateKW 26 | Export-PowerPlot -Path ./oversubscription.png"
            Remarks = 'Plots how the 95th-percentile peak of a row grows with the number of racks, against a 600 kW limit.'
        }
    )
    Links       = @('Measure-LoadProfile')
}
