using System;
using System.Collections.Generic;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Hardware;
using PowerTrace.Core.Model;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;

namespace PowerTrace.Core.Planning
{
    /// <summary>
    /// What a phased interconnection study needs. <see cref="Validate"/> checks everything before any work and throws
    /// <see cref="InvalidSettingException"/> with a stable id naming the parameter: NoPhases, PhasesOutOfOrder, PhasesOverlap,
    /// PhaseHasNoServers, PhaseServersAndMW, NoModel, ModelDoesNotFitGpu, UnknownGpu, InvalidStudyYears,
    /// ResolutionDoesNotDivideHorizon, ResolutionDoesNotDivideDemandInterval, NonPositiveRate, InvalidGrowth, InvalidSeedCount,
    /// InvalidPue, InvalidNonGpuPower, InvalidMethod.
    /// </summary>
    public sealed class InterconnectionStudySettings
    {
        /// <summary>The buildout, in date order (strictly increasing start dates).</summary>
        public IList<BuildoutPhase> Phases { get; set; } = new List<BuildoutPhase>();

        /// <summary>First calendar year studied (default: the first phase's year).</summary>
        public int? FirstYear { get; set; }

        /// <summary>Calendar years studied (default: through the last phase's year, plus one year at full build).</summary>
        public int? Years { get; set; }

        /// <summary>Per-server request rate at the daily peak in the first study year, requests per second (default 0.375).</summary>
        public double PeakRatePerServer { get; set; } = 0.375;

        /// <summary>Per-server request rate at the daily trough in the first study year, requests per second (default 0.11).</summary>
        public double TroughRatePerServer { get; set; } = 0.11;

        /// <summary>UTC hour of the daily peak (default 14).</summary>
        public double PeakHourUtc { get; set; } = 14;

        /// <summary>Yearly growth of per-server traffic, a fraction (0.1 = +10 % a year; default 0): year y runs at (1 + g)^(y − first year).</summary>
        public double TrafficGrowthPerYear { get; set; }

        /// <summary>Token lengths (default Azure conversation).</summary>
        public TokenLengthDistribution TokenLengths { get; set; } = LognormalTokenLengths.AzureConversation;

        /// <summary>Non-GPU power per server, watts (default 1000).</summary>
        public double NonGpuWatts { get; set; } = 1000;

        /// <summary>Power usage effectiveness (default 1.3).</summary>
        public double Pue { get; set; } = 1.3;

        /// <summary>Resolution the facility is synthesized at, seconds (default 60: the 1-minute ramps); must divide 15 minutes.</summary>
        public double ResolutionSeconds { get; set; } = 60;

        /// <summary>Seeds synthesized per year (default 5); P50 and P90 are taken across them.</summary>
        public int SeedCount { get; set; } = 5;

        /// <summary>First seed (default 1); seed k of year y and phase p is derived from it.</summary>
        public ulong Seed { get; set; } = 1;

        /// <summary>Synthesis method per phase (default Aggregate; Auto and Exact as in <see cref="SynthesisSettings.Method"/>; Exact costs hours for big phases).</summary>
        public SynthesisMethod Method { get; set; } = SynthesisMethod.Aggregate;

        /// <summary>Worker threads (0: one per processor). Never changes the result.</summary>
        public int MaxDegreeOfParallelism { get; set; }

        /// <summary>The first study year as used.</summary>
        public int StudyFirstYear => FirstYear ?? (Phases.Count > 0 ? Phases[0].StartUtc.Year : 2026);

        /// <summary>The number of study years as used.</summary>
        public int StudyYears => Years ?? (Phases.Count > 0 ? Math.Max(1, Phases[Phases.Count - 1].StartUtc.Year - StudyFirstYear + 2) : 1);

        /// <summary>Servers of phase <paramref name="index"/>: as given, or from its MW by TDP sizing.</summary>
        public int ServersOf(int index)
        {
            var p = Phases[index];
            if (p.Servers > 0) return p.Servers;
            double perServer = Pue * (p.Model.NameplateWatts + NonGpuWatts);
            return (int)Math.Floor(p.NameplateMW * 1e6 / perServer + 1e-9);
        }

        /// <summary>Checks every setting; throws <see cref="InvalidSettingException"/> naming the parameter on the first problem.</summary>
        public void Validate()
        {
            if (Phases == null || Phases.Count == 0) throw new InvalidSettingException("NoPhases", "Phase", "The buildout has no phases: give at least one (a date, servers or MW, a model).");
            if (!(Pue >= 1) || Pue > 10) throw new InvalidSettingException("InvalidPue", "Pue", $"PUE must be between 1 and 10 (got {Pue}).");
            if (!(NonGpuWatts >= 0) || NonGpuWatts > 1e6) throw new InvalidSettingException("InvalidNonGpuPower", "NonGpuWatts", $"Non-GPU power must be between 0 and 1 MW per server (got {NonGpuWatts} W).");
            for (int i = 0; i < Phases.Count; i++)
            {
                var p = Phases[i];
                string label = $"Phase {i + 1}" + (p?.Name != null ? $" ('{p.Name}')" : "");
                if (p == null) throw new InvalidSettingException("NoPhases", "Phase", $"{label} is empty.");
                if (p.Model == null) throw new InvalidSettingException("NoModel", "Phase", $"{label} has no power model: give Model (an object from Get-PowerModel/Import-PowerModel or a reference-model name) or -Model.");
                SynthesisSettings.ValidateModel(p.Model);
                if (i > 0)
                {
                    var prev = Phases[i - 1].StartUtc;
                    if (p.StartUtc < prev) throw new InvalidSettingException("PhasesOutOfOrder", "Phase", $"{label} starts {p.StartUtc:yyyy-MM-dd}, before phase {i} ({prev:yyyy-MM-dd}): list phases in date order.");
                    if (p.StartUtc == prev) throw new InvalidSettingException("PhasesOverlap", "Phase", $"{label} starts on the same date as phase {i} ({prev:yyyy-MM-dd}): merge them into one phase or give distinct dates.");
                }
                bool hasMw = !double.IsNaN(p.NameplateMW);
                if (p.Servers != 0 && hasMw) throw new InvalidSettingException("PhaseServersAndMW", "Phase", $"{label} gives both servers ({p.Servers}) and MW ({p.NameplateMW}): give one.");
                if (p.Servers < 0 || (hasMw && (!(p.NameplateMW > 0) || double.IsInfinity(p.NameplateMW))) || (!hasMw && p.Servers == 0) || ServersOf(i) < 1)
                    throw new InvalidSettingException("PhaseHasNoServers", "Phase", $"{label} adds no servers ({(hasMw ? p.NameplateMW + " MW" : p.Servers + " servers")}): every phase must add at least one server.");
                if (p.Gpu != null) CheckFit(p, label);
            }
            if (Years.HasValue && (Years.Value < 1 || Years.Value > 50)) throw new InvalidSettingException("InvalidStudyYears", "Years", $"Study 1 to 50 years (got {Years.Value}).");
            if (FirstYear.HasValue && (FirstYear.Value < 1900 || FirstYear.Value > 2200)) throw new InvalidSettingException("InvalidStudyYears", "FirstYear", $"The first study year must be a calendar year (got {FirstYear.Value}).");
            if (StudyFirstYear > Phases[Phases.Count - 1].StartUtc.Year + 50 || StudyFirstYear + StudyYears - 1 < Phases[0].StartUtc.Year)
                throw new InvalidSettingException("InvalidStudyYears", "FirstYear", $"The study years {StudyFirstYear}..{StudyFirstYear + StudyYears - 1} do not cover any phase.");
            double r = ResolutionSeconds;
            if (!(r >= 1) || r > 900) throw new InvalidSettingException("ResolutionOutOfRange", "Resolution", $"The study resolution must be 1 s to 15 min (got {r} s).");
            foreach (var p in Phases)
            {
                long k = (long)Math.Round(r / p.Model.BinSeconds);
                if (k < 1 || Math.Abs(k * p.Model.BinSeconds - r) > 1e-9 * r)
                    throw new InvalidSettingException("ResolutionNotMultipleOfModelBin", "Resolution", $"The study resolution {r} s is not a whole multiple of model {p.Model}'s {p.Model.BinSeconds} s bin.");
            }
            for (int y = StudyFirstYear; y < StudyFirstYear + StudyYears; y++)
            {
                double horizon = (new DateTime(y + 1, 1, 1) - new DateTime(y, 1, 1)).TotalSeconds;
                double n = horizon / r;
                if (Math.Abs(n - Math.Round(n)) > 1e-9 * n)
                    throw new InvalidSettingException("ResolutionDoesNotDivideHorizon", "Resolution", $"The resolution {r} s does not divide the {horizon / 3600:0} h horizon of study year {y}.");
            }
            if (Math.Abs(900 / r - Math.Round(900 / r)) > 1e-9)
                throw new InvalidSettingException("ResolutionDoesNotDivideDemandInterval", "Resolution", $"The resolution {r} s does not divide the 15-minute demand interval.");
            if (!(PeakRatePerServer > 0) || double.IsInfinity(PeakRatePerServer) || !(TroughRatePerServer >= 0) || TroughRatePerServer > PeakRatePerServer)
                throw new InvalidSettingException("NonPositiveRate", "PeakRatePerServer", $"Per-server rates must satisfy 0 <= trough <= peak, peak > 0 (got {TroughRatePerServer}..{PeakRatePerServer} req/s).");
            if (!(TrafficGrowthPerYear > -1) || TrafficGrowthPerYear > 10) throw new InvalidSettingException("InvalidGrowth", "TrafficGrowthPerYear", $"Traffic growth must be above -100 % and at most +1000 % a year (got {TrafficGrowthPerYear}).");
            if (SeedCount < 1 || SeedCount > 100) throw new InvalidSettingException("InvalidSeedCount", "SeedCount", $"Use 1 to 100 seeds (got {SeedCount}).");
            if (Method != SynthesisMethod.Aggregate && Method != SynthesisMethod.Exact && Method != SynthesisMethod.Auto)
                throw new InvalidSettingException("InvalidMethod", "Method", $"Unknown synthesis method {Method}.");
            if (TokenLengths == null) throw new InvalidSettingException("EmptyTokenLengths", "TokenDistribution", "No token-length distribution was given.");
        }

        // The phase's GPU must be the model's GPU, and the model's LLM weights (at 8 bits at least) must fit 90 % of the GPU's
        // memory at its TP degree.
        private static void CheckFit(BuildoutPhase p, string label)
        {
            var gpu = GpuCatalog.TryFind(p.Gpu)
                ?? throw new InvalidSettingException("UnknownGpu", "Phase", $"{label}: GPU '{p.Gpu}' is not in the GPU catalog (Get-PowerModel -ListAvailable shows the reference GPUs).");
            if (!(p.Model is PowerModel pm)) return; // nothing more is known about other models
            var c = pm.Configuration;
            var modelGpu = GpuCatalog.TryFind(c.GpuType);
            if (modelGpu != null && !ReferenceEquals(modelGpu, gpu))
                throw new InvalidSettingException("ModelDoesNotFitGpu", "Phase", $"{label} is bought with {gpu.Name} GPUs but its model is for {modelGpu.Name} ({c}): derive or fit a model for {gpu.Name}.");
            var llm = Derivation.LlmCatalog.TryFind(c.ModelName);
            if (llm == null || gpu.MemoryGB <= 0) return;
            int tp = Math.Max(1, c.TensorParallel);
            const double bytes = 1; // the model does not record its weight precision: fail only if even 8-bit weights do not fit
            double weightsGB = bytes * llm.Parameters / tp / 1e9;
            if (weightsGB > Derivation.DerivationTarget.MaxWeightShareOfMemory * gpu.MemoryGB)
                throw new InvalidSettingException("ModelDoesNotFitGpu", "Phase",
                    $"{label}: {llm.Name} ({llm.Parameters / 1e9:0.#}B parameters) over TP{tp} puts {weightsGB:0.#} GB even at 8-bit weights of weights on each {gpu.Name} ({gpu.MemoryGB:0} GB): it does not fit; raise the TP degree or choose a larger GPU.");
        }
    }
}
