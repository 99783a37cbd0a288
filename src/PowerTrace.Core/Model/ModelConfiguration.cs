namespace PowerTrace.Core.Model
{
    /// <summary>The hardware and software configuration a power model describes (GPU type × model × TP degree).</summary>
    public sealed class ModelConfiguration
    {
        public ModelConfiguration(string? gpuType, int gpuCount, string? modelName, int tensorParallel, double idleWattsPerGpu, double tdpWattsPerGpu)
        {
            GpuType = gpuType;
            GpuCount = gpuCount;
            ModelName = modelName;
            TensorParallel = tensorParallel;
            IdleWattsPerGpu = idleWattsPerGpu;
            TdpWattsPerGpu = tdpWattsPerGpu;
        }

        /// <summary>GPU type, e.g. "RTX A6000"; null when unknown.</summary>
        public string? GpuType { get; }

        /// <summary>GPUs per node (model replica), at least 1.</summary>
        public int GpuCount { get; }

        /// <summary>Served model; null when unknown.</summary>
        public string? ModelName { get; }

        /// <summary>Tensor-parallel degree; 0 when unknown.</summary>
        public int TensorParallel { get; }

        /// <summary>Power of one GPU with nothing in flight, watts.</summary>
        public double IdleWattsPerGpu { get; }

        /// <summary>Thermal design power (nameplate) of one GPU, watts.</summary>
        public double TdpWattsPerGpu { get; }

        /// <summary>
        /// Nominal TDP of a GPU type, watts: from the GPU catalog (<see cref="Hardware.GpuCatalog"/>) when
        /// the name or an alias matches, else from the family name (PCIe variants, older parts); NaN when unknown.
        /// </summary>
        public static double KnownTdpWatts(string? gpuType)
        {
            if (string.IsNullOrEmpty(gpuType)) return double.NaN;
            var spec = Hardware.GpuCatalog.TryFind(gpuType);
            if (spec != null) return spec.TdpWatts;
            string t = gpuType!.ToUpperInvariant().Replace(" ", "").Replace("-", "").Replace("NVIDIA", "");
            if (t.Contains("A6000")) return 300;
            if (t.Contains("H200")) return 700;
            if (t.Contains("H100")) return t.Contains("PCIE") ? 350 : 700;
            if (t.Contains("A100")) return t.Contains("PCIE") ? 300 : 400;
            if (t.Contains("B200")) return 1000;
            if (t.Contains("L40")) return 350;
            if (t.Contains("A10")) return 150;
            if (t.Contains("L4")) return 72;
            if (t.Contains("V100")) return 300;
            return double.NaN;
        }

        public override string ToString()
            => $"{GpuCount}x {GpuType ?? "(unknown GPU)"}, {ModelName ?? "(unknown model)"}, TP{TensorParallel}";
    }
}
