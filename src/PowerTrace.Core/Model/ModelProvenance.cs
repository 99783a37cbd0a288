using System;
using System.Collections.Generic;

namespace PowerTrace.Core.Model
{
    /// <summary>One training trace of a power model: where it came from and what span it covered.</summary>
    public sealed class TrainingTrace
    {
        public TrainingTrace(string name, string? powerFile, string? workloadFile, DateTime startUtc, DateTime endUtc, int binCount, int validBinCount)
        {
            Name = name ?? "";
            PowerFile = powerFile;
            WorkloadFile = workloadFile;
            StartUtc = DateTime.SpecifyKind(startUtc, DateTimeKind.Utc);
            EndUtc = DateTime.SpecifyKind(endUtc, DateTimeKind.Utc);
            BinCount = binCount;
            ValidBinCount = validBinCount;
        }

        /// <summary>Trace name.</summary>
        public string Name { get; }
        /// <summary>Power file (first source file of the trace); null when not from a file.</summary>
        public string? PowerFile { get; }
        /// <summary>Request log or engine-state file; null when not from a file.</summary>
        public string? WorkloadFile { get; }
        /// <summary>Start of the first bin, UTC.</summary>
        public DateTime StartUtc { get; }
        /// <summary>End of the last bin, UTC.</summary>
        public DateTime EndUtc { get; }
        /// <summary>Bins in the trace.</summary>
        public int BinCount { get; }
        /// <summary>Bins with a measurement (used for fitting).</summary>
        public int ValidBinCount { get; }
    }

    /// <summary>Where a power model came from: training traces, when and by what it was made.</summary>
    public sealed class ModelProvenance
    {
        public ModelProvenance(IReadOnlyList<TrainingTrace> traces, DateTime createdUtc, string toolVersion, string? derivation = null, ModelUncertainty? uncertainty = null)
        {
            Traces = traces ?? Array.Empty<TrainingTrace>();
            CreatedUtc = DateTime.SpecifyKind(createdUtc, DateTimeKind.Utc);
            ToolVersion = toolVersion ?? "";
            Derivation = derivation;
            Uncertainty = uncertainty;
        }

        /// <summary>Training traces, in the order given.</summary>
        public IReadOnlyList<TrainingTrace> Traces { get; }
        /// <summary>When the model was fitted, UTC.</summary>
        public DateTime CreatedUtc { get; }
        /// <summary>Version of PowerTrace that fitted it.</summary>
        public string ToolVersion { get; }
        /// <summary>For models derived from another (e.g. scaled to an unmeasured configuration): how; null for fitted models.</summary>
        public string? Derivation { get; }
        /// <summary>Uncertainty band of a derived model; null for fitted models.</summary>
        public ModelUncertainty? Uncertainty { get; }

        /// <summary>A copy with a derivation note.</summary>
        public ModelProvenance WithDerivation(string derivation) => new ModelProvenance(Traces, CreatedUtc, ToolVersion, derivation, Uncertainty);

        /// <summary>A copy with a derivation note and an uncertainty band.</summary>
        public ModelProvenance WithDerivation(string derivation, ModelUncertainty? uncertainty) => new ModelProvenance(Traces, CreatedUtc, ToolVersion, derivation, uncertainty);
    }
}
