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
        // Trailing-average meter applied in the final pass (reads the raw curve watts of the window; no state across blocks).
        private readonly int _meterBins;
        private bool _expectedMetered; // the features path applies the meter itself
        private bool _fuse;            // SampleRange adds the 4-bin-metered curve itself (see SampleRange)
        private readonly float _ceiling, _prefillWatts, _idleWatts;
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
            _idleWatts = _power != null ? (float)_power.NodeIdleWatts : 0f;
            _meterBins = _power != null && !_power.InstantaneousMeter ? _power.MeterBins(model.BinSeconds) : 1;
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
            _fuse = FusedMeter;
            try
            {
                Sample(new ReadOnlySpan<byte>(_contexts, 0, n), ref rng, gpuWatts);
                if (_power != null && !_fuse) AddExpected(0, gpuWatts.Slice(0, n));
            }
            finally { _fuse = false; }
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
            _fuse = FusedMeter;
            try
            {
                SampleRange(_contexts, _pos, len, gpuWatts);
                if (_power != null && !_fuse) AddExpected(_pos, gpuWatts.Slice(0, len));
            }
            finally { _fuse = false; }
            _pos += len;
        }

        // The emulated path with a 4-bin trailing meter (1 s at 0.25 s bins) and no drawn readings: fused into SampleRange.
        private bool FusedMeter => _power != null && !_expectedMetered && _meterBins == 4 && !_power.DrawsPointReadings;

        private const ulong MeterSalt = 0x6D65746572UL; // "meter"

        private void ResetMeter(bool alreadyMetered)
        {
            _expectedMetered = alreadyMetered;
        }

        // Adds the metered curve watts of bins [start, start + out.Length) to the sampled residuals, kept in [0, ceiling].
        // An instantaneous meter reads the prefill phase or the rest of each bin (one forked draw per bin).
        private unsafe void AddExpected(int start, Span<float> output)
        {
            var e = _expected;
            float cap = _ceiling;
            int n = output.Length;
            if (_expectedMetered)
            {
                // Features path: the curve watts of every bin are final (metered); instantaneous meters draw a reading.
                for (int i = 0; i < n; i++)
                {
                    float x = _power!.DrawsPointReadings ? WorkPower.PointReading(e[start + i], _prefillShare[start + i], _prefillWatts, _meterRng.NextDouble()) : e[start + i];
                    float v = output[i] + x;
                    output[i] = v < 0f ? 0f : v > cap ? cap : v;
                }
                return;
            }
            // Emulated path: the binner writes the curve watts of busy bins only; a bin with an idle context draws the idle watts.
            int idleCtx = WorkloadContext.IdleContexts;
            float idle = _idleWatts;
            fixed (float* ep = e)
            fixed (byte* cp = _contexts)
            fixed (float* op = output)
            {
                if (_meterBins > 1)
                {
                    // The meter's trailing mean: ascending single-precision sum of the window's raw watts, times 1/m for a full
                    // window (the same bits for any block split: each mean is a fixed function of its window).
                    int m = _meterBins;
                    float invM = 1f / m;
                    // (A 4-bin meter without drawn readings never gets here: SampleRange fuses it.)
                    for (int i = 0; i < n; i++)
                    {
                        int abs = start + i, lo = abs - m + 1;
                        float sum = 0f, mean;
                        if (lo < 0) { for (int j = 0; j <= abs; j++) sum += RawAt(ep, cp, j, idleCtx, idle); mean = sum / (abs + 1); }
                        else { for (int j = lo; j <= abs; j++) sum += RawAt(ep, cp, j, idleCtx, idle); mean = sum * invM; }
                        float v = op[i] + mean;
                        op[i] = v < 0f ? 0f : v > cap ? cap : v;
                    }
                    return;
                }
                if (_power!.DrawsPointReadings)
                {
                    var sh = _prefillShare;
                    float pre = _prefillWatts;
                    for (int i = 0; i < n; i++)
                    {
                        int abs = start + i;
                        double u = _meterRng.NextDouble();
                        float x = cp[abs] < idleCtx ? idle : WorkPower.PointReading(ep[abs], sh[abs], pre, u);
                        float v = op[i] + x;
                        op[i] = v < 0f ? 0f : v > cap ? cap : v;
                    }
                    return;
                }
                for (int i = 0; i < n; i++)
                {
                    int abs = start + i;
                    float v = op[i] + (cp[abs] < idleCtx ? idle : ep[abs]);
                    op[i] = v < 0f ? 0f : v > cap ? cap : v;
                }
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static unsafe float RawAt(float* ep, byte* cp, int abs, int idleCtx, float idle)
            => abs < 0 ? 0f : cp[abs] < idleCtx ? idle : ep[abs];

        /// <summary>The metered work-power watts of the bins emulated last (empty for a model without a curve); for tests and diagnostics.</summary>
        public float[] LastExpectedWatts(int binCount)
        {
            if (_power == null) return Array.Empty<float>();
            var r = new float[binCount];
            for (int i = 0; i < binCount; i++) r[i] = _expectedMetered || _contexts[i] >= WorkloadContext.IdleContexts ? _expected[i] : _idleWatts;
            return r;
        }

        // Emulated contexts describe the work at the instant it runs, which is what the lag-corrected training
        // contexts describe: the model's WorkloadLagSeconds (a logging/metering delay) is deliberately not applied here.
        private void EmulateContexts(ServerWorkload work, int n)
        {
            if (_contexts.Length < n) _contexts = new byte[Math.Max(n, _contexts.Length * 2)];
            if (_power == null) { _emulator.EmulateContexts(work, _model.BinSeconds, n, _contexts); return; }
            if (_expected.Length < n) _expected = new float[Math.Max(n, _expected.Length * 2)];
            // The prefill share is written only where readings are drawn from it (instantaneous meters).
            if (_power.DrawsPointReadings && _prefillShare.Length < n) _prefillShare = new float[_expected.Length];
            _emulator.EmulateContexts(work, _model.BinSeconds, n, _contexts, _power, _expected, _power.DrawsPointReadings ? _prefillShare : null);
            ResetMeter(false);
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
                if (_expected.Length < n) _expected = new float[Math.Max(n, _expected.Length * 2)];
                if (_prefillShare.Length < n) _prefillShare = new float[Math.Max(n, _expected.Length)];
                ResetMeter(true);
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
            fixed (float* ep = _expected)
            {
                // Fused work power (the common case: curve watts of the emulated bins through a 4-bin meter): the metered curve is
                // added in this loop, the same arithmetic as AddExpected, so the output is not read back in a second pass.
                bool fuse = _fuse;
                int idleCtx = WorkloadContext.IdleContexts;
                float idleW = _idleWatts, cap = _ceiling;
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
                    if (fuse)
                    {
                        float t0 = outp[0] + (cx0[0] < idleCtx ? idleW : ep[0]);
                        outp[0] = t0 < 0f ? 0f : t0 > cap ? cap : t0;
                    }
                    i = 1;
                }
                // Window of the metered curve (used only when fused): raw curve watts of the three bins before bin i.
                float r1 = 0f, r2 = 0f, r3 = 0f;
                if (fuse)
                {
                    int a0 = start + i;
                    r1 = RawAt(ep, cx0, a0 - 3, idleCtx, idleW); r2 = RawAt(ep, cx0, a0 - 2, idleCtx, idleW); r3 = RawAt(ep, cx0, a0 - 1, idleCtx, idleW);
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
                    float res = v < q[4] ? q[4] : v > q[5] ? q[5] : v;
                    if (!fuse) { outp[i] = res; continue; }
                    int abs = start + i;
                    float r4 = c < idleCtx ? idleW : ep[abs];
                    float mean = abs >= 3 ? (((r1 + r2) + r3) + r4) * 0.25f
                        : abs == 1 ? (r3 + r4) / 2 : ((r2 + r3) + r4) / 3;
                    float t = res + mean;
                    outp[i] = t < 0f ? 0f : t > cap ? cap : t;
                    r1 = r2; r2 = r3; r3 = r4;
                }
            }
            _rng = rng; _state = s; _z = z;
        }
    }
}
