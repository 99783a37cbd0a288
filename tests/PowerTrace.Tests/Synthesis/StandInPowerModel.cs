using System;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;

namespace PowerTrace.Testing
{
    /// <summary>
    /// A simple but honest stand-in for the real power model (tests and benchmarks only, until
    /// PowerTrace.Core.Model.PowerModel lands): an event-driven server (FIFO, concurrency limit, each
    /// request prefills at a token rate then decodes at a per-request token rate) and node power =
    /// idle + per-running-request increment (saturating) + a prefill step, plus AR(1) noise, clamped to
    /// [0.9 · idle, nameplate]. Gaussians come from a 1024-entry quantile table (10 random bits each).
    /// </summary>
    public sealed class StandInPowerModel : IServerPowerModel
    {
        internal readonly float[] GaussTable = BuildTable();

        public StandInPowerModel(double binSeconds = 0.25, double idleWatts = 400, double wattsPerRequest = 45, int saturationRequests = 24,
            double prefillWatts = 700, double nameplateWatts = 2800, int gpuCount = 4, double prefillTokensPerSecond = 8000,
            double decodeTokensPerSecond = 40, int maxConcurrentRequests = 32, double noiseWatts = 30, double ar1 = 0.8, int stateCount = 3)
        {
            BinSeconds = binSeconds; IdleWatts = idleWatts; WattsPerRequest = wattsPerRequest; SaturationRequests = saturationRequests;
            PrefillWatts = prefillWatts; NameplateWatts = nameplateWatts; GpuCount = gpuCount; PrefillTokensPerSecond = prefillTokensPerSecond;
            DecodeTokensPerSecond = decodeTokensPerSecond; MaxConcurrentRequests = maxConcurrentRequests; NoiseWatts = noiseWatts; Ar1 = ar1;
            StateCount = stateCount;
        }

        public double BinSeconds { get; }
        public double IdleWatts { get; }
        public double NameplateWatts { get; }
        public int GpuCount { get; }
        public double WattsPerRequest { get; }
        public int SaturationRequests { get; }
        public double PrefillWatts { get; }
        public double PrefillTokensPerSecond { get; }
        public double DecodeTokensPerSecond { get; }
        public int MaxConcurrentRequests { get; }
        public double NoiseWatts { get; }
        public double Ar1 { get; }
        /// <summary>Pretend number of power states (0 exercises ModelHasNoStates).</summary>
        public int StateCount { get; }

        public double EstimateServiceSeconds(int promptTokens, int outputTokens)
            => promptTokens / PrefillTokensPerSecond + outputTokens / DecodeTokensPerSecond;

        public IServerSynthesizer CreateSynthesizer() => new Synth(this);

        private static float[] BuildTable()
        {
            var t = new float[1024];
            for (int i = 0; i < t.Length; i++) t[i] = (float)MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, (i + 0.5) / t.Length);
            return t;
        }

        private sealed class Synth : IServerSynthesizer
        {
            private readonly StandInPowerModel _m;
            private int[] _active = new int[1];
            private int[] _prefill = new int[1];
            private readonly double[] _slots;

            public Synth(StandInPowerModel m) { _m = m; _slots = new double[m.MaxConcurrentRequests]; }

            public void Synthesize(ServerWorkload work, ref Rng rng, Span<float> gpuWatts)
            {
                int n = gpuWatts.Length;
                if (_active.Length < n + 1) { _active = new int[n + 1]; _prefill = new int[n + 1]; }
                else { Array.Clear(_active, 0, n + 1); Array.Clear(_prefill, 0, n + 1); }
                Array.Clear(_slots, 0, _slots.Length);
                double bin = _m.BinSeconds;
                var arr = work.ArrivalSeconds; var pr = work.PromptTokens; var ou = work.OutputTokens;
                for (int r = 0; r < work.Count; r++)
                {
                    // FIFO with a concurrency limit: the request takes the slot that frees first.
                    int best = 0;
                    for (int s = 1; s < _slots.Length; s++) if (_slots[s] < _slots[best]) best = s;
                    double start = Math.Max(arr.Array![arr.Offset + r], _slots[best]);
                    double pre = pr.Array![pr.Offset + r] / _m.PrefillTokensPerSecond;
                    double end = start + pre + ou.Array![ou.Offset + r] / _m.DecodeTokensPerSecond;
                    _slots[best] = end;
                    int bs = (int)Math.Min(n, start / bin), bp = (int)Math.Min(n, (start + pre) / bin), be = (int)Math.Min(n, end / bin);
                    _active[bs]++; _active[Math.Min(n, Math.Max(be, bs + 1))]--;
                    _prefill[bs]++; _prefill[Math.Min(n, Math.Max(bp, bs + 1))]--;
                }
                float[] table = _m.GaussTable;
                float idle = (float)_m.IdleWatts, per = (float)_m.WattsPerRequest, pw = (float)_m.PrefillWatts;
                float lo = 0.9f * idle, hi = (float)_m.NameplateWatts, phi = (float)_m.Ar1;
                float sigma = (float)(_m.NoiseWatts * Math.Sqrt(1 - _m.Ar1 * _m.Ar1));
                int sat = _m.SaturationRequests;
                int a = 0, p = 0, left = 0;
                float e = 0;
                ulong bits = 0;
                for (int i = 0; i < n; i++)
                {
                    a += _active[i]; p += _prefill[i];
                    if (left == 0) { bits = rng.NextUInt64(); left = 6; }
                    float z = table[(int)(bits & 1023)]; bits >>= 10; left--;
                    e = phi * e + sigma * z;
                    float w = idle + (a < sat ? a : sat) * per + (p > 0 ? pw : 0f) + e;
                    gpuWatts[i] = w < lo ? lo : (w > hi ? hi : w);
                }
            }
        }
    }
}
