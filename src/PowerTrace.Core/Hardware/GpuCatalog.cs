using System;
using System.Collections.Generic;
using System.Linq;
using PowerTrace.Core.Errors;

namespace PowerTrace.Core.Hardware
{
    /// <summary>
    /// The GPU facts shipped with the module. Every number names its public source; idle power that
    /// no public measurement gives is marked as an estimate and says how it was estimated.
    /// </summary>
    public static class GpuCatalog
    {
        private const string EstimatedIdle =
            "Idle W: estimate = 11 % of TDP, the mean idle share of the measured A100 (63/400 W = 16 %) and H100 (75/700 W = 11 %) " +
            "figures in Splitwise's power model (splitwise-sim configs/power_model/constant.yaml), weighted toward the newer part.";

        private static readonly GpuSpec[] Specs =
        {
            new GpuSpec("A100-SXM-40GB", new[] { "A100-40GB", "a100-40gb" }, "NVIDIA", 40, 400, 63, 312, 1555, true, new[]
            {
                "NVIDIA A100 Tensor Core GPU datasheet (2021): 400 W TDP (SXM), BF16 312 TFLOPS dense, 1,555 GB/s HBM2, 40 GB.",
                "Idle 63 W: Splitwise power model (Patel et al., ISCA 2024; splitwise-sim configs/power_model/constant.yaml, a100-80gb idle).",
            }),
            new GpuSpec("A100-SXM-80GB", new[] { "A100", "A100-80GB", "a100-80gb" }, "NVIDIA", 80, 400, 63, 312, 2039, true, new[]
            {
                "NVIDIA A100 Tensor Core GPU datasheet (2021): 400 W TDP (SXM), BF16 312 TFLOPS dense, 2,039 GB/s HBM2e, 80 GB.",
                "Idle 63 W: Splitwise power model (splitwise-sim configs/power_model/constant.yaml, a100-80gb idle).",
            }),
            new GpuSpec("H100-SXM-80GB", new[] { "H100", "H100-80GB", "h100-80gb" }, "NVIDIA", 80, 700, 75, 989, 3350, true, new[]
            {
                "NVIDIA H100 Tensor Core GPU datasheet (2023): 700 W TDP (SXM), BF16 989 TFLOPS dense (1,979 with sparsity), 3.35 TB/s HBM3, 80 GB.",
                "Idle 75 W: Splitwise power model (splitwise-sim configs/power_model/constant.yaml, h100-80gb idle).",
            }),
            new GpuSpec("H200-SXM-141GB", new[] { "H200", "h200" }, "NVIDIA", 141, 700, 77, 989, 4800, false, new[]
            {
                "NVIDIA H200 Tensor Core GPU datasheet (2024): up to 700 W TDP (SXM), BF16 989 TFLOPS dense (1,979 with sparsity), 4.8 TB/s HBM3e, 141 GB.",
                EstimatedIdle,
            }),
            new GpuSpec("B200-SXM-180GB", new[] { "B200", "b200" }, "NVIDIA", 180, 1000, 110, 2250, 8000, false, new[]
            {
                "NVIDIA DGX B200 datasheet (2024): 8 GPUs, 1,440 GB total (180 GB each), 64 TB/s total HBM3e (8 TB/s each), FP8 72 PFLOPS with sparsity (BF16 dense = 72/8/4 = 2.25 PFLOPS each); HGX B200 1,000 W per GPU.",
                EstimatedIdle,
            }),
            new GpuSpec("L40S-48GB", new[] { "L40S", "l40s" }, "NVIDIA", 48, 350, 38, 362, 864, false, new[]
            {
                "NVIDIA L40S datasheet (2023): 350 W max board power, BF16 362 TFLOPS dense (733 with sparsity), 864 GB/s GDDR6, 48 GB.",
                EstimatedIdle,
            }),
            new GpuSpec("MI300X-192GB", new[] { "MI300X", "mi300x" }, "AMD", 192, 750, 83, 1307, 5300, false, new[]
            {
                "AMD Instinct MI300X data sheet (2023): 750 W peak board power, BF16 1,307.4 TFLOPS dense, 5.3 TB/s HBM3, 192 GB.",
                EstimatedIdle,
            }),
            new GpuSpec("RTX-A6000-48GB", new[] { "A6000", "RTX A6000", "rtx-a6000" }, "NVIDIA", 48, 300, 33, 155, 768, true, new[]
            {
                "NVIDIA RTX A6000 datasheet (2021): 300 W max power, 38.7 TFLOPS FP32 and 309.7 tensor TFLOPS with sparsity (154.8 dense BF16), 768 GB/s GDDR6, 48 GB.",
                "Idle 33 W: measured, LLMServingSim evaluation/power (casys-kaist, nvidia-smi log; power_config idle 33 W).",
            }),
        };

        /// <summary>Every GPU in the catalog.</summary>
        public static IReadOnlyList<GpuSpec> All => Specs;

        /// <summary>Finds a GPU by name or alias (case-insensitive); null when unknown.</summary>
        public static GpuSpec? TryFind(string? name) => CatalogLookup.Find(Specs, name, s => s.Name, s => s.Aliases);

        /// <summary>
        /// The catalog name of a GPU given by name or alias ("H100", "h100-80gb" and "H100-SXM-80GB" all give
        /// "H100-SXM-80GB"); a GPU the catalog does not know keeps its own spelling (trimmed); null stays null.
        /// Every GPU name that enters the module (imports, fits, derivations, evaluations) goes through this, so one GPU never counts as two.
        /// </summary>
        public static string? CanonicalName(string? name)
        {
            if (name == null) return null;
            return TryFind(name)?.Name ?? name.Trim();
        }

        /// <summary>
        /// True when two GPU names denote the same GPU: both resolve to one catalog entry, or (unknown to the catalog)
        /// they are equal ignoring case, spaces and punctuation.
        /// </summary>
        public static bool SameGpu(string? a, string? b)
        {
            if (a == null || b == null) return a == null && b == null;
            var sa = TryFind(a);
            var sb = TryFind(b);
            if (sa != null || sb != null) return ReferenceEquals(sa, sb);
            return CatalogLookup.Normalize(a) == CatalogLookup.Normalize(b);
        }

        /// <summary>Finds a GPU by name or alias; throws <see cref="InvalidSettingException"/> (UnknownGpu) naming the known ones.</summary>
        public static GpuSpec Find(string? name)
        {
            var s = TryFind(name);
            if (s != null) return s;
            throw new InvalidSettingException("UnknownGpu", "Gpu",
                $"GPU '{name}' is not in the GPU catalog. Known: {string.Join(", ", Specs.Select(x => x.Name))}. " +
                "Give its facts explicitly (TDP and idle watts, dense BF16 TFLOP/s, memory bandwidth GB/s) to derive a model for it.");
        }

    }
}
