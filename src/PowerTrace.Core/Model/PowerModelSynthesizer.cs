using System;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// Per-thread synthesis engine of a <see cref="PowerModel"/>: runs the serving emulator into a reused
    /// feature buffer, maps bins to contexts, samples the state chain and the AR(1) power within each state.
    /// Not thread-safe: create one per worker. Allocates nothing per call once its buffers have grown.
    /// </summary>
    public sealed class PowerModelSynthesizer : IServerSynthesizer
    {
        private readonly PowerModel _model;
        private readonly CompiledChain _c;
        private readonly ServingEmulator _emulator;
        private readonly WorkloadFeatures _features;
        private byte[] _contexts = Array.Empty<byte>();

        internal PowerModelSynthesizer(PowerModel model)
        {
            _model = model;
            _c = model.Chain;
            _emulator = new ServingEmulator(model.ServingProfile);
            _features = new WorkloadFeatures(model.BinSeconds, 0);
        }

        /// <summary>The model this engine samples.</summary>
        public PowerModel Model => _model;

        /// <summary>
        /// Node GPU power for the requests one server serves: one entry per model bin from horizon second 0.
        /// </summary>
        public void Synthesize(ServerWorkload work, ref Rng rng, Span<float> gpuWatts)
        {
            _emulator.Emulate(work, _features, gpuWatts.Length);
            SynthesizeFromFeatures(_features, ref rng, gpuWatts);
        }

        /// <summary>
        /// Node power for given (e.g. measured) workload features: fills the first <c>features.BinCount</c>
        /// entries of <paramref name="watts"/>.
        /// </summary>
        /// <exception cref="InvalidSettingException">BinWidthMismatch when the features' bin width is not the model's.</exception>
        public void SynthesizeFromFeatures(WorkloadFeatures features, ref Rng rng, Span<float> watts)
        {
            if (features == null) throw new ArgumentNullException(nameof(features));
            if (Math.Abs(features.BinSeconds - _model.BinSeconds) > 1e-9 * _model.BinSeconds)
                throw new InvalidSettingException("BinWidthMismatch", nameof(features),
                    $"The workload features have {features.BinSeconds} s bins but the model was fitted at {_model.BinSeconds} s.");
            int n = features.BinCount;
            if (watts.Length < n) throw new ArgumentException($"The output span holds {watts.Length} bins; {n} are needed.", nameof(watts));
            if (_contexts.Length < n) _contexts = new byte[Math.Max(n, _contexts.Length * 2)];
            WorkloadContext.Compute(features, _contexts);
            Sample(new ReadOnlySpan<byte>(_contexts, 0, n), ref rng, watts);
        }

        /// <summary>Samples the chain over a sequence of context ids (one per bin).</summary>
        public void SampleContexts(ReadOnlySpan<byte> contexts, ref Rng rng, Span<float> watts)
        {
            if (watts.Length < contexts.Length) throw new ArgumentException("The output span is shorter than the context sequence.", nameof(watts));
            for (int i = 0; i < contexts.Length; i++)
                if (contexts[i] >= _c.C) throw new ArgumentOutOfRangeException(nameof(contexts), $"Context id {contexts[i]} at bin {i} is outside 0..{_c.C - 1}.");
            Sample(contexts, ref rng, watts);
        }

        private unsafe void Sample(ReadOnlySpan<byte> ctx, ref Rng rngRef, Span<float> watts)
        {
            int n = ctx.Length;
            if (n == 0) return;
            int k = _c.K, cc = _c.C;
            var rng = rngRef; // local copy: the generator's state stays in registers
            fixed (byte* cx = ctx)
            fixed (float* outp = watts)
            fixed (float* cum = _c.Cum, init = _c.InitCum, mu = _c.Mu, sd = _c.Sd, phi = _c.Phi, innov = _c.Innov, mn = _c.Min, mx = _c.Max)
            fixed (float* tab = StandardNormalTable.Table)
            {
                // First bin: state from P(state | context), residual from the stationary N(0, 1).
                ulong r = rng.NextUInt64();
                float u = (r >> 40) * (1f / 16777216f);
                float* row = init + cx[0] * k;
                int s = 0;
                while (u >= row[s]) s++;
                float z = StandardNormalTable.FromBits(tab, r);
                float v = mu[s] + sd[s] * z;
                outp[0] = v < mn[s] ? mn[s] : v > mx[s] ? mx[s] : v;
                int stride = cc * k;
                for (int i = 1; i < n; i++)
                {
                    r = rng.NextUInt64();
                    u = (r >> 40) * (1f / 16777216f);
                    row = cum + s * stride + cx[i] * k;
                    s = 0;
                    while (u >= row[s]) s++;
                    z = phi[s] * z + innov[s] * StandardNormalTable.FromBits(tab, r);
                    v = mu[s] + sd[s] * z;
                    outp[i] = v < mn[s] ? mn[s] : v > mx[s] ? mx[s] : v;
                }
            }
            rngRef = rng;
        }

    }
}
