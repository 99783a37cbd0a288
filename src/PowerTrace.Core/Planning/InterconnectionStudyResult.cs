using System;
using System.Collections.Generic;

namespace PowerTrace.Core.Planning
{
    /// <summary>
    /// One study year of a phased interconnection study: the facility load (IT load × PUE) of every phase in service, in MW.
    /// Figures marked P50/P90 are the median and 90th percentile (type 7) across the study's seeds; unmarked figures are P50.
    /// </summary>
    /// <remarks>
    /// Definitions. Demand: mean facility MW over each 15-minute interval from 00:00 UTC (what a demand meter records).
    /// Peak demand: the largest 15-minute demand of the year. Load factor: mean MW / peak demand. 1-minute ramp: change of
    /// the 1-minute mean load from one minute to the next (up: largest rise; down: largest fall, as a positive number);
    /// 15-minute ramp: change of the 1-minute mean load over any 15 minutes (rolling window); 15-minute step: change between
    /// consecutive 15-minute demand intervals. Ramps and steps across the instant a phase enters service (the buildout switching
    /// on) are left out. Traffic grows continuously: (1 + growth)^(years since the first study year began). TDP sizing: servers in service at year end × (node nameplate W + non-GPU W) × PUE.
    /// Hourly profile: mean facility MW in each hour (hour beginning, UTC), averaged over the seeds: 8760 values (8784 in leap years).
    /// </remarks>
    public sealed class InterconnectionStudyYear
    {
        internal InterconnectionStudyYear() { }

        /// <summary>Calendar year.</summary>
        public int Year { get; internal set; }
        /// <summary>First instant of the year (UTC).</summary>
        public DateTime StartUtc { get; internal set; }
        /// <summary>Servers in service at year end.</summary>
        public int Servers { get; internal set; }
        /// <summary>Servers in service at year end, per phase (0 for phases not yet built).</summary>
        public IReadOnlyList<int> ServersByPhase { get; internal set; } = Array.Empty<int>();
        /// <summary>Per-server traffic factor at the start of the year ((1 + growth)^(year − first year)); it grows on through the year.</summary>
        public double TrafficFactor { get; internal set; }
        /// <summary>Facility MW by TDP (nameplate) sizing at year end.</summary>
        public double TdpSizingMW { get; internal set; }
        /// <summary>Largest 15-minute demand, MW (P50 across seeds).</summary>
        public double PeakDemandMW { get; internal set; }
        /// <summary>Largest 15-minute demand, MW (P90 across seeds).</summary>
        public double PeakDemandP90MW { get; internal set; }
        /// <summary>Coincident peak demand against TDP sizing (P50 peak / TDP MW).</summary>
        public double PeakShareOfTdp => TdpSizingMW > 0 ? PeakDemandMW / TdpSizingMW : double.NaN;
        /// <summary>Facility energy of the year, MWh (P50).</summary>
        public double EnergyMWh { get; internal set; }
        /// <summary>Facility energy of the year, MWh (P90).</summary>
        public double EnergyP90MWh { get; internal set; }
        /// <summary>Mean MW / peak demand (P50).</summary>
        public double LoadFactor { get; internal set; }
        /// <summary>Largest 1-minute rise, MW (P50); NaN when the study resolution is coarser than 1 minute.</summary>
        public double RampUp1MinMW { get; internal set; }
        /// <summary>Largest 1-minute fall, MW, positive (P50).</summary>
        public double RampDown1MinMW { get; internal set; }
        /// <summary>Largest 1-minute change either way, MW (P90).</summary>
        public double Ramp1MinP90MW { get; internal set; }
        /// <summary>Largest rise over any 15 minutes, MW (P50).</summary>
        public double RampUp15MinMW { get; internal set; }
        /// <summary>Largest fall over any 15 minutes, MW, positive (P50).</summary>
        public double RampDown15MinMW { get; internal set; }
        /// <summary>Largest 15-minute change either way, MW (P90).</summary>
        public double Ramp15MinP90MW { get; internal set; }
        /// <summary>Largest change between consecutive 15-minute demand intervals, MW (P50).</summary>
        public double Step15MinMW { get; internal set; }
        /// <summary>Largest change between consecutive 15-minute demand intervals, MW (P90).</summary>
        public double Step15MinP90MW { get; internal set; }
        /// <summary>Largest 15-minute demand of each month, MW (P50), January first.</summary>
        public IReadOnlyList<double> MonthlyPeakMW { get; internal set; } = Array.Empty<double>();
        /// <summary>Largest 15-minute demand of each month, MW (P90).</summary>
        public IReadOnlyList<double> MonthlyPeakP90MW { get; internal set; } = Array.Empty<double>();
        /// <summary>Energy of each month, MWh (P50).</summary>
        public IReadOnlyList<double> MonthlyEnergyMWh { get; internal set; } = Array.Empty<double>();
        /// <summary>Mean facility MW per hour of the year, averaged over seeds (8760 or 8784 values).</summary>
        public IReadOnlyList<double> HourlyProfileMW { get; internal set; } = Array.Empty<double>();
        /// <summary>15-minute demand, MW, of the seed whose peak is the median (for typical and peak weeks).</summary>
        public IReadOnlyList<double> Demand15MinMW { get; internal set; } = Array.Empty<double>();
        /// <summary>Seeds synthesized.</summary>
        public int SeedCount { get; internal set; }
        /// <summary>How the phases were synthesized (as recorded in the traces' provenance).</summary>
        public string Method { get; internal set; } = "";
        /// <summary>The whole study this year belongs to.</summary>
        public InterconnectionStudyResult Study { get; internal set; } = null!;

        public override string ToString() => $"{Year}: {Servers} servers, peak {PeakDemandMW:0.00} MW (TDP {TdpSizingMW:0.00} MW), {EnergyMWh:0} MWh";
    }

    /// <summary>A phase as studied: its servers resolved (from MW where given in MW).</summary>
    public sealed class StudyPhase
    {
        internal StudyPhase(string name, DateTime startUtc, int servers, double nameplateWatts, string model)
        {
            Name = name; StartUtc = startUtc; Servers = servers; NodeNameplateWatts = nameplateWatts; Model = model;
        }
        /// <summary>Label.</summary>
        public string Name { get; }
        /// <summary>In service from (UTC).</summary>
        public DateTime StartUtc { get; }
        /// <summary>Servers added.</summary>
        public int Servers { get; }
        /// <summary>Node nameplate (GPU TDP × GPUs), watts.</summary>
        public double NodeNameplateWatts { get; }
        /// <summary>The power model, as text.</summary>
        public string Model { get; }
        public override string ToString() => $"{Name} from {StartUtc:yyyy-MM-dd}: {Servers} servers ({Model})";
    }

    /// <summary>A phased interconnection study: the phases as studied, the assumptions, and one result per year.</summary>
    public sealed class InterconnectionStudyResult
    {
        internal InterconnectionStudyResult(IReadOnlyList<StudyPhase> phases, IReadOnlyList<KeyValuePair<string, string>> assumptions, double resolutionSeconds)
        {
            Phases = phases; Assumptions = assumptions; ResolutionSeconds = resolutionSeconds;
        }

        /// <summary>The buildout as studied.</summary>
        public IReadOnlyList<StudyPhase> Phases { get; }
        /// <summary>Everything the figures rest on, as (name, value) text.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Assumptions { get; }
        /// <summary>Resolution the facility was synthesized at, seconds.</summary>
        public double ResolutionSeconds { get; }
        /// <summary>The study years, in order.</summary>
        public IReadOnlyList<InterconnectionStudyYear> Years { get; internal set; } = Array.Empty<InterconnectionStudyYear>();
        /// <summary>Wall-clock seconds the study took.</summary>
        public double ElapsedSeconds { get; internal set; }

        public override string ToString() => $"interconnection study, {Phases.Count} phase(s), {Years.Count} year(s)";
    }
}
