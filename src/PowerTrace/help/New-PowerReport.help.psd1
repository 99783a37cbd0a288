@{
    Synopsis    = 'Writes a site-study report (Markdown or HTML) with load-profile and oversubscription tables, plots, the power model''s provenance and the assumptions.'
    Description = @'
New-PowerReport turns the results of a site study into a document a utility engineer can read. Pipe it any mix of power traces (Invoke-TraceSynthesis or Import-PowerTrace output), load profiles (Measure-LoadProfile), oversubscription results (Measure-Oversubscription), power-cap results (Measure-PowerCap) and a power model; it writes one table per load profile, oversubscription result and power cap, any further tables you pass with -Table, the model's configuration, states and training provenance (or its derivation), the assumptions you pass, and plots drawn beside the report in a folder named after it (<report>_plots): the top-level trace over time, its load-duration curve, a ramp histogram (15-minute ramps when the traces cover at least an hour, else 1 s), server-to-site smoothing when traces of several levels are given, and each oversubscription curve.

The same inputs always give the same report bytes: numbers use the invariant culture and no clock or machine name is printed. The report is written whole (a temporary file, then moved) and honours -WhatIf and -Confirm; an existing report is kept unless -Force is given.
'@
    Parameters  = @{
        InputObject = 'Study results from the pipeline: PowerSeries traces, LoadProfile results, OversubscriptionResult and PowerCapResult objects and optionally a PowerModel. Anything else writes a non-terminating error UnsupportedReportInput.'
        Path        = 'Report file. The extension chooses the format (.md or .markdown for Markdown, .html or .htm for HTML) unless -Format is given. Plots go to a folder beside it named <report name>_plots.'
        Format      = 'Markdown or Html, overriding the extension.'
        Title       = 'The report title (default "Site power study").'
        Table       = 'Further tables, as an ordered hashtable of caption to rows: objects whose properties become the columns ([pscustomobject]s, Select-Object output). Each table gets its own section, in the given order; values are formatted with the invariant culture.'
        Model       = 'The power model whose configuration, states and provenance the report shows; also taken from the pipeline.'
        Assumptions = 'Assumptions to list (layout, PUE, non-GPU power, seeds, workload ...). Use an ordered hashtable ([ordered]@{...}) to keep their order; values are formatted with the invariant culture.'
        Force       = 'Overwrite an existing report (and the plots beside it). Without it an existing report is an error (FileExists), checked after -WhatIf/-Confirm, as for every PowerTrace cmdlet that writes files.'
        PassThru    = 'Write the report''s FileInfo to the pipeline.'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries', 'PowerTrace.Core.Analysis.LoadProfile', 'PowerTrace.Core.Analysis.OversubscriptionResult', 'PowerTrace.Core.Analysis.PowerCapResult', 'PowerTrace.Core.Model.PowerModel')
    Notes       = 'Error ids: UnsupportedReportFormat (unknown extension and no -Format), NoInput (no traces or results), FileExists (the report exists and -Force was not given), UnsupportedReportInput (non-terminating, an object of another type).'
    Examples    = @(
        @{
            Code    = "`$model = Get-PowerModel -Name H100-TP4-70B`n`$traces = Invoke-TraceSynthesis -Model `$model -RatePerSecond 40 -Rows 4 -RacksPerRow 6 -ServersPerRack 4 -Level Rack, Facility -Resolution 1s`n`$facility = `$traces | Where-Object Level -eq Facility`n`$profile = `$facility | Measure-LoadProfile`n`$oversub = `$traces | Where-Object Level -eq Rack | Measure-Oversubscription -LimitKW 200 -NameplateKW 15.2`n`$facility, `$profile, `$oversub, `$model | New-PowerReport -Path ./study.md -Assumptions ([ordered]@{ PUE = 1.3; 'Non-GPU power' = '1000 W' })"
            Remarks = 'A complete study in six lines: synthesize, measure, report. study.md and study_plots/ are written to the current folder.'
        }
        @{
            Code    = "`$facility, `$profile | New-PowerReport -Path ./interconnection.html -Title 'Interconnection study: load profile' -PassThru"
            Remarks = 'An HTML page with only the load-profile table and the facility plots; returns the written file.'
        }
    )
    Links       = @('Measure-LoadProfile', 'Measure-Oversubscription', 'Export-PowerPlot')
}
