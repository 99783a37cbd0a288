using System;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// Per-thread synthesis engine of a <see cref="PowerModel"/>: runs the serving emulator straight into
    /// per-bin context ids (<see cref="ServingEmulator.EmulateContexts(ServerWorkload, double, int, byte[], WorkPower, float[], float[])"/>), then samples the state chain and the
    /// AR(1) power within each state, whole-horizon or block by block (<see cref="IBlockServerSynthesizer"/>).
    /// Not thread-safe: create one per worker. Allocates nothing per call once its buffers have grown.
    /// </summary>
    /// <remarks>
    /// Generator use: one 64-bit draw per bin (top 24 bits pick the state, low 24 bits the Gaussian), so a
    /// block split never changes the output.
    /// </remarks>
    public sealed class PowerModelSynthesizer : IBlockServerSynthesizer
    {
        private readonly PowerModel _model;
        private readonly CompiledChain _c;
        private readonly ServingEmulator _emulator;
        private readonly WorkloadFeatures _features;
        // Guide table [(ctx*K + cur)*256 + top 8 bits of the state draw]: the next state when every draw in that
        // 1/256 slice of [0, 1) lands in one state, else Mixed (the slice holds a cumulative bound: search the row).
        private readonly byte[] _guide;
        private const byte Mixed = 0xFF;
        private readonly float[] _par;  // [state*8 + {mu, sd, phi, innov, min, max}]: one cache line per state
        private byte[] _contexts = Array.Empty<byte>();
        // Work-power curve of the model (null: states carry absolute watts) and each bin's metered curve watts.
        private readonly WorkPower? _power;
        private float[] _expected = Array.Empty<float>();
        private float[] _prefillShare = Array.Empty<float>();
        private readonly float _ceiling, _prefillWatts;
        private Rng _meterRng; // instantaneous meter: which part of each bin the reading falls in (forked, not drawn from the chain's stream)
        // Chain state of the server begun last (block mode).
        private Rng _rng;
        private int _n, _pos, _state;
        private float _z;

        internal PowerModelSynthesizer(PowerModel model)
        {
            _model = model;
            _c = model.Chain;
            _emulator = new ServingEmulator(model.ServingProfile);
            _features = new WorkloadFeatures(model.BinSeconds, 0);
            int k = _c.K, cc = _c.C;
            _par = new float[k * 8];
            for (int st = 0; st < k; st++)
            {
                _par[st * 8] = _c.Mu[st]; _par[st * 8 + 1] = _c.Sd[st]; _par[st * 8 + 2] = _c.Phi[st];
                _par[st * 8 + 3] = _c.Innov[st]; _par[st * 8 + 4] = _c.Min[st]; _par[st * 8 + 5] = _c.Max[st];
            }
            _guide = BuildGuide(_c);
            _power = model.WorkPower;
            _ceiling = _power != null ? (float)_power.NodeCeilingWatts : float.MaxValue;
            _prefillWatts = _power != null ? (float)_power.PrefillPhaseWatts(model.ServingProfile) : 0f;
        }

        // The state the sampler's row search picks for draw u (first s with u < row[s]; K when none).
        private static int Search(float[] cum, int row, int k, float u)
        {
            int s = 0;
            while (s < k && u >= cum[row + s]) s++;
            return s;
        }

        private static byte[] BuildGuide(CompiledChain c)
        {
            int k = c.K, cc = c.C;
            var g = new byte[cc * k * 256];
            for (int ctx = 0; ctx < cc; ctx++)
                for (int cur = 0; cur < k; cur++)
                {
                    int row = (cur * cc + ctx) * k;
                    bool monotone = k < Mixed;
                    for (int j = 1; j < k; j++) if (!(c.Cum[row + j] >= c.Cum[row + j - 1])) monotone = false;
                    for (int b = 0; b < 256; b++)
                    {
                        // Draws u = m / 2^24 with top 8 bits b: m in [b*2^16, (b+1)*2^16 - 1]; both ends exact in float.
                        float lo = (b << 16) * (1f / 16777216f), hi = ((b << 16) + 65535) * (1f / 16777216f);
                        int sLo = Search(c.Cum, row, k, lo), sHi = Search(c.Cum, row, k, hi);
                        g[(ctx * k + cur) * 256 + b] = monotone && sLo == sHi && sLo < k ? (byte)sLo : Mixed;
                    }
                }
            return g;
        }

        /// <summary>The model this engine samples.</summary>
        public PowerModel Model => _model;

        /// <summary>
        /// Node GPU power for the requests one server serves: one entry per model bin from horizon second 0.
        /// </summary>
        public void Synthesize(ServerWorkload work, ref Rng rng, Span<float> gpuWatts)
        {
            int n = gpuWatts.Length;
            EmulateContexts(work, n);
            _meterRng = rng.Fork(MeterSalt);
            Sample(new ReadOnlySpan<byte>(_contexts, 0, n), ref rng, gpuWatts);
            if (_power != null) AddExpected(0, gpuWatts.Slice(0, n));
        }

        /// <summary>Starts a server for block-wise synthesis (see <see cref="IBlockServerSynthesizer"/>).</summary>
        public void Begin(ServerWorkload work, Rng rng, int binCount)
        {
            if (binCount < 0) throw new ArgumentOutOfRangeException(nameof(binCount));
            EmulateContexts(work, binCount);
            _meterRng = rng.Fork(MeterSalt);
            _rng = rng; _n = binCount; _pos = 0; _state = 0; _z = 0;
        }

        /// <summary>The next <c>gpuWatts.Length</c> bins of the server begun last.</summary>
        public void Next(Span<float> gpuWatts)
        {
            int len = gpuWatts.Length;
            if (len > _n - _pos) throw new ArgumentException($"Only {_n - _pos} bins are left of this server.", nameof(gpuWatts));
            if (len == 0) return;
            SampleRange(_contexts, _pos, len, gpuWatts);
            if (_power != null) AddExpected(_pos, gpuWatts.Slice(0, len));
            _pos += len;
        }

        private const ulong MeterSalt = 0x6D65746572UL; // "meter"

        // Adds the metered curve watts of bins [start, start + out.Length) to the sampled residuals, kept in [0, ceiling].
        // An instantaneous meter reads the prefill phase or the rest of each bin (one forked draw per bin).
        private void AddExpected(int start, Span<float> output)
        {
            var e = _expected;
            float cap = _ceiling;
            if (_power!.DrawsPointReadings)
            {
                var sh = _prefillShare;
                float pre = _prefillWatts;
                for (int i = 0; i < output.Length; i++)
                {
                    double u = _meterRng.NextDouble();
                    float v = output[i] + WorkPower.PointReading(e[start + i], sh[start + i], pre, u);
                    output[i] = v < 0f ? 0f : v > cap ? cap : v;
                }
                return;
            }
            for (int i = 0; i < output.Length; i++)
            {
                float v = output[i] + e[start + i];
                output[i] = v < 0f ? 0f : v > cap ? cap : v;
            }
        }

        /// <summary>The metered work-power watts of the bins emulated last (empty for a model without a curve); for tests and diagnostics.</summary>
        public ReadOnlySpan<float> LastExpectedWatts(int binCount) => _power == null ? ReadOnlySpan<float>.Empty : new ReadOnlySpan<float>(_expected, 0, binCount);

        // Emulated contexts describe the work at the instant it runs, which is what the lag-corrected training
        // contexts describe: the model's WorkloadLagSeconds (a logging/metering delay) is deliberately not applied here.
        private void EmulateContexts(ServerWorkload work, int n)
        {
            if (_contexts.Length < n) _contexts = new byte[Math.Max(n, _contexts.Length * 2)];
            if (_power == null) { _emulator.EmulateContexts(work, _model.BinSeconds, n, _contexts); return; }
            if (_expected.Length < n) { _expected = new float[Math.Max(n, _expected.Length * 2)]; _prefillShare = new float[_expected.Length]; }
            _emulator.EmulateContexts(work, _model.BinSeconds, n, _contexts, _power, _expected, _prefillShare);
            _power.ApplyMeter(new Span<float>(_expected, 0, n), _model.BinSeconds);
        }

        /// <summary>
        /// Node power for workload features measured from logs: fills the first <c>features.BinCount</c> entries of
        /// <paramref name="watts"/>, with the contexts delayed by the model's <see cref="PowerModel.WorkloadLagSeconds"/>
        /// (the logging delay the model was fitted with).
        /// </summary>
        /// <exception cref="InvalidSettingException">BinWidthMismatch when the features' bin width is not the model's.</exception>
        public void SynthesizeFromFeatures(WorkloadFeatures features, ref Rng rng, Span<float> watts)
            => SynthesizeFromFeatures(features, ref rng, watts, _model.WorkloadLagSeconds);

        /// <summary>
        /// Node power for given workload features, with the contexts delayed by <paramref name="workloadLagSeconds"/>
        /// (rounded to whole bins; 0 for features not subject to a logging delay, such as emulated ones).
        /// </summary>
        /// <exception cref="InvalidSettingException">BinWidthMismatch when the features' bin width is not the model's; InvalidWorkloadLag.</exception>
        public void SynthesizeFromFeatures(WorkloadFeatures features, ref Rng rng, Span<float> watts, double workloadLagSeconds)
        {
            WorkloadLag.Validate(workloadLagSeconds, nameof(workloadLagSeconds));
            if (features == null) throw new ArgumentNullException(nameof(features));
            if (Math.Abs(features.BinSeconds - _model.BinSeconds) > 1e-9 * _model.BinSeconds)
                throw new InvalidSettingException("BinWidthMismatch", nameof(features),
                    $"The workload features have {features.BinSeconds} s bins but the model was fitted at {_model.BinSeconds} s.");
            int n = features.BinCount;
            if (watts.Length < n) throw new ArgumentException($"The output span holds {watts.Length} bins; {n} are needed.", nameof(watts));
            if (_contexts.Length < n) _contexts = new byte[Math.Max(n, _contexts.Length * 2)];
            WorkloadContext.Compute(features, _contexts);
            int lagBins = WorkloadLag.ToBins(workloadLagSeconds, _model.BinSeconds);
            WorkloadLag.Shift(new Span<byte>(_contexts, 0, n), lagBins);
            _meterRng = rng.Fork(MeterSalt);
            Sample(new ReadOnlySpan<byte>(_contexts, 0, n), ref rng, watts);
            if (_power != null)
            {
                if (_expected.Length < n) { _expected = new float[Math.Max(n, _expected.Length * 2)]; _prefillShare = new float[_expected.Length]; }
                _power.FromFeatures(features, _model.ServingProfile, _expected);
                WorkPower.PrefillShare(features, _model.ServingProfile, _prefillShare);
                WorkloadLag.Shift(new Span<float>(_expected, 0, n), lagBins);
                WorkloadLag.Shift(new Span<float>(_prefillShare, 0, n), lagBins);
                AddExpected(0, watts.Slice(0, n));
            }
        }

        /// <summary>Samples the chain over a sequence of context ids (one per bin).</summary>
        public void SampleContexts(ReadOnlySpan<byte> contexts, ref Rng rng, Span<float> watts)
        {
            if (watts.Length < contexts.Length) throw new ArgumentException("The output span is shorter than the context sequence.", nameof(watts));
            for (int i = 0; i < contexts.Length; i++)
                if (contexts[i] >= _c.C) throw new ArgumentOutOfRangeException(nameof(contexts), $"Context id {contexts[i]} at bin {i} is outside 0..{_c.C - 1}.");
            Sample(contexts, ref rng, watts);
        }

        private void Sample(ReadOnlySpan<byte> ctx, ref Rng rng, Span<float> watts)
        {
            int n = ctx.Length;
            if (n == 0) return;
            _rng = rng; _pos = 0; _n = n; _state = 0; _z = 0;
            SampleRange(ctx, 0, n, watts);
            rng = _rng;
        }

        // Samples bins [start, start + len) of ctx into watts[0, len), continuing the chain state in the fields
        // (start 0 draws the first state from P(state | context) and a stationary residual).
        private unsafe void SampleRange(ReadOnlySpan<byte> ctx, int start, int len, Span<float> watts)
        {
            int k = _c.K, cc = _c.C;
            var rng = _rng; // local copy: the generator's state stays in registers
            int s = _state;
            float z = _z;
            fixed (byte* cx0 = ctx)
            fixed (float* outp0 = watts)
            fixed (float* cum = _c.Cum, init = _c.InitCum, mu = _c.Mu, sd = _c.Sd, phi = _c.Phi, innov = _c.Innov, mn = _c.Min, mx = _c.Max, par = _par)
            fixed (byte* guide = _guide)
            fixed (float* tab = StandardNormalTable.Table)
            {
                byte* cx = cx0 + start;
                float* outp = outp0;
                int i = 0;
                if (start == 0)
                {
                    // First bin: state from P(state | context), residual from the stationary N(0, 1).
                    ulong r0 = rng.NextUInt64();
                    float u0 = (r0 >> 40) * (1f / 16777216f);
                    float* row0 = init + cx[0] * k;
                    s = 0;
                    while (u0 >= row0[s]) s++;
                    z = StandardNormalTable.FromBits(tab, r0);
                    float v0 = mu[s] + sd[s] * z;
                    outp[0] = v0 < mn[s] ? mn[s] : v0 > mx[s] ? mx[s] : v0;
                    i = 1;
                }
                for (; i < len; i++)
                {
                    ulong r = rng.NextUInt64();
                    int c = cx[i];
                    // The guide table settles the next state from the draw's top 8 bits except in the few slices
                    // that straddle a cumulative bound, where the row is searched with the full 24-bit draw.
                    int ns = guide[((c * k + s) << 8) + (int)(r >> 56)];
                    if (ns == Mixed)
                    {
                        float u = (r >> 40) * (1f / 16777216f);
                        float* row = cum + (s * cc + c) * k;
                        ns = 0;
                        while (u >= row[ns]) ns++;
                    }
                    s = ns;
                    float* q = par + s * 8;
                    z = q[2] * z + q[3] * StandardNormalTable.FromBits(tab, r);
                    float v = q[0] + q[1] * z;
                    outp[i] = v < q[4] ? q[4] : v > q[5] ? q[5] : v;
                }
            }
            _rng = rng; _state = s; _z = z;
        }
    }
}
