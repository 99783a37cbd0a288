using System;
using System.Collections.Generic;

namespace PowerTrace.Core.Traces
{
    /// <summary>
    /// What is known about the hardware and software that produced a trace. Every field is optional:
    /// null (or 0 for counts) means "not known", never a guessed default.
    /// </summary>
    public sealed class TraceMetadata
    {
        public TraceMetadata(
            string? gpuType = null,
            int gpuCount = 0,
            string? modelName = null,
            int tensorParallel = 0,
            IReadOnlyList<string>? sourceFiles = null,
            IReadOnlyList<int>? gpuIndices = null,
            string? provenance = null)
        {
            if (gpuCount < 0) throw new ArgumentOutOfRangeException(nameof(gpuCount), gpuCount, "GPU count cannot be negative.");
            if (tensorParallel < 0) throw new ArgumentOutOfRangeException(nameof(tensorParallel), tensorParallel, "Tensor-parallel degree cannot be negative.");
            GpuType = gpuType;
            GpuCount = gpuCount;
            ModelName = modelName;
            TensorParallel = tensorParallel;
            SourceFiles = sourceFiles ?? Array.Empty<string>();
            GpuIndices = gpuIndices ?? Array.Empty<int>();
            Provenance = provenance;
        }

        /// <summary>No metadata at all.</summary>
        public static TraceMetadata Empty { get; } = new TraceMetadata();

        /// <summary>GPU type, e.g. "H100-80GB" or "RTX A6000"; null when unknown.</summary>
        public string? GpuType { get; }

        /// <summary>GPUs summed into the trace; 0 when unknown.</summary>
        public int GpuCount { get; }

        /// <summary>Served model, e.g. "Llama-3.1-8B-Instruct"; null when unknown.</summary>
        public string? ModelName { get; }

        /// <summary>Tensor-parallel degree; 0 when unknown.</summary>
        public int TensorParallel { get; }

        /// <summary>Files the trace was read from (full paths).</summary>
        public IReadOnlyList<string> SourceFiles { get; }

        /// <summary>GPU indices summed into the trace (nvidia-smi <c>index</c>).</summary>
        public IReadOnlyList<int> GpuIndices { get; }

        /// <summary>
        /// How the trace was made, as text; null when not recorded. Synthesized traces say
        /// "synthesized (Exact|Aggregate ...), seed N" so a reader knows which method produced them.
        /// </summary>
        public string? Provenance { get; }

        /// <summary>A copy with the given fields replaced where they are not null.</summary>
        public TraceMetadata With(
            string? gpuType = null,
            int? gpuCount = null,
            string? modelName = null,
            int? tensorParallel = null,
            IReadOnlyList<string>? sourceFiles = null,
            IReadOnlyList<int>? gpuIndices = null,
            string? provenance = null)
            => new TraceMetadata(
                gpuType ?? GpuType,
                gpuCount ?? GpuCount,
                modelName ?? ModelName,
                tensorParallel ?? TensorParallel,
                sourceFiles ?? SourceFiles,
                gpuIndices ?? GpuIndices,
                provenance ?? Provenance);

        public override string ToString()
        {
            var parts = new List<string>();
            if (GpuType != null) parts.Add(GpuCount > 0 ? $"{GpuCount}x {GpuType}" : GpuType);
            if (ModelName != null) parts.Add(ModelName);
            if (TensorParallel > 0) parts.Add($"TP{TensorParallel}");
            return parts.Count == 0 ? "(unknown configuration)" : string.Join(", ", parts);
        }
    }
}
