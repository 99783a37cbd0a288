using System;
using System.Runtime.CompilerServices;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// A fast standard-normal sampler for synthesis: a 4096-segment inverse-CDF table with linear
    /// interpolation, driven by 24 random bits. Tails are cut near ±3.7σ (synthesis clamps samples to a
    /// state's observed range anyway); the table is rescaled so the sampled variance is exactly 1.
    /// </summary>
    internal static class StandardNormalTable
    {
        internal const int Segments = 4096;
        internal static readonly float[] Table = Build();

        /// <summary>A standard-normal deviate from the low 24 bits of <paramref name="bits"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static float FromBits(ulong bits)
        {
            uint b = (uint)bits & 0xFFFFFFu;
            int i = (int)(b >> 12);
            float f = (b & 0xFFFu) * (1f / 4096f);
            float a = Table[i];
            return a + (Table[i + 1] - a) * f;
        }

        /// <summary>As <see cref="FromBits(ulong)"/>, reading a pinned table.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static unsafe float FromBits(float* table, ulong bits)
        {
            uint b = (uint)bits & 0xFFFFFFu;
            uint i = b >> 12;
            float f = (b & 0xFFFu) * (1f / 4096f);
            float a = table[i];
            return a + (table[i + 1] - a) * f;
        }

        private static float[] Build()
        {
            var t = new double[Segments + 1];
            for (int i = 1; i < Segments; i++) t[i] = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (double)i / Segments);
            t[0] = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.25 / Segments);
            t[Segments] = -t[0];
            // Variance of the piecewise-linear inverse CDF with uniform input: mean over segments of (a² + ab + b²)/3.
            double v = 0;
            for (int i = 0; i < Segments; i++) v += (t[i] * t[i] + t[i] * t[i + 1] + t[i + 1] * t[i + 1]) / 3.0;
            v /= Segments;
            double scale = 1.0 / Math.Sqrt(v);
            var f = new float[Segments + 1];
            for (int i = 0; i <= Segments; i++) f[i] = (float)(t[i] * scale);
            return f;
        }
    }
}
