using System;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Power a server draws besides its GPUs (CPUs, memory, fans, NICs): BaseWatts + GpuShare · GPU watts,
    /// per bin. The published study uses a constant 1000 W (<see cref="Default"/>).
    /// </summary>
    public sealed class NonGpuPower
    {
        public NonGpuPower(double baseWatts, double gpuShare = 0)
        {
            BaseWatts = baseWatts;
            GpuShare = gpuShare;
        }

        /// <summary>Constant 1000 W per server, as in the published study.</summary>
        public static NonGpuPower Default { get; } = new NonGpuPower(1000, 0);

        /// <summary>A constant draw, watts.</summary>
        public static NonGpuPower Constant(double watts) => new NonGpuPower(watts, 0);

        /// <summary>Idle draw plus a share of the GPU power (e.g. 0.1 for fans that follow the GPUs).</summary>
        public static NonGpuPower IdlePlusShare(double idleWatts, double gpuShare) => new NonGpuPower(idleWatts, gpuShare);

        /// <summary>Constant part, watts.</summary>
        public double BaseWatts { get; }

        /// <summary>Extra watts per GPU watt (0 for a constant draw).</summary>
        public double GpuShare { get; }

        internal void Validate()
        {
            if (!(BaseWatts >= 0) || BaseWatts > 1e6 || !(GpuShare >= 0) || double.IsInfinity(GpuShare))
                throw new Errors.InvalidSettingException("InvalidNonGpuPower", "NonGpuWatts",
                    $"Non-GPU power must be between 0 and 1 MW per server, its GPU share zero or positive and finite (got {BaseWatts} W + {GpuShare} x GPU).");
        }

        public override string ToString() => GpuShare == 0 ? $"{BaseWatts:0.#} W" : $"{BaseWatts:0.#} W + {GpuShare:0.###} x GPU";
    }
}
