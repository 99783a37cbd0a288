using System;
using System.Collections.Generic;

namespace PowerTrace.Core.Hardware
{
    /// <summary>
    /// Public facts about one GPU model, each with its source: what deriving a power model for an
    /// unmeasured configuration needs (power envelope, dense BF16 compute, memory bandwidth).
    /// </summary>
    public sealed class GpuSpec
    {
        public GpuSpec(string name, IReadOnlyList<string> aliases, string vendor, double memoryGB, double tdpWatts,
            double idleWatts, double denseBf16Tflops, double memoryBandwidthGBps, bool idleWattsMeasured,
            IReadOnlyList<string> sources)
        {
            Name = name;
            Aliases = aliases;
            Vendor = vendor;
            MemoryGB = memoryGB;
            TdpWatts = tdpWatts;
            IdleWatts = idleWatts;
            DenseBf16Tflops = denseBf16Tflops;
            MemoryBandwidthGBps = memoryBandwidthGBps;
            IdleWattsMeasured = idleWattsMeasured;
            Sources = sources;
        }

        /// <summary>Canonical name, e.g. "H100-SXM-80GB".</summary>
        public string Name { get; }

        /// <summary>Other names users type ("H100", "h100-80gb").</summary>
        public IReadOnlyList<string> Aliases { get; }

        /// <summary>NVIDIA or AMD.</summary>
        public string Vendor { get; }

        /// <summary>Memory, GB.</summary>
        public double MemoryGB { get; }

        /// <summary>Board power limit (TDP / TBP), watts.</summary>
        public double TdpWatts { get; }

        /// <summary>Power when idle with a model loaded, watts.</summary>
        public double IdleWatts { get; }

        /// <summary>True when <see cref="IdleWatts"/> comes from a measurement; false when it is an estimate (see Sources).</summary>
        public bool IdleWattsMeasured { get; }

        /// <summary>Dense (no sparsity) BF16 tensor throughput, TFLOP/s.</summary>
        public double DenseBf16Tflops { get; }

        /// <summary>Memory bandwidth, GB/s.</summary>
        public double MemoryBandwidthGBps { get; }

        /// <summary>Where each number comes from.</summary>
        public IReadOnlyList<string> Sources { get; }

        /// <summary>Idle power as a share of TDP.</summary>
        public double IdleShareOfTdp => IdleWatts / TdpWatts;

        public override string ToString() => $"{Name} ({TdpWatts:0} W, {DenseBf16Tflops:0} TFLOP/s, {MemoryBandwidthGBps:0} GB/s)";
    }
}
