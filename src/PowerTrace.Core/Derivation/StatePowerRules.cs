using System;
using PowerTrace.Core.Model;

namespace PowerTrace.Core.Derivation
{
    /// <summary>
    /// How a measured state's power carries over to another GPU, TP degree or model: through its utilisation of the
    /// GPU's dynamic power range.
    /// </summary>
    /// <remarks>
    /// <para>Rule P1 (envelope): per-GPU power = idle + u · (TDP − idle). A source state's u =
    /// (node watts / source GPUs − source idle) / (source TDP − source idle); the target state's per-GPU power uses the
    /// target GPU's idle and TDP; node power = per-GPU power × target GPUs.</para>
    /// <para>Rule P2 (published phase powers): where per-GPU prefill and decode watts are published for the target GPU
    /// (<see cref="PublishedFigures"/>), u of every non-prefill state is multiplied by u_decode(target figure) /
    /// u_decode(source), the source's share-weighted u over its decode states, and prefill states by the same ratio of
    /// prefill u; the source's state structure (levels relative to each other, persistence) is kept.</para>
    /// <para>Rule P3 (interpolation): where several sources of the target's GPU type exist at different TP degrees,
    /// ln u_decode is fitted linearly in log2 TP across them and evaluated at the target TP; the ratio to the primary
    /// source's u_decode scales its busy states.</para>
    /// <para>Rule P4 (work share): otherwise busy states (decode, prefill) are scaled by
    /// b + (1 − b) · η_target / η_source, where η is the phase's achieved share of the roofline per GPU
    /// (<see cref="ThroughputModel"/>: it falls as TP grows and all-reduces stall each GPU) and b the busy floor
    /// (<see cref="DerivationOptions.BusyFloorShare"/>, 0.5: half of a busy GPU's dynamic power is clocks and leakage
    /// that do not follow how much work it finishes). Idle-named states (post-work standby levels) keep their u.
    /// Compute-bound prefill stays near saturation; memory-bound decode follows bandwidth efficiency.</para>
    /// <para>u is kept within [−0.2, 1] (a GPU cannot exceed its TDP; a state may sit a little below the nominal idle).
    /// Standard deviations scale with the dynamic range and the ratio, and add over GPUs (the GPUs of a TP group run the
    /// same work in lock step, so their fluctuations are taken as fully correlated).</para>
    /// </remarks>
    public static class StatePowerRules
    {
        /// <summary>Utilisation of the dynamic range of a node power level.</summary>
        public static double Utilisation(double nodeWatts, int gpus, double idleWattsPerGpu, double tdpWattsPerGpu)
            => (nodeWatts / gpus - idleWattsPerGpu) / (tdpWattsPerGpu - idleWattsPerGpu);

        /// <summary>Phase class of a state from its name: "prefill", "decode" or "idle".</summary>
        public static string PhaseOf(PowerState s)
            => s.Name.StartsWith("prefill", StringComparison.OrdinalIgnoreCase) ? "prefill"
             : s.Name.StartsWith("decode", StringComparison.OrdinalIgnoreCase) ? "decode" : "idle";

        /// <summary>Share-weighted mean u of a model's states of one phase; NaN when it has none.</summary>
        public static double PhaseUtilisation(PowerModel m, string phase)
        {
            double s = 0, w = 0;
            foreach (var st in m.States)
            {
                if (PhaseOf(st) != phase) continue;
                double sh = Math.Max(st.Share, 1e-6);
                s += sh * Utilisation(st.MeanWatts, m.GpuCount, m.Configuration.IdleWattsPerGpu, m.Configuration.TdpWattsPerGpu);
                w += sh;
            }
            return w > 0 ? s / w : double.NaN;
        }

        /// <summary>Work-share factor of rule P4: b + (1 − b) · ratio.</summary>
        public static double WorkShareFactor(double efficiencyRatio, double busyFloor)
            => double.IsNaN(efficiencyRatio) ? 1.0 : busyFloor + (1 - busyFloor) * efficiencyRatio;

        /// <summary>
        /// Maps one source state to the target: u scaled by <paramref name="ratio"/>, on the target's envelope and GPU count.
        /// </summary>
        public static PowerState Map(PowerState s, PowerModel source, double ratio, double idleT, double tdpT, int gpusT)
        {
            var c = source.Configuration;
            int g = source.GpuCount;
            double rangeS = c.TdpWattsPerGpu - c.IdleWattsPerGpu, rangeT = tdpT - idleT;
            double W(double x)
            {
                double u = Math.Max(-0.2, Math.Min(1.0, Utilisation(x, g, c.IdleWattsPerGpu, c.TdpWattsPerGpu) * ratio));
                return Math.Max(0, idleT + u * rangeT) * gpusT;
            }
            double mean = W(s.MeanWatts);
            double sd = s.StdWatts / g / rangeS * Math.Abs(ratio) * rangeT * gpusT;
            double lo = Math.Min(W(s.MinWatts), mean), hi = Math.Max(W(s.MaxWatts), mean);
            return new PowerState(s.Index, s.Name, mean, sd, s.Share, s.Ar1, lo, hi, s.BinCount);
        }
    }
}
