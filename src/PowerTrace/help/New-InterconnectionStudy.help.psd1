@{
    Synopsis    = 'Runs a phased interconnection study: from a buildout schedule to per-year peak demand, energy, load factor, ramps and steps against TDP sizing, with a report and an 8760-hour CSV for the utility.'
    Description = @'
New-InterconnectionStudy takes the buildout of a campus as phases, each a date from which more servers (a count, or MW of TDP-sized facility load) running a power model are in service, and studies each calendar year: it synthesizes the facility load (IT load x PUE) of every phase in service under diurnal Poisson traffic at per-server rates that grow by -TrafficGrowthPerYear, over -SeedCount seeds, at -Resolution (1 minute by default), adds the phases from their in-service dates, and reduces the year to what an interconnection request asks for. It writes one InterconnectionStudyYear per year: servers in service, the 8760-hour profile (HourlyProfileMW; 8784 in leap years), peak 15-minute demand P50 and P90 across seeds, the peak against sizing by nameplate (TdpSizingMW, PeakShareOfTdp), energy P50/P90, load factor, the largest 1-minute and 15-minute ramps up and down and the largest step between 15-minute demand intervals, and monthly peak demand and energy.

Phases are hashtables with the keys Date (or StartUtc; UTC), Servers or MW (one of them), Model (a power model object or a reference-model name; default -Model), Gpu (optional: a catalog GPU the phase is bought with, checked against the model) and Name; or BuildoutPhase objects. They must be in date order with distinct dates and add at least one server each; a phase in MW gets floor(MW x 10^6 / (PUE x (node nameplate + non-GPU watts))) servers. Phases add up: servers stay in service once built.

Synthesis uses the aggregate (central-limit) method by default (-Method Aggregate): the per-server statistics are learned once per model and resolution by exact synthesis of a few servers and then composed in O(bins), so a 150 MW campus-year takes seconds. -Method Exact synthesizes every server (hours for large phases).

-ReportPath writes a Markdown (.md) or HTML (.html) report with four PNG plots beside it (yearly load-duration curves, monthly peaks, a typical and a peak week of the last year). -CsvPath writes the utility layout: one row per hour of a leap-year calendar (Month, Day, HourUtc, hour beginning) and one MW column per study year ("2027 MW"), invariant culture, which opens in Excel as it is. Existing files are kept unless -Force (FileExists, before any work); both honour -WhatIf and -Confirm.
'@
    Parameters  = @{
        Phase                = 'The buildout: hashtables (Date, Servers or MW, Model, Gpu, Name) or BuildoutPhase objects, in date order, also from the pipeline. Errors before any work: NoPhases, InvalidPhase (not a hashtable, an unknown key, no Date), PhasesOutOfOrder (a phase dated before the previous one), PhasesOverlap (two phases on the same date), PhaseHasNoServers (zero or negative servers or MW, or MW too small for one server), PhaseServersAndMW (both given), ModelDoesNotFitGpu (the phase''s Gpu is not the model''s GPU, or the model''s weights do not fit its memory even at 8 bits), UnknownGpu. Each error names the parameter Phase and the phase.'
        Model                = 'The power model of phases that name none: a model object (Get-PowerModel, Import-PowerModel, New-PowerModel) or a built-in reference-model name. Default: H100-TP4-70B.'
        FirstYear            = 'First calendar year studied (default: the year of the first phase).'
        Years                = 'Number of calendar years studied, 1 to 50 (default: through the year of the last phase plus one year at full build). InvalidStudyYears when the years cover no phase.'
        PeakRatePerServer    = 'Requests per second per server at the daily peak in the first study year (default 0.375, the planning study''s rate).'
        TroughRatePerServer  = 'Requests per second per server at the daily trough in the first study year (default 0.11); at most the peak rate (NonPositiveRate).'
        PeakHourUtc          = 'UTC hour of the daily traffic peak (default 14).'
        TrafficGrowthPerYear = 'Yearly growth of per-server traffic as a fraction (default 0): traffic grows continuously, (1 + growth)^(years since 1 January of the first study year) times the first year''s rates. Above -1 and at most 10 (InvalidGrowth).'
        TokenDistribution    = 'Token lengths of the requests: AzureConversation (default) or AzureCode.'
        NonGpuWatts          = 'Non-GPU power per server, watts (default 1000).'
        Pue                  = 'Power usage effectiveness applied to the IT load, 1 to 10 (default 1.3).'
        Resolution           = 'Resolution the facility is synthesized at (default 1 minute): a TimeSpan, seconds or a string such as ''1m'' or ''30s''. It must divide the 15-minute demand interval (ResolutionDoesNotDivideDemandInterval) and every study year (ResolutionDoesNotDivideHorizon), be 1 s to 15 min and a multiple of each model''s bin. Coarser than 1 minute, the 1-minute ramps are n/a.'
        SeedCount            = 'Seeds per year, 1 to 100 (default 5). P50 and P90 figures are taken across them.'
        Seed                 = 'First seed (default 1). The same seed gives the same study on any thread count.'
        Method               = 'How each phase is synthesized: Aggregate (default), Exact or Auto, as in Invoke-TraceSynthesis -Method. Each year''s Method says which was used.'
        ReportPath           = 'Write the study report here: Markdown for .md, HTML for .html (give several paths for both); the PNG plots go beside it as <name>-load-duration.png, -monthly-peaks.png, -typical-week.png and -peak-week.png.'
        CsvPath              = 'Write the utility-layout CSV here: Month, Day, HourUtc and one "<year> MW" column per study year, one row per hour (8784 rows; 29 February is empty in years without it).'
        Force                = 'Replace existing -ReportPath or -CsvPath files; without it an existing one stops the command with FileExists before any work.'
        ThrottleLimit        = 'Worker threads (default 0: one per processor). Never changes the result.'
    }
    Inputs      = @('System.Collections.Hashtable', 'PowerTrace.Core.Planning.BuildoutPhase')
    Examples    = @(
        @{
            Code    = "`$phases = @(`n    @{ Date = '2026-01-01'; MW = 20; Name = 'phase 1' }`n    @{ Date = '2027-01-01'; MW = 40; Name = 'phase 2' }`n    @{ Date = '2028-07-01'; MW = 90; Name = 'phase 3'; Model = 'H100-TP8-70B' }`n)`n`$years = New-InterconnectionStudy -Phase `$phases -TrafficGrowthPerYear 0.1 -ReportPath ./study/interconnection.md -CsvPath ./study/load-8760.csv`n`$years | Format-Table"
            Remarks = 'A campus built out to 150 MW of nameplate in three phases, traffic growing 10 % a year, studied 2026-2029 over five seeds: one row per year with peak demand against TDP sizing, energy, load factor and ramps; a Markdown report with plots and the 8760-hour CSV for the utility.'
        }
        @{
            Code    = "`$h100 = Get-PowerModel -Name H100-TP4-70B`n@{ Date = '2026-03-01'; Servers = 2000; Model = `$h100; Gpu = 'H100' }, @{ Date = '2026-09-01'; Servers = 3000; Model = `$h100 } | New-InterconnectionStudy -Years 2 -SeedCount 3 | Select-Object Year, Servers, PeakDemandMW, TdpSizingMW, @{ n = 'MonthlyPeakMW'; e = { `$_.MonthlyPeakMW -join ', ' } }"
            Remarks = 'Phases from the pipeline with a model object and the GPU checked; monthly peaks of each year in one line.'
        }
        @{
            Code    = "`$y = New-InterconnectionStudy -Phase @{ Date = '2026-01-01'; Servers = 30000 } -SeedCount 1 -Resolution '15m'`n`$y.HourlyProfileMW.Count; `$y.Study.Assumptions"
            Remarks = 'A 30,000-server campus-year at 15-minute resolution (no 1-minute ramps at that resolution): the 8760-hour profile and the assumptions the figures rest on.'
        }
    )
    Notes       = @'
Error ids: NoPhases, InvalidPhase, PhasesOutOfOrder, PhasesOverlap, PhaseHasNoServers, PhaseServersAndMW, NoModel, UnknownReferenceModel, ModelDoesNotFitGpu, UnknownGpu, InvalidStudyYears, ResolutionOutOfRange, ResolutionNotMultipleOfModelBin, ResolutionDoesNotDivideHorizon, ResolutionDoesNotDivideDemandInterval, NonPositiveRate, InvalidGrowth, InvalidSeedCount, InvalidPue, InvalidNonGpuPower, InvalidOutputPath, FileExists. All inputs are checked before any synthesis starts. Ctrl+C stops the study.

Definitions: demand is the mean facility load over each 15-minute interval from 00:00 UTC; peak demand the largest of the year; load factor = mean / peak demand. A 1-minute ramp is the change of the 1-minute mean load from one minute to the next, a 15-minute ramp the change over any 15 minutes, a 15-minute step the change between consecutive demand intervals; down-ramps are reported as positive numbers. TDP sizing = servers in service at year end x (node nameplate + non-GPU watts) x PUE. A phase that enters service during a year contributes from its date on; ramps and steps across that instant (the buildout switching on) are left out of the ramp and step figures.

Units: MW, MWh, UTC. The aggregate method is Gaussian at the site level: it reproduces exact synthesis of a 1,000-server week within 0.05 % in energy and 0.2 % in 15-minute peak (the aggregate benchmark); see Invoke-TraceSynthesis -Method.
'@
    Links       = @('Invoke-TraceSynthesis', 'Get-PowerModel', 'Measure-LoadProfile', 'New-PowerReport')
}
