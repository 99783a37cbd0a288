using System;
using System.Runtime.CompilerServices;

namespace PowerTrace.Core.Numerics
{
    /// <summary>
    /// A small, fast, seedable random generator (xoshiro256**, seeded through SplitMix64).
    /// Randomness in PowerTrace is always passed in as one of these: never a global or time-seeded source.
    /// </summary>
    /// <remarks>
    /// A mutable struct: pass it by <c>ref</c>. <see cref="ForStream"/> derives independent generators
    /// from one master seed and a stream number (e.g. a server index), so work split across threads or
    /// shards draws exactly the same numbers as a single-threaded run.
    /// </remarks>
    public struct Rng
    {
        private ulong _s0, _s1, _s2, _s3;
        private double _spare;
        private bool _hasSpare;

        /// <summary>A generator for one seed.</summary>
        public Rng(ulong seed)
        {
            ulong x = seed;
            _s0 = SplitMix64(ref x);
            _s1 = SplitMix64(ref x);
            _s2 = SplitMix64(ref x);
            _s3 = SplitMix64(ref x);
            if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
            _spare = 0;
            _hasSpare = false;
        }

        /// <summary>An independent generator for stream <paramref name="stream"/> of a master seed.</summary>
        public static Rng ForStream(ulong masterSeed, ulong stream)
        {
            ulong x = masterSeed ^ 0x9E3779B97F4A7C15UL;
            ulong a = SplitMix64(ref x);
            ulong y = stream + 0xD1B54A32D192ED03UL;
            ulong b = SplitMix64(ref y);
            return new Rng(a ^ (b * 0xBF58476D1CE4E5B9UL) ^ stream);
        }

        /// <summary>
        /// An independent generator derived from this one's current state and <paramref name="salt"/>, without drawing
        /// from this one (so the main stream's consumption is unchanged). Deterministic.
        /// </summary>
        public Rng Fork(ulong salt)
        {
            ulong x = _s0 ^ RotL(_s1, 13) ^ RotL(_s2, 29) ^ RotL(_s3, 47) ^ (salt * 0x9E3779B97F4A7C15UL);
            return new Rng(SplitMix64(ref x));
        }

        /// <summary>SplitMix64 step: also a good 64-bit hash.</summary>
        public static ulong SplitMix64(ref ulong x)
        {
            ulong z = (x += 0x9E3779B97F4A7C15UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Next 64 random bits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong NextUInt64()
        {
            ulong result = RotL(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotL(_s3, 45);
            return result;
        }

        /// <summary>Uniform in [0, 1), 53 bits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

        /// <summary>Uniform in (0, 1]: safe for logarithms.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / 9007199254740992.0);

        /// <summary>Uniform integer in [0, n), n &gt; 0 (Lemire's multiply-shift, bias below 2^-32 for n &lt; 2^32).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int NextInt(int n)
        {
            if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be positive.");
            return (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);
        }

        /// <summary>Standard normal deviate (Marsaglia polar method).</summary>
        public double NextGaussian()
        {
            if (_hasSpare)
            {
                _hasSpare = false;
                return _spare;
            }
            double u, v, s;
            do
            {
                u = 2.0 * NextDouble() - 1.0;
                v = 2.0 * NextDouble() - 1.0;
                s = u * u + v * v;
            } while (s >= 1.0 || s == 0.0);
            double m = Math.Sqrt(-2.0 * Math.Log(s) / s);
            _spare = v * m;
            _hasSpare = true;
            return u * m;
        }

        /// <summary>Exponential deviate with the given rate (mean 1/rate).</summary>
        public double NextExponential(double rate) => -Math.Log(NextDoubleNonZero()) / rate;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));
    }
}
