using System;
using PowerTrace.Core.Model;
using PowerTrace.Core.Synthesis;

namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// Turns the arrivals routed to one server into per-bin workload features, the way a
    /// continuous-batching engine (vLLM, SGLang, TGI) would serve them with this configuration's
    /// <see cref="ServingProfile"/>: FIFO queue, concurrency limit, prefill of newly admitted requests
    /// interleaved with decode steps of running ones under a chunked-prefill token budget.
    /// </summary>
    /// <remarks>
    /// <para>Event-driven fluid emulation: the state (queued, prefilling, decoding requests) changes only
    /// at arrivals, prefill completions and decode completions; between events prompt tokens are
    /// prefilled and decode steps advance at constant rates. Cost is O(requests · log(concurrency) + bins);
    /// there is no loop over tokens or steps.</para>
    /// <para>Rates between events. With <c>d</c> requests decoding and prompt work pending, under
    /// <see cref="PrefillInterleave.ChunkedPrefill"/> one step carries <c>c = min(max(budget − d, 1), pending prompt tokens)</c>
    /// prompt tokens and one token per decoding request, and lasts <c>c / PrefillTokensPerSecond + DecodeStepSeconds(d)</c>;
    /// under <see cref="PrefillInterleave.PrefillFirst"/> decode pauses and prefill runs at full rate. Without prompt
    /// work a step lasts <c>DecodeStepSeconds(d)</c>. Admitted requests are prefilled in FIFO order.
    /// A request served alone therefore takes exactly <c>PrefillSeconds(prompt)</c> then <c>DecodeSeconds(output)</c>.</para>
    /// <para>Reusable and allocation-free after warm-up (buffers grow to the largest call); not thread-safe:
    /// create one per worker thread.</para>
    /// </remarks>
    public sealed class ServingEmulator
    {
        private readonly ServingProfile _p;
        private readonly double _invPrefill;
        private readonly BinIntegrator _active = new BinIntegrator();
        private readonly BinIntegrator _decode = new BinIntegrator();
        private readonly BinIntegrator _waiting = new BinIntegrator();
        private readonly BinIntegrator _prompt = new BinIntegrator();
        private readonly ContextBinner _binner = new ContextBinner();
        private double[] _heapMark = new double[16];
        private int[] _heapIndex = new int[16];
        private int _heapCount;

        public ServingEmulator(ServingProfile profile)
        {
            _p = profile ?? throw new ArgumentNullException(nameof(profile));
            _invPrefill = 1.0 / profile.PrefillTokensPerSecond;
            int m = Math.Min(profile.MaxConcurrentRequests, 4096) + 1;
            _stepSeconds = new double[m];
            _stepRate = new double[m];
            for (int d = 1; d < m; d++) { _stepSeconds[d] = profile.DecodeStepSeconds(d); _stepRate[d] = 1.0 / _stepSeconds[d]; }
        }

        // DecodeStepSeconds(d) and its reciprocal for batch sizes up to the concurrency limit (same values, no division).
        private readonly double[] _stepSeconds, _stepRate;

        /// <summary>The profile this emulator serves with.</summary>
        public ServingProfile Profile => _p;

        /// <summary>
        /// Fills <paramref name="into"/> (reset to <paramref name="binCount"/> bins of its own bin width) with the
        /// features of serving <paramref name="work"/>; arrival seconds are from the start of bin 0. Requests that
        /// arrive before 0 are served too (their tail shows in the first bins); the emulation stops at the horizon.
        /// </summary>
        public void Emulate(ServerWorkload work, WorkloadFeatures into, int binCount)
        {
            if (into == null) throw new ArgumentNullException(nameof(into));
            into.Reset(binCount);
            Run(work, into, null, binCount, null, null, null);
        }

        /// <summary>
        /// Writes the <see cref="WorkloadContext"/> id of each of the first <paramref name="binCount"/> bins of
        /// width <paramref name="binSeconds"/> of serving <paramref name="work"/>: the same contexts as
        /// <see cref="Emulate"/> followed by <see cref="WorkloadContext.Compute"/>, without the dense features
        /// (intervals are binned as they are emulated; idle stretches are filled by age). O(requests + bins / 8).
        /// </summary>
        public void EmulateContexts(ServerWorkload work, double binSeconds, int binCount, byte[] contexts)
            => EmulateContexts(work, binSeconds, binCount, contexts, null, null, null);

        /// <summary>
        /// As <see cref="EmulateContexts(ServerWorkload, double, int, byte[])"/>, also writing each bin's expected node watts of
        /// <paramref name="power"/> (before the meter) to <paramref name="expectedWatts"/> and the share of each bin spent
        /// prefilling to <paramref name="prefillShare"/> when <paramref name="power"/> is given.
        /// </summary>
        public void EmulateContexts(ServerWorkload work, double binSeconds, int binCount, byte[] contexts, Model.WorkPower? power, float[]? expectedWatts, float[]? prefillShare)
        {
            if (contexts == null) throw new ArgumentNullException(nameof(contexts));
            if (!(binSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(binSeconds));
            if (binCount < 0 || binCount > contexts.Length) throw new ArgumentOutOfRangeException(nameof(binCount));
            _binner.Reset(binSeconds, binCount, contexts, power, expectedWatts, _p.MaxBatchedPromptTokens, prefillShare, _p.PrefillTokensPerSecond);
            if (power != null && binCount > 0)
            {
                new Span<float>(expectedWatts!, 0, binCount).Fill((float)power.NodeIdleWatts);
                new Span<float>(prefillShare!, 0, binCount).Clear();
            }
            Run(work, null, _binner, binCount, null, null, null);
            _binner.Finish();
        }

        /// <summary>
        /// Emulates until every request has finished and writes each request's admission, first-token
        /// (prefill end) and finish times, seconds on the arrivals' clock. Arrays must hold <c>work.Count</c> entries.
        /// For validation and learning; allocation-free.
        /// </summary>
        public void EmulateRequests(ServerWorkload work, double[] admittedSeconds, double[] firstTokenSeconds, double[] finishSeconds)
        {
            if (admittedSeconds == null || firstTokenSeconds == null || finishSeconds == null) throw new ArgumentNullException(nameof(admittedSeconds));
            if (admittedSeconds.Length < work.Count || firstTokenSeconds.Length < work.Count || finishSeconds.Length < work.Count)
                throw new ArgumentException("Timing arrays must hold one entry per request.");
            Run(work, null, null, 0, admittedSeconds, firstTokenSeconds, finishSeconds);
        }

        private void Run(ServerWorkload work, WorkloadFeatures? into, ContextBinner? ctx, int binCount, double[]? admitted, double[]? firstToken, double[]? finish)
        {
            int n = work.Count;
            double[] arrA = work.ArrivalSeconds.Array!; int arrO = work.ArrivalSeconds.Offset;
            int[] promptA = work.PromptTokens.Array!; int promptO = work.PromptTokens.Offset;
            int[] outA = work.OutputTokens.Array!; int outO = work.OutputTokens.Offset;
            if (n == 0) return;

            double bs = into?.BinSeconds ?? ctx?.BinSeconds ?? 1.0;
            double horizon = into != null ? binCount * bs : ctx != null ? ctx.HorizonSeconds : double.PositiveInfinity;
            float[]? newArr = into?.NewArrivals;
            if (into != null)
            {
                _active.Reset(bs, binCount); _decode.Reset(bs, binCount); _waiting.Reset(bs, binCount); _prompt.Reset(bs, binCount);
            }
            if (_heapMark.Length < Math.Min(n, _p.MaxConcurrentRequests) + 1)
            {
                int cap = Math.Min(n, _p.MaxConcurrentRequests) + 1;
                _heapMark = new double[cap]; _heapIndex = new int[cap];
            }
            _heapCount = 0;

            int limit = _p.MaxConcurrentRequests;
            int budget = _p.MaxBatchedPromptTokens;
            bool chunked = _p.Interleave == PrefillInterleave.ChunkedPrefill;

            int nArr = 0, nAdm = 0, pHead = 0;          // queue = [nAdm, nArr), prefilling = [pHead, nAdm)
            double headRemaining = 0, pending = 0;       // prompt tokens left: head of prefill FIFO, all prefilling
            double steps = 0;                            // decode steps done so far by any decoding request (shared clock)
            double t = Math.Min(arrA[arrO], 0.0);
            int finishedCount = 0;

            while (true)
            {
                // Instantaneous transitions at time t: arrivals due, admissions, zero-length prefills.
                while (nArr < n && arrA[arrO + nArr] <= t)
                {
                    if (newArr != null)
                    {
                        double a = arrA[arrO + nArr];
                        if (a >= 0 && a < horizon) { int b = (int)(a / bs); if (b < binCount) newArr[b] += 1f; }
                    }
                    nArr++;
                }
                while (true)
                {
                    bool changed = false;
                    while (nAdm < nArr && (nAdm - pHead) + _heapCount < limit)
                    {
                        int pt = promptA[promptO + nAdm];
                        if (pHead == nAdm) headRemaining = pt;
                        pending += pt;
                        if (admitted != null) admitted[nAdm] = t;
                        nAdm++;
                        changed = true;
                    }
                    while (pHead < nAdm && headRemaining <= 1e-9)
                    {
                        pending -= headRemaining;
                        int ds = ServingProfile.DecodeSteps(outA[outO + pHead]);
                        if (firstToken != null) firstToken[pHead] = t;
                        if (ds > 0) HeapPush(steps + ds, pHead);
                        else { if (finish != null) finish[pHead] = t; finishedCount++; }
                        pHead++;
                        if (pHead < nAdm) headRemaining = promptA[promptO + pHead];
                        else { headRemaining = 0; pending = 0; }
                        changed = true;
                    }
                    if (!changed) break;
                }
                if (t >= horizon) break;

                // Rates until the next event.
                int d = _heapCount;
                bool prefilling = pHead < nAdm;
                double prefillRate = 0, stepRate = 0, stepSeconds = 0;
                if (prefilling)
                {
                    if (chunked)
                    {
                        double c = Math.Min(Math.Max(budget - d, 1), pending);
                        double stepTime = c * _invPrefill + (d < _stepSeconds.Length ? _stepSeconds[d] : _p.DecodeStepSeconds(d));
                        prefillRate = c / stepTime;
                        stepRate = d > 0 ? 1.0 / stepTime : 0;
                        stepSeconds = stepTime;
                    }
                    else
                    {
                        prefillRate = _p.PrefillTokensPerSecond;
                    }
                }
                else if (d > 0)
                {
                    if (d < _stepRate.Length) { stepRate = _stepRate[d]; stepSeconds = _stepSeconds[d]; }
                    else { stepSeconds = _p.DecodeStepSeconds(d); stepRate = 1.0 / stepSeconds; }
                }

                double dtArr = nArr < n ? arrA[arrO + nArr] - t : double.PositiveInfinity;
                double dtPre = prefilling ? headRemaining / prefillRate : double.PositiveInfinity;
                double dtDec = stepRate > 0 ? (_heapMark[0] - steps) * stepSeconds : double.PositiveInfinity;
                if (dtDec < 0) dtDec = 0;
                double dt = Math.Min(dtArr, Math.Min(dtPre, dtDec));
                if (double.IsPositiveInfinity(dt)) break;
                double tNext = dt == dtArr ? arrA[arrO + nArr] : t + dt;

                if (into != null && dt > 0)
                {
                    int active = (nAdm - pHead) + d;
                    int queued = nArr - nAdm;
                    if (active > 0) _active.Add(into.ActiveRequests, t, tNext, active);
                    if (d > 0) _decode.Add(into.DecodeBatchSize, t, tNext, d);
                    if (queued > 0) _waiting.Add(into.WaitingRequests, t, tNext, queued);
                    if (prefillRate > 0) _prompt.Add(into.PromptTokensInFlight, t, tNext, prefillRate * bs);
                }
                else if (ctx != null && dt > 0)
                {
                    int active = (nAdm - pHead) + d;
                    int queued = nArr - nAdm;
                    if (active > 0 || d > 0 || queued > 0 || prefillRate > 0) ctx.Add(t, tNext, active, queued, d, prefillRate * bs, stepRate);
                }

                // Advance the fluid state to tNext.
                if (prefilling)
                {
                    if (dt == dtPre) { pending -= headRemaining; headRemaining = 0; }
                    else { double done = prefillRate * dt; headRemaining -= done; pending -= done; }
                }
                if (stepRate > 0)
                {
                    if (dt == dtDec) steps = Math.Max(steps, _heapMark[0]);
                    else steps += stepRate * dt;
                }
                while (_heapCount > 0 && _heapMark[0] <= steps + 1e-9)
                {
                    int idx = HeapPop();
                    if (finish != null) finish[idx] = tNext;
                    finishedCount++;
                }
                t = tNext;
            }

            if (into != null)
            {
                _active.Flush(into.ActiveRequests);
                _decode.Flush(into.DecodeBatchSize);
                _waiting.Flush(into.WaitingRequests);
                _prompt.Flush(into.PromptTokensInFlight);
            }
        }

        private void HeapPush(double mark, int index)
        {
            if (_heapCount == _heapMark.Length)
            {
                Array.Resize(ref _heapMark, _heapCount * 2);
                Array.Resize(ref _heapIndex, _heapCount * 2);
            }
            int i = _heapCount++;
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (_heapMark[parent] <= mark) break;
                _heapMark[i] = _heapMark[parent]; _heapIndex[i] = _heapIndex[parent];
                i = parent;
            }
            _heapMark[i] = mark; _heapIndex[i] = index;
        }

        private int HeapPop()
        {
            int top = _heapIndex[0];
            int last = --_heapCount;
            if (last == 0) return top;
            double mark = _heapMark[last]; int index = _heapIndex[last];
            int i = 0;
            while (true)
            {
                int child = 2 * i + 1;
                if (child >= last) break;
                if (child + 1 < last && _heapMark[child + 1] < _heapMark[child]) child++;
                if (_heapMark[child] >= mark) break;
                _heapMark[i] = _heapMark[child]; _heapIndex[i] = _heapIndex[child];
                i = child;
            }
            _heapMark[i] = mark; _heapIndex[i] = index;
            return top;
        }
    }
}
