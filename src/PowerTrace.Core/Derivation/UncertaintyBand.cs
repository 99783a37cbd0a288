using System;
using PowerTrace.Core.Model;

namespace PowerTrace.Core.Derivation
{
    /// <summary>
    /// How wide a derived model's band is: relative half widths that grow with how far the derivation extrapolates.
    /// Terms add in quadrature, each capped so the band stays below ±60 %.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Idle: ±3 % on the source's own GPU type (measured), ±5 % where the target's idle is measured or published,
    /// ±30 % where it is the catalog's estimate (11 % of TDP).</item>
    /// <item>State power above idle: 5 % floor (state-fit noise), + 5 % per TP doubling away from the nearest source of the
    /// target GPU (0 inside an interpolated range), + 4 % per doubling of model size, + 10 % when the GPU type changes
    /// with published phase powers for the target, + 20 % when it changes without.</item>
    /// <item>Rates: 5 % floor, + the largest relative error of the throughput fit on its anchors, + 10 % per TP doubling and 5 % per size
    /// doubling away from the nearest rate anchor, + 25 % when the target GPU has no rate anchor (efficiency carried over).</item>
    /// </list>
    /// These widths are a judgement, not a confidence interval: the leave-one-configuration-out test on the measured
    /// A6000 TP1/TP2 pair checks that the measured per-GPU state powers fall inside the band of the derived model.
    /// </remarks>
    public static class UncertaintyBand
    {
        /// <summary>Largest half width of any term.</summary>
        public const double Cap = 0.6;

        /// <summary>Idle half width.</summary>
        public static double Idle(bool sameGpuAsSource, bool idleMeasuredOrPublished)
            => sameGpuAsSource ? 0.03 : idleMeasuredOrPublished ? 0.05 : 0.30;

        /// <summary>Half width on state power above idle.</summary>
        public static double Dynamic(double tpDoublings, double sizeDoublings, bool gpuChanged, bool phaseFigures)
            => Quad(0.05, 0.05 * tpDoublings, 0.04 * sizeDoublings, gpuChanged ? (phaseFigures ? 0.10 : 0.20) : 0);

        /// <summary>Half width on token rates.</summary>
        public static double Rate(double residual, double tpDoublings, double sizeDoublings, bool transferred)
            => Quad(0.05, residual, 0.10 * tpDoublings, 0.05 * sizeDoublings, transferred ? 0.25 : 0);

        private static double Quad(params double[] t)
        {
            double s = 0;
            foreach (double x in t) if (!double.IsNaN(x)) s += x * x;
            return Math.Min(Cap, Math.Sqrt(s));
        }

        /// <summary>The band as a <see cref="ModelUncertainty"/>.</summary>
        public static ModelUncertainty Of(double idle, double dynamic, double rate) => new ModelUncertainty(idle, dynamic, rate, ModelBound.Central);
    }
}
