using System;
using System.Runtime.CompilerServices;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// Discretises a bin's workload features into a small context id that conditions the state
    /// transitions: what work is in flight, not how many requests exist.
    /// </summary>
    /// <remarks>
    /// Contexts 0..<see cref="IdleContexts"/>−1 are idle: nothing active, waiting or being prefilled, split by
    /// the time since the last busy bin (edges <see cref="IdleEdgesSeconds"/>; before any activity counts as
    /// long idle), because GPUs hold a raised power level for a while after work ends (clocks, standby timers).
    /// Every busy bin gets IdleContexts + p·D + d, where p is the bucket of prompt tokens prefilled per second in the bin (0 = none,
    /// then log-spaced edges <see cref="PromptEdgesTokensPerSecond"/>) and d the bucket of the decode batch
    /// size (log-spaced edges <see cref="DecodeEdges"/>). Buckets are spaced so that one bucket step is
    /// roughly a doubling to quadrupling of the work, which is what changes power.
    /// </remarks>
    public static class WorkloadContext
    {
        /// <summary>Name of this scheme, stored in model files.</summary>
        public const string Scheme = "idle-age+prompt-rate-x-decode-batch/v1";

        /// <summary>Upper edges of the idle-age buckets, seconds since the last busy bin.</summary>
        public static readonly float[] IdleEdgesSeconds = { 1f, 4f, 10f, 16f, 24f, 40f };

        /// <summary>Number of idle contexts (one per idle-age bucket).</summary>
        public static int IdleContexts => IdleEdgesSeconds.Length + 1;

        /// <summary>Upper edges of the prompt-rate buckets 1.., tokens per second (bucket 0 = no prompt work).</summary>
        public static readonly float[] PromptEdgesTokensPerSecond = { 256f, 1024f, 4096f, 16384f };

        /// <summary>Upper edges of the decode-batch buckets 0.. (requests).</summary>
        public static readonly float[] DecodeEdges = { 0.5f, 1.5f, 3f, 6f, 12f, 24f, 48f };

        /// <summary>Prompt buckets: none plus one per edge plus the open top.</summary>
        public static int PromptBuckets => PromptEdgesTokensPerSecond.Length + 2;

        /// <summary>Decode buckets: one per edge plus the open top.</summary>
        public static int DecodeBuckets => DecodeEdges.Length + 1;

        /// <summary>Number of context ids (idle included).</summary>
        public static int Count => IdleContexts + PromptBuckets * DecodeBuckets;

        /// <summary>Id of the idle context long after (or before any) activity.</summary>
        public static byte LongIdle => (byte)(IdleContexts - 1);

        /// <summary>True for the idle contexts (nothing in flight).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool IsIdle(int context) => context < IdleEdgesSeconds.Length + 1;

        /// <summary>Activity below this (requests, time-averaged) counts as nothing in flight.</summary>
        public const float NothingInFlight = 0.01f;

        /// <summary>Busy context of one bin from its features, or 255 when nothing is in flight (binSeconds converts prompt tokens to a rate).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static byte BusyOf(float active, float waiting, float promptTokens, float decodeBatch, float invBinSeconds)
        {
            if (!(active > NothingInFlight) && !(waiting > NothingInFlight) && !(promptTokens > 0f) && !(decodeBatch > NothingInFlight))
                return 255;
            // Bucket = number of edges at or below the value, unrolled over the scheme's fixed edges
            // (PromptEdgesTokensPerSecond, DecodeEdges; a test checks they agree).
            int p = 0;
            if (promptTokens > 0f)
            {
                float rate = promptTokens * invBinSeconds;
                p = 1 + (rate >= 256f ? 1 : 0) + (rate >= 1024f ? 1 : 0) + (rate >= 4096f ? 1 : 0) + (rate >= 16384f ? 1 : 0);
            }
            float x = decodeBatch;
            int d = (x >= 0.5f ? 1 : 0) + (x >= 1.5f ? 1 : 0) + (x >= 3f ? 1 : 0) + (x >= 6f ? 1 : 0)
                + (x >= 12f ? 1 : 0) + (x >= 24f ? 1 : 0) + (x >= 48f ? 1 : 0);
            return (byte)(7 + p * 8 + d);
        }

        /// <summary>Idle context for a given time since the last busy bin, seconds.</summary>
        public static byte IdleOf(double secondsSinceBusy)
        {
            int b = 0;
            var e = IdleEdgesSeconds;
            while (b < e.Length && secondsSinceBusy >= e[b]) b++;
            return (byte)b;
        }

        /// <summary>Fills <paramref name="contexts"/> with the context of each of the first <c>features.BinCount</c> bins.</summary>
        public static void Compute(WorkloadFeatures features, Span<byte> contexts)
        {
            if (features == null) throw new ArgumentNullException(nameof(features));
            int n = Math.Min(features.BinCount, contexts.Length);
            float inv = (float)(1.0 / features.BinSeconds);
            var a = features.ActiveRequests; var wq = features.WaitingRequests; var p = features.PromptTokensInFlight; var d = features.DecodeBatchSize;
            // Idle-age bucket boundaries in bins since the last busy bin.
            int ni = IdleEdgesSeconds.Length;
            Span<int> edgeBins = stackalloc int[ni];
            for (int j = 0; j < ni; j++) edgeBins[j] = (int)Math.Ceiling(IdleEdgesSeconds[j] / features.BinSeconds - 1e-9);
            long sinceBusy = long.MaxValue / 2; // before any activity: long idle
            for (int i = 0; i < n; i++)
            {
                byte c = BusyOf(a[i], wq[i], p[i], d[i], inv);
                if (c != 255) { contexts[i] = c; sinceBusy = 0; continue; }
                sinceBusy++;
                int b = 0;
                while (b < ni && sinceBusy > edgeBins[b]) b++;
                contexts[i] = (byte)b;
            }
        }

        /// <summary>Prompt bucket of a non-idle context id.</summary>
        public static int PromptBucket(int context) => IsIdle(context) ? -1 : (context - IdleContexts) / DecodeBuckets;

        /// <summary>Decode bucket of a non-idle context id.</summary>
        public static int DecodeBucket(int context) => IsIdle(context) ? -1 : (context - IdleContexts) % DecodeBuckets;

        /// <summary>A readable description of a context id, e.g. "prefill 1024-4096 tok/s, decode batch 3-6".</summary>
        public static string Describe(int context)
        {
            if (IsIdle(context))
                return context == 0 ? $"idle <{IdleEdgesSeconds[0]} s after work" : context < IdleEdgesSeconds.Length ? $"idle {IdleEdgesSeconds[context - 1]}-{IdleEdgesSeconds[context]} s after work" : $"idle >={IdleEdgesSeconds[IdleEdgesSeconds.Length - 1]} s after work";
            int p = PromptBucket(context), d = DecodeBucket(context);
            string ps = p == 0 ? "no prefill" : p == 1 ? $"prefill <{PromptEdgesTokensPerSecond[0]} tok/s"
                : p - 1 < PromptEdgesTokensPerSecond.Length ? $"prefill {PromptEdgesTokensPerSecond[p - 2]}-{PromptEdgesTokensPerSecond[p - 1]} tok/s"
                : $"prefill >={PromptEdgesTokensPerSecond[PromptEdgesTokensPerSecond.Length - 1]} tok/s";
            string ds = d == 0 ? "no decode" : d < DecodeEdges.Length ? $"decode batch {DecodeEdges[d - 1]}-{DecodeEdges[d]}" : $"decode batch >={DecodeEdges[DecodeEdges.Length - 1]}";
            return ps + ", " + ds;
        }
    }

    /// <summary>
    /// Streams the serving emulator's piecewise-constant intervals straight into per-bin context ids, with
    /// the same bin averages and idle-age rule as <see cref="WorkloadContext.Compute"/> over dense features:
    /// partial bins at interval ends are averaged, bins wholly inside one interval get that interval's context
    /// by a fill, and the idle stretches between busy bins are filled by age bucket. Cost O(intervals + bins / 8).
    /// Not thread-safe; reusable.
    /// </summary>
    internal sealed class ContextBinner
    {
        private byte[] _out = Array.Empty<byte>();
        private int _n, _cur;
        private double _bs, _horizon;
        private float _inv;
        private double _invBs;
        private double _a, _w, _p, _d;
        private long _sinceBusy;
        // Optional work-power output: per-bin expected node watts (before the meter).
        private WorkPower? _power;
        private float[]? _expected, _prefillShare;
        private double _promptPerStep, _invPrefillRate;
        private double _busy, _dt, _steps; // bin shares: in flight, decoding; decode steps per second × share
        private readonly int[] _edgeBins = new int[WorkloadContext.IdleEdgesSeconds.Length];

        /// <summary>Bin width, seconds.</summary>
        public double BinSeconds => _bs;

        /// <summary>Horizon, seconds (bins × width).</summary>
        public double HorizonSeconds => _horizon;

        /// <summary>Starts a sequence of <paramref name="binCount"/> bins written to <paramref name="output"/>.</summary>
        public void Reset(double binSeconds, int binCount, byte[] output) => Reset(binSeconds, binCount, output, null, null, 0, null, 0);

        /// <summary>
        /// Starts a sequence that also writes each bin's expected node watts of <paramref name="power"/> (before the
        /// meter) to <paramref name="expected"/>; <paramref name="promptTokensPerStep"/> is the chunked-prefill budget.
        /// </summary>
        public void Reset(double binSeconds, int binCount, byte[] output, WorkPower? power, float[]? expected, double promptTokensPerStep,
            float[]? prefillShare, double prefillTokensPerSecond)
        {
            if (power != null && (prefillShare == null || prefillShare.Length < binCount)) throw new ArgumentException("The prefill-share buffer is too short.", nameof(prefillShare));
            _prefillShare = power != null ? prefillShare : null;
            _invPrefillRate = prefillTokensPerSecond > 0 ? 1.0 / prefillTokensPerSecond : 0;
            if (output.Length < binCount) throw new ArgumentException("The context buffer is too short.", nameof(output));
            if (power != null && (expected == null || expected.Length < binCount)) throw new ArgumentException("The expected-watts buffer is too short.", nameof(expected));
            _power = power; _expected = power != null ? expected : null; _promptPerStep = promptTokensPerStep;
            _busy = _dt = _steps = 0;
            _out = output; _n = binCount; _cur = 0; _bs = binSeconds; _horizon = binCount * binSeconds;
            _inv = (float)(1.0 / binSeconds);
            _invBs = 1.0 / binSeconds;
            _a = _w = _p = _d = 0;
            _sinceBusy = long.MaxValue / 2;
            for (int j = 0; j < _edgeBins.Length; j++) _edgeBins[j] = (int)Math.Ceiling(WorkloadContext.IdleEdgesSeconds[j] / binSeconds - 1e-9);
        }

        /// <summary>
        /// Adds an interval [t0, t1) (seconds from bin 0, not before the previous interval's end) with constant
        /// active, queued and decoding request counts and prompt tokens prefilled per bin width.
        /// </summary>
        public void Add(double t0, double t1, int active, int queued, int decode, double promptPerBin) => Add(t0, t1, active, queued, decode, promptPerBin, 0);

        /// <summary>As <see cref="Add(double, double, int, int, int, double)"/>, with the decode steps per second over the interval (work power).</summary>
        public void Add(double t0, double t1, int active, int queued, int decode, double promptPerBin, double stepsPerSecond)
        {
            if (t0 < 0) t0 = 0;
            if (t1 > _horizon) t1 = _horizon;
            if (!(t1 > t0)) return;
            double x0 = t0 * _invBs, x1 = t1 * _invBs; // bins from bin 0 (exact for power-of-two widths such as 0.25 s)
            int b0 = (int)x0, b1 = (int)x1;
            if (b0 >= _n) return;
            if (b1 > _n) b1 = _n;
            if (b0 > _cur) Advance(b0);
            bool power = _power != null;
            if (b0 == b1)
            {
                double f = x1 - x0;
                _a += active * f; _w += queued * f; _d += decode * f; _p += promptPerBin * f;
                if (power) { _busy += f; if (decode > 0) _dt += f; _steps += stepsPerSecond * f; }
                return;
            }
            double f0 = (b0 + 1) - x0;
            _a += active * f0; _w += queued * f0; _d += decode * f0; _p += promptPerBin * f0;
            if (power) { _busy += f0; if (decode > 0) _dt += f0; _steps += stepsPerSecond * f0; }
            FinishBin();
            if (b1 > b0 + 1)
            {
                byte c = WorkloadContext.BusyOf(active, queued, (float)promptPerBin, decode, _inv);
                if (c == 255) IdleFill(b0 + 1, b1);
                else
                {
                    FillRun(b0 + 1, b1, c);
                    if (power)
                    {
                        float e = (float)_power!.NodeWatts(1, promptPerBin * _invBs, decode, stepsPerSecond, _promptPerStep);
                        new Span<float>(_expected!, b0 + 1, b1 - b0 - 1).Fill(e);
                        new Span<float>(_prefillShare!, b0 + 1, b1 - b0 - 1).Fill((float)Math.Min(1.0, promptPerBin * _invBs * _invPrefillRate));
                    }
                    _sinceBusy = 0;
                }
            }
            _cur = b1;
            if (b1 < _n)
            {
                double f1 = x1 - b1;
                if (f1 > 0)
                {
                    _a = active * f1; _w = queued * f1; _d = decode * f1; _p = promptPerBin * f1;
                    if (power) { _busy = f1; _dt = decode > 0 ? f1 : 0; _steps = stepsPerSecond * f1; }
                }
            }
        }

        // Bins [i0, i1) all of context c. Short runs are written as one 16-byte store (branch-free); the bytes past i1
        // are bins not yet written, which every later step overwrites in order, and the store stays inside the _n bins.
        private unsafe void FillRun(int i0, int i1, byte c)
        {
            byte[] o = _out;
            if (i1 - i0 <= 16 && i0 + 16 <= _n)
            {
                ulong v = c * 0x0101010101010101UL;
                fixed (byte* p = &o[i0]) { *(ulong*)p = v; *(ulong*)(p + 8) = v; }
            }
            else new Span<byte>(o, i0, i1 - i0).Fill(c);
        }

        /// <summary>Writes the remaining bins (the open bin and the idle tail).</summary>
        public void Finish()
        {
            if (_cur < _n) Advance(_n);
        }

        // Closes the open bin _cur, idles (_cur, b), and opens b.
        private void Advance(int b)
        {
            FinishBin();
            IdleFill(_cur + 1, b);
            _cur = b;
        }

        // Writes the open bin _cur from its accumulated averages and clears them.
        private void FinishBin()
        {
            if (_cur >= _n) return;
            byte c = WorkloadContext.BusyOf((float)_a, (float)_w, (float)_p, (float)_d, _inv);
            if (_power != null)
            {
                _expected![_cur] = c == 255 ? (float)_power.NodeIdleWatts
                    : (float)_power.NodeWatts(_busy, _p * _invBs, _dt > 0 ? _d / _dt : 0, _steps, _promptPerStep);
                _prefillShare![_cur] = c == 255 ? 0f : (float)Math.Min(1.0, _p * _invBs * _invPrefillRate);
                _busy = _dt = _steps = 0;
            }
            _a = _w = _p = _d = 0;
            if (c != 255) { _out[_cur] = c; _sinceBusy = 0; }
            else IdleFill(_cur, _cur + 1);
        }

        // Bins [i0, i1) with nothing in flight: idle-age contexts continuing from the last busy bin.
        private void IdleFill(int i0, int i1)
        {
            if (i1 > _n) i1 = _n;
            if (i0 >= i1) return;
            if (_power != null)
            {
                new Span<float>(_expected!, i0, i1 - i0).Fill((float)_power.NodeIdleWatts);
                new Span<float>(_prefillShare!, i0, i1 - i0).Clear();
            }
            int[] edges = _edgeBins;
            int ni = edges.Length;
            long age = _sinceBusy + 1; // age of bin i0
            int b = 0;
            while (b < ni && age > edges[b]) b++;
            byte[] o = _out;
            int i = i0;
            while (i < i1)
            {
                int end = b == ni ? i1 : (int)Math.Min(i1, i + (edges[b] - _sinceBusy));
                if (end - i < 16) for (int x = i; x < end; x++) o[x] = (byte)b;
                else new Span<byte>(o, i, end - i).Fill((byte)b);
                _sinceBusy += end - i;
                i = end;
                b++;
            }
            if (_sinceBusy > long.MaxValue / 4) _sinceBusy = long.MaxValue / 4;
        }
    }
}