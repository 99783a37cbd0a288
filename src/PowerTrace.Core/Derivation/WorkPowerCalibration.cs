using System.Collections.Generic;
using System.Globalization;
using PowerTrace.Core.Hardware;

namespace PowerTrace.Core.Derivation
{
    /// <summary>
    /// Per-GPU coefficients of the work-power curve (<see cref="Model.WorkPower"/>) for configurations nobody measured,
    /// each with the public measurement it rests on. Recomputed from the files by
    /// <c>WorkPowerCalibrationTests</c> where the data is in <c>../shared/data</c>.
    /// </summary>
    /// <remarks>
    /// <para><b>A100-SXM-80GB.</b> Busy floor and watts per TB/s: least squares of Splitwise's measured average power
    /// (perf_model.csv, a100-80gb, <c>average_power</c> × 400 W) on the HBM traffic per GPU (2 bytes × parameters / TP per
    /// decode step, over the measured <c>token_time</c>) over the 22 decode-dominated runs (prompt time at most 6 % of
    /// end-to-end time; llama2-70b TP 2/4/8, bloom-176b TP 8): busy 121.8 W, 141.4 W per TB/s, residuals within 5 %.
    /// Watts per TFLOP/s: Splitwise's prompt-phase power (400 W, constant.yaml) is the power cap of its boards (perf_model.csv
    /// peak_power 1.00-1.09 × 400 W while prompting), so it only bounds the coefficient from below: (400 − 121.8) W over the
    /// arithmetic rate of its measured llama2-70b TP2 prefill (2,763 tokens/s → 190.6 TFLOP/s per GPU) ≥ 1.46 W per TFLOP/s.
    /// On the 500 W boards of the published vLLM runs prefill reads up to 521 W: the coefficient that takes that prefill
    /// rate to the 500 W ceiling, (500 − 121.8) / 190.6 = 1.98 W per TFLOP/s, is used.
    /// Idle 83 W per GPU: vLLM with Qwen3-8B loaded on A100 SXM 80 GB, idle before the first request (82-83 W in four
    /// published runs, issue 10's table). Ceiling 500 W: the A100 80 GB SXM datasheet's footnote (HGX A100 80 GB custom
    /// thermal solution SKUs run up to 500 W TDP), and those runs read up to 521 W.</para>
    /// <para><b>H100-SXM-80GB.</b> Watts per TFLOP/s: Splitwise's prompt-phase 700 W above the busy floor over the
    /// arithmetic rate of its measured llama2-70b TP2 prefill on h100-80gb (6,199 tokens/s → 427.6 TFLOP/s per GPU).
    /// Busy floor: Splitwise's H100 idle (75 W) plus the A100's busy-above-idle share of TDP ((121.8 − 63) / 400 = 14.7 %)
    /// × 700 W = 178 W (an assumption: no public H100 power-versus-traffic sweep is at hand). Watts per TB/s: the A100's
    /// (141.4), with the decode step overhead (ThroughputModel.DecodeStepOverheadSeconds) calibrated jointly on the published
    /// medians of the A100 and H100 Qwen3-8B runs (295 W, 415 W at 4.11 req/s; issue 10's table): those medians are in-sample.
    /// Idle 123 W: the same run's idle before the first request (the paper, arXiv 2603.18383, reports about 120 W).</para>
    /// <para><b>Other GPUs</b> (H200, B200, L40S, MI300X, A100-40GB, RTX A6000): busy floor = idle + 14.7 % of TDP, watts per
    /// TB/s and per TFLOP/s those of the nearest measured generation (Hopper for H200/B200/MI300X, Ampere otherwise),
    /// ceiling = TDP; estimates, marked so, with a wider band.</para>
    /// </remarks>
    public sealed class WorkPowerCoefficients
    {
        internal WorkPowerCoefficients(string gpu, double idle, double busy, double perTBps, double perTflops, double ceiling, bool measured, string source)
        {
            Gpu = gpu; IdleWattsPerGpu = idle; BusyWattsPerGpu = busy; WattsPerTBps = perTBps; WattsPerTflops = perTflops;
            CeilingWattsPerGpu = ceiling; Measured = measured; Source = source;
        }

        /// <summary>GPU (catalog name).</summary>
        public string Gpu { get; }
        /// <summary>Idle watts per GPU with a model loaded.</summary>
        public double IdleWattsPerGpu { get; }
        /// <summary>Busy floor, watts per GPU.</summary>
        public double BusyWattsPerGpu { get; }
        /// <summary>Watts per TB/s of memory traffic.</summary>
        public double WattsPerTBps { get; }
        /// <summary>Watts per dense TFLOP/s.</summary>
        public double WattsPerTflops { get; }
        /// <summary>Board power limit, watts per GPU.</summary>
        public double CeilingWattsPerGpu { get; }
        /// <summary>True when the coefficients rest on measurements of this GPU; false for estimates carried over from another.</summary>
        public bool Measured { get; }
        /// <summary>Sources and rules.</summary>
        public string Source { get; }

        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "{0}: idle {1:0.#} W, busy {2:0.#} W, {3:0.#} W per TB/s, {4:0.###} W per TFLOP/s, ceiling {5:0} W ({6})",
            Gpu, IdleWattsPerGpu, BusyWattsPerGpu, WattsPerTBps, WattsPerTflops, CeilingWattsPerGpu, Measured ? "measured" : "estimated");
    }

    /// <summary>The per-GPU work-power coefficients (see <see cref="WorkPowerCoefficients"/>).</summary>
    public static class WorkPowerCalibration
    {
        /// <summary>Splitwise A100 decode fit: busy floor, watts per TB/s.</summary>
        public const double A100BusyWatts = 121.8, A100WattsPerTBps = 141.4;
        /// <summary>The 500 W ceiling over the measured llama2-70b TP2 prefill arithmetic rate (Splitwise), watts per TFLOP/s.</summary>
        public const double A100WattsPerTflops = 1.98;
        /// <summary>Busy floor above idle as a share of TDP (A100, Splitwise): (121.8 − 63) / 400.</summary>
        public const double BusyShareOfTdp = (A100BusyWatts - 63) / 400;
        /// <summary>H100 busy floor: 75 W + 14.7 % of 700 W.</summary>
        public const double H100BusyWatts = 75 + BusyShareOfTdp * 700;
        /// <summary>H100 watts per TFLOP/s: (700 − busy) / 427.6.</summary>
        public const double H100WattsPerTflops = (700 - H100BusyWatts) / 427.6;
        /// <summary>H100 watts per TB/s, calibrated on the published H100 Qwen3-8B median (see remarks).</summary>
        public const double H100WattsPerTBps = A100WattsPerTBps;

        private const string SplitwiseA100 = "Splitwise perf_model.csv a100-80gb decode-dominated runs (busy floor, W per TB/s); W per TFLOP/s: the 500 W ceiling over the arithmetic rate of Splitwise's measured llama2-70b TP2 prefill (Splitwise's 400 W prompt power is its boards' cap, a lower bound)";
        private const string H100Rule = "W per TFLOP/s: Splitwise constant.yaml prompt 700 W over the measured llama2-70b TP2 prefill rate on h100-80gb; busy floor: 75 W + the A100's 14.7 % of TDP (assumption); W per TB/s: calibrated on the published H100 Qwen3-8B TP1 median (415 W at 4.11 req/s)";

        private static readonly WorkPowerCoefficients[] Table =
        {
            new WorkPowerCoefficients("A100-SXM-80GB", 83, A100BusyWatts, A100WattsPerTBps, A100WattsPerTflops, 500, true,
                SplitwiseA100 + "; idle 83 W: vLLM Qwen3-8B A100 runs before the first request; ceiling 500 W: A100 80GB SXM datasheet (CTS SKUs up to 500 W), readings up to 521 W"),
            new WorkPowerCoefficients("A100-SXM-40GB", 63, A100BusyWatts, A100WattsPerTBps, A100WattsPerTflops, 400, true,
                SplitwiseA100 + " (same A100 silicon); idle 63 W: Splitwise constant.yaml; ceiling 400 W: datasheet TDP"),
            new WorkPowerCoefficients("H100-SXM-80GB", 123, H100BusyWatts, H100WattsPerTBps, H100WattsPerTflops, 700, true,
                H100Rule + "; idle 123 W: the same run before the first request (paper arXiv 2603.18383: about 120 W); ceiling 700 W: datasheet TDP"),
        };

        /// <summary>The coefficients of a GPU (catalog name or alias): measured where listed, else estimated from the nearest generation.</summary>
        public static WorkPowerCoefficients For(GpuSpec gpu)
        {
            foreach (var c in Table) if (c.Gpu == gpu.Name) return c;
            bool hopperClass = gpu.MemoryBandwidthGBps >= 3000;
            double perTBps = hopperClass ? H100WattsPerTBps : A100WattsPerTBps;
            double perTflops = hopperClass ? H100WattsPerTflops : A100WattsPerTflops;
            double busy = gpu.IdleWatts + BusyShareOfTdp * gpu.TdpWatts;
            return new WorkPowerCoefficients(gpu.Name, gpu.IdleWatts, busy, perTBps, perTflops, gpu.TdpWatts, false,
                string.Format(CultureInfo.InvariantCulture, "estimate: idle {0} W (GPU catalog), busy floor = idle + 14.7 % of TDP, W per TB/s and per TFLOP/s of the {1} calibration, ceiling = TDP {2} W",
                    gpu.IdleWatts, hopperClass ? "H100" : "A100", gpu.TdpWatts));
        }

        /// <summary>
        /// Width of nvidia-smi's power.draw average for a GPU, seconds: 0 (instantaneous) for GA100 (A100) and older, 1 for
        /// Ampere GA10x (RTX A6000, A10, A40), Ada, Hopper and newer (NVIDIA nvidia-smi documentation, power.draw); 1 for other vendors.
        /// </summary>
        public static double MeterSecondsFor(GpuSpec? gpu)
            => gpu != null && gpu.Name.StartsWith("A100", System.StringComparison.OrdinalIgnoreCase) ? 0 : 1;

        /// <summary>The measured calibrations.</summary>
        public static IReadOnlyList<WorkPowerCoefficients> Measured => Table;
    }
}
