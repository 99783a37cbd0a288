using System;
using System.Globalization;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// The work-power curve of one configuration: the node power a bin's work in flight draws, from the bytes the
    /// GPUs move and the arithmetic they do (an energy roofline), capped at the board power limit and seen through
    /// the power meter's averaging window.
    /// </summary>
    /// <remarks>
    /// <para>Per bin, with φ the share of the bin with work in flight (time-averaged active requests, at most 1),
    /// B the HBM traffic of the node in TB/s (weights read once per decode step: <see cref="WeightBytes"/> × the share of
    /// the weights a step touches, 1 for dense models and 1 − (1 − r)^batch for a mixture of experts with active share r;
    /// steps of prefill alone read the weights once per <see cref="ServingProfile.MaxBatchedPromptTokens"/> prompt tokens) and F the
    /// node's dense arithmetic in TFLOP/s (<see cref="FlopsPerToken"/> × (prompt tokens/s + decode tokens/s)):</para>
    /// <code>P = GPUs · (idle · (1 − φ) + busy · φ) + WattsPerTBps · B + WattsPerTflops · F,  at most GPUs · ceiling</code>
    /// <para>The form is the energy roofline of Choi, Dukhan, Liu, Mitchell and Vuduc ("A roofline model of energy",
    /// IPDPS 2013): power = constant power + energy per byte × bytes/s + energy per flop × flops/s. "busy" is the per-GPU
    /// power while work is in flight before any traffic (clocks up, kernels launched); "idle" what the GPU draws with the
    /// model loaded and nothing in flight. Memory-bound decode of a small or sparse model moves few bytes per second
    /// and stays far below TDP; compute-bound prefill of long prompts reaches the power limit.</para>
    /// <para>Meter: nvidia-smi's power.draw "on Ampere (except GA100) or newer devices returns average power draw over
    /// 1 sec; on GA100 and older devices, returns instantaneous power draw" (NVIDIA nvidia-smi documentation). With
    /// <see cref="MeterSeconds"/> &gt; 0 a synthesized bin is the trailing mean over that window (H100, RTX A6000); with 0 it
    /// is an instantaneous reading (A100): the prefill-phase power with probability equal to the share of the bin spent
    /// prefilling, else the power of the rest of the bin, so short compute-bound prefill bursts show as the spikes such a
    /// meter records instead of being averaged away.</para>
    /// <para>A model with a work-power curve keeps its states (Gaussian mixture, workload-conditioned transitions, AR(1)):
    /// their watts are then offsets from the curve (the residual the work does not explain: the standby hold after work,
    /// bursts, noise), and a bin's power is the curve plus the state's residual.</para>
    /// </remarks>
    public sealed class WorkPower
    {
        public WorkPower(int gpuCount, double idleWattsPerGpu, double busyWattsPerGpu, double wattsPerTBps, double wattsPerTflops,
            double ceilingWattsPerGpu, double meterSeconds, double weightBytes, double activeShare, double flopsPerToken,
            double referenceMeanWatts, string source, bool drawsPointReadings = true, double prefillComputeShare = 1)
        {
            Check(Finite(prefillComputeShare) && prefillComputeShare > 0 && prefillComputeShare <= 1, "prefillComputeShare", prefillComputeShare);
            Check(gpuCount >= 1, "gpuCount", gpuCount);
            Check(Finite(idleWattsPerGpu) && idleWattsPerGpu >= 0, "idleWattsPerGpu", idleWattsPerGpu);
            Check(Finite(busyWattsPerGpu) && busyWattsPerGpu >= 0, "busyWattsPerGpu", busyWattsPerGpu);
            Check(Finite(wattsPerTBps) && wattsPerTBps >= 0, "wattsPerTBps", wattsPerTBps);
            Check(Finite(wattsPerTflops) && wattsPerTflops >= 0, "wattsPerTflops", wattsPerTflops);
            Check(Finite(ceilingWattsPerGpu) && ceilingWattsPerGpu > 0, "ceilingWattsPerGpu", ceilingWattsPerGpu);
            Check(Finite(meterSeconds) && meterSeconds >= 0 && meterSeconds <= 60, "meterSeconds", meterSeconds);
            Check(Finite(weightBytes) && weightBytes > 0, "weightBytes", weightBytes);
            Check(Finite(activeShare) && activeShare > 0 && activeShare <= 1, "activeShare", activeShare);
            Check(Finite(flopsPerToken) && flopsPerToken > 0, "flopsPerToken", flopsPerToken);
            GpuCount = gpuCount;
            IdleWattsPerGpu = idleWattsPerGpu;
            BusyWattsPerGpu = busyWattsPerGpu;
            WattsPerTBps = wattsPerTBps;
            WattsPerTflops = wattsPerTflops;
            CeilingWattsPerGpu = ceilingWattsPerGpu;
            MeterSeconds = meterSeconds;
            WeightBytes = weightBytes;
            ActiveShare = activeShare;
            FlopsPerToken = flopsPerToken;
            ReferenceMeanWatts = referenceMeanWatts;
            Source = source ?? "";
            DrawsPointReadings = drawsPointReadings && meterSeconds == 0;
            PrefillComputeShare = prefillComputeShare;
            _idleNode = gpuCount * idleWattsPerGpu;
            _busyAboveIdleNode = gpuCount * (busyWattsPerGpu - idleWattsPerGpu);
            _wattsPerStepDense = wattsPerTBps * weightBytes * 1e-12;
            _wattsPerToken = wattsPerTflops * flopsPerToken * 1e-12;
            _capNode = gpuCount * ceilingWattsPerGpu;
        }

        // Precomputed for the per-bin evaluation (synthesis calls NodeWatts at every bin edge).
        private readonly double _idleNode, _busyAboveIdleNode, _wattsPerStepDense, _wattsPerToken, _capNode;

        /// <summary>GPUs of the node.</summary>
        public int GpuCount { get; }
        /// <summary>Power of one GPU with the model loaded and nothing in flight, watts.</summary>
        public double IdleWattsPerGpu { get; }
        /// <summary>Power of one GPU while work is in flight, before memory traffic and arithmetic, watts.</summary>
        public double BusyWattsPerGpu { get; }
        /// <summary>Watts per TB/s of memory traffic (energy per byte: 1 W per TB/s = 1 pJ per byte).</summary>
        public double WattsPerTBps { get; }
        /// <summary>Watts per dense TFLOP/s (energy per flop: 1 W per TFLOP/s = 1 pJ per flop).</summary>
        public double WattsPerTflops { get; }
        /// <summary>Board power limit of one GPU, watts (the power limiter holds power there).</summary>
        public double CeilingWattsPerGpu { get; }
        /// <summary>Width of the meter's trailing average, seconds (1 for nvidia-smi power.draw on Ampere and newer).</summary>
        public double MeterSeconds { get; }
        /// <summary>Bytes of all weights of the served model (all tensor-parallel shards together).</summary>
        public double WeightBytes { get; }
        /// <summary>Share of the weights one token uses (1 for dense models; active / total parameters for a mixture of experts).</summary>
        public double ActiveShare { get; }
        /// <summary>Dense FLOPs per token processed (2 × active parameters), all GPUs together.</summary>
        public double FlopsPerToken { get; }
        /// <summary>Mean node power of the training bins (fitted models) or NaN (derived): the constant-mean baseline.</summary>
        public double ReferenceMeanWatts { get; }
        /// <summary>Where each coefficient comes from (fit statistics or published figures).</summary>
        public string Source { get; }

        /// <summary>
        /// Share of prefill time the GPUs spend on arithmetic rather than tensor-parallel all-reduces (1 at TP1). All-reduce time
        /// is not idle: the power limiter holds compute-bound prefill near the ceiling at every TP degree (Splitwise's measured
        /// prompt peaks are at the cap for TP 2, 4 and 8), so prompt arithmetic is charged at the rate of its compute phases,
        /// FLOPs/s ÷ this share. Derived models take it from the throughput model's all-reduce term; fitted models use 1 (the fit
        /// absorbs it).
        /// </summary>
        public double PrefillComputeShare { get; }

        /// <summary>Node idle power, watts.</summary>
        public double NodeIdleWatts => GpuCount * IdleWattsPerGpu;
        /// <summary>Node power limit, watts.</summary>
        public double NodeCeilingWatts => GpuCount * CeilingWattsPerGpu;

        /// <summary>Share of the weights one decode step with <paramref name="batch"/> sequences reads (1 for dense models).</summary>
        public double TouchedShare(double batch)
        {
            if (ActiveShare >= 1) return 1;
            double b = batch < 1 ? 1 : batch;
            return 1 - Math.Pow(1 - ActiveShare, b);
        }

        /// <summary>
        /// Node watts of a bin (before the meter): <paramref name="busyShare"/> of the bin with work in flight,
        /// prompt tokens prefilled per second, mean decode batch while decoding, decode steps per second
        /// (bin averages), <paramref name="promptTokensPerStep"/> the chunked-prefill budget (weights re-read per chunk).
        /// </summary>
        public double NodeWatts(double busyShare, double promptTokensPerSecond, double decodeBatch, double decodeStepsPerSecond, double promptTokensPerStep)
        {
            double phi = busyShare >= 1 ? 1 : busyShare;
            if (!(phi > 0)) return _idleNode;
            double steps = decodeStepsPerSecond > 0 ? decodeStepsPerSecond : 0;
            double p = promptTokensPerSecond > 0 ? promptTokensPerSecond : 0;
            double b = decodeBatch > 0 ? decodeBatch : 0;
            // Same terms as Traffic + Combine, with the constant factors folded.
            double touched = ActiveShare >= 1 ? 1 : TouchedShare(b);
            double w = _idleNode + _busyAboveIdleNode * phi + _wattsPerStepDense * steps * touched + _wattsPerToken * (p / PrefillComputeShare + b * steps);
            if (p > 0 && promptTokensPerStep > 0 && !(steps > 0)) w += _wattsPerStepDense * (p / promptTokensPerStep) * TouchedShare(promptTokensPerStep);
            return w > _capNode ? _capNode : w;
        }

        /// <summary>Node memory traffic (TB/s) and arithmetic (TFLOP/s, prompt FLOPs at the rate of their compute phases) of a bin's work.</summary>
        public void Traffic(double promptTokensPerSecond, double decodeBatch, double decodeStepsPerSecond, double promptTokensPerStep, out double terabytesPerSecond, out double teraflopsPerSecond)
        {
            double steps = decodeStepsPerSecond > 0 ? decodeStepsPerSecond : 0;
            double p = promptTokensPerSecond > 0 ? promptTokensPerSecond : 0;
            double b = decodeBatch > 0 ? decodeBatch : 0;
            double bytes = steps * WeightBytes * TouchedShare(b);
            if (p > 0 && promptTokensPerStep > 0 && !(steps > 0)) bytes += p / promptTokensPerStep * WeightBytes * TouchedShare(promptTokensPerStep);
            terabytesPerSecond = bytes * 1e-12;
            teraflopsPerSecond = FlopsPerToken * (p / PrefillComputeShare + b * steps) * 1e-12;
        }

        /// <summary>Node watts from the busy share, traffic (TB/s) and arithmetic (TFLOP/s), capped at the ceiling.</summary>
        public double Combine(double busyShare, double terabytesPerSecond, double teraflopsPerSecond)
        {
            double phi = busyShare <= 0 ? 0 : busyShare >= 1 ? 1 : busyShare;
            double w = GpuCount * (IdleWattsPerGpu * (1 - phi) + BusyWattsPerGpu * phi) + WattsPerTBps * terabytesPerSecond + WattsPerTflops * teraflopsPerSecond;
            double cap = NodeCeilingWatts;
            return w > cap ? cap : w;
        }

        /// <summary>
        /// Node watts of each bin from workload features (see <see cref="Work"/>), then the meter's trailing average.
        /// Fills the first <c>f.BinCount</c> entries.
        /// </summary>
        public void FromFeatures(WorkloadFeatures f, ServingProfile profile, Span<float> watts)
        {
            if (f == null) throw new ArgumentNullException(nameof(f));
            int n = f.BinCount;
            if (watts.Length < n) throw new ArgumentException($"The output span holds {watts.Length} bins; {n} are needed.", nameof(watts));
            var busy = new float[n]; var tb = new float[n]; var tf = new float[n];
            Work(f, profile, busy, tb, tf, this);
            for (int i = 0; i < n; i++) watts[i] = (float)Combine(busy[i], tb[i], tf[i]);
            ApplyMeter(watts.Slice(0, n), f.BinSeconds);
        }

        /// <summary>Share of each bin spent prefilling: prompt tokens in the bin over what the profile prefills in a bin, at most 1.</summary>
        public static void PrefillShare(WorkloadFeatures f, ServingProfile profile, Span<float> share)
        {
            double perBin = profile.PrefillTokensPerSecond * f.BinSeconds;
            for (int i = 0; i < f.BinCount; i++) share[i] = (float)Math.Min(1.0, f.PromptTokensInFlight[i] / perBin);
        }

        /// <summary>
        /// The work of each bin from workload features, without the meter: busy share = min(1, active + waiting) (1 when
        /// prompt tokens were prefilled), memory traffic TB/s and arithmetic TFLOP/s of the weights <paramref name="shape"/>
        /// describes, with decode steps/s = min(1, batch) / step time at max(1, batch) (the profile's), less the share of
        /// time chunked prefill takes.
        /// </summary>
        public static void Work(WorkloadFeatures f, ServingProfile profile, Span<float> busyShare, Span<float> terabytesPerSecond, Span<float> teraflopsPerSecond, WorkPower shape)
        {
            if (f == null) throw new ArgumentNullException(nameof(f));
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            int n = f.BinCount;
            double inv = 1.0 / f.BinSeconds;
            for (int i = 0; i < n; i++)
            {
                double busy = Math.Min(1.0, (double)f.ActiveRequests[i] + f.WaitingRequests[i]);
                double p = f.PromptTokensInFlight[i] * inv;
                if (p > 0 && busy < 1e-3) busy = 1;
                double b = f.DecodeBatchSize[i];
                double steps = b > 0 ? Math.Min(1.0, b) / profile.DecodeStepSeconds(Math.Max(1.0, b)) : 0;
                if (b > 0 && p > 0) steps *= DecodeShareWhilePrefilling(profile, p, b);
                shape.Traffic(p, b > 1 ? b : (b > 0 ? 1 : 0), steps, profile.MaxBatchedPromptTokens, out double tb, out double tf);
                busyShare[i] = (float)busy;
                terabytesPerSecond[i] = (float)tb;
                teraflopsPerSecond[i] = (float)tf;
            }
        }

        // Share of the time a node that prefills p tokens/s still spends on decode steps (chunked prefill shares each step).
        internal static double DecodeShareWhilePrefilling(ServingProfile profile, double promptTokensPerSecond, double batch)
        {
            double prefillBusy = promptTokensPerSecond / profile.PrefillTokensPerSecond;
            return prefillBusy >= 0.95 ? 0.05 : 1 - prefillBusy;
        }

        /// <summary>True when the meter reads instantaneous power (<see cref="MeterSeconds"/> = 0).</summary>
        public bool InstantaneousMeter => MeterSeconds == 0;

        /// <summary>
        /// True when synthesis draws an instantaneous reading within each bin (<see cref="PointReading"/>): an instantaneous
        /// meter whose states were learned from averaged readings (derived models). False for a model fitted on instantaneous
        /// recordings: its states already hold the spikes such a meter records, so they are not drawn twice.
        /// </summary>
        public bool DrawsPointReadings { get; }

        /// <summary>Node watts while prefilling at the profile's full rate (the compute-bound phase an instantaneous meter catches).</summary>
        public double PrefillPhaseWatts(ServingProfile profile)
            => NodeWatts(1, profile.PrefillTokensPerSecond, 0, 0, profile.MaxBatchedPromptTokens);

        /// <summary>
        /// One instantaneous reading of a bin whose mean is <paramref name="meanWatts"/> and which spent
        /// <paramref name="prefillShare"/> of its time prefilling at <paramref name="prefillWatts"/>; <paramref name="u"/> uniform in [0, 1).
        /// </summary>
        public static float PointReading(float meanWatts, float prefillShare, float prefillWatts, double u)
        {
            if (!(prefillShare > 0)) return meanWatts;
            if (prefillShare >= 1) return prefillWatts;
            if (u < prefillShare) return prefillWatts;
            float rest = (meanWatts - prefillShare * prefillWatts) / (1 - prefillShare);
            return rest < 0 ? 0 : rest;
        }

        /// <summary>Meter bins: the trailing window in bins (at least 1).</summary>
        public int MeterBins(double binSeconds) => Math.Max(1, (int)Math.Round(MeterSeconds / binSeconds));

        /// <summary>
        /// Replaces each bin by the trailing mean over the meter window (bins before the start: the window is shortened);
        /// nothing for an instantaneous meter (its readings are drawn per bin, see <see cref="PointReading"/>).
        /// </summary>
        public void ApplyMeter(Span<float> watts, double binSeconds)
        {
            if (InstantaneousMeter) return;
            int m = MeterBins(binSeconds);
            if (m <= 1 || watts.Length == 0) return;
            // Backwards, so every window still reads raw values (bins below i are not yet replaced).
            for (int i = watts.Length - 1; i >= 0; i--) watts[i] = WindowMean(watts, i, m);
        }

        /// <summary>
        /// Mean of <paramref name="raw"/>[i − m + 1 .. i] (fewer at the start), summed in ascending order in single precision:
        /// the meter's reading of bin i. Shared by <see cref="ApplyMeter"/> and the synthesizer so both give the same bits.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static float WindowMean(ReadOnlySpan<float> raw, int i, int m)
        {
            int lo = i - m + 1;
            if (lo < 0)
            {
                float part = 0f;
                for (int j = 0; j <= i; j++) part += raw[j];
                return part / (i + 1);
            }
            float sum = 0f;
            for (int j = lo; j <= i; j++) sum += raw[j];
            return sum * (1f / m);
        }

        /// <summary>A copy with other coefficients (null keeps the value).</summary>
        public WorkPower With(int? gpuCount = null, double? idleWattsPerGpu = null, double? busyWattsPerGpu = null, double? wattsPerTBps = null,
            double? wattsPerTflops = null, double? ceilingWattsPerGpu = null, double? meterSeconds = null, double? weightBytes = null,
            double? activeShare = null, double? flopsPerToken = null, double? referenceMeanWatts = null, string? source = null, bool? drawsPointReadings = null,
            double? prefillComputeShare = null)
            => new WorkPower(gpuCount ?? GpuCount, idleWattsPerGpu ?? IdleWattsPerGpu, busyWattsPerGpu ?? BusyWattsPerGpu, wattsPerTBps ?? WattsPerTBps,
                wattsPerTflops ?? WattsPerTflops, ceilingWattsPerGpu ?? CeilingWattsPerGpu, meterSeconds ?? MeterSeconds, weightBytes ?? WeightBytes,
                activeShare ?? ActiveShare, flopsPerToken ?? FlopsPerToken, referenceMeanWatts ?? ReferenceMeanWatts, source ?? Source,
                drawsPointReadings ?? (DrawsPointReadings || MeterSeconds != 0), prefillComputeShare ?? PrefillComputeShare);

        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "{0} GPU(s): idle {1:0.#} W, busy {2:0.#} W per GPU, {3:0.#} W per TB/s, {4:0.###} W per TFLOP/s, ceiling {5:0} W per GPU, meter {6} s",
            GpuCount, IdleWattsPerGpu, BusyWattsPerGpu, WattsPerTBps, WattsPerTflops, CeilingWattsPerGpu, MeterSeconds);

        private static bool Finite(double v) => !double.IsNaN(v) && !double.IsInfinity(v);

        private static void Check(bool ok, string name, double value)
        {
            if (!ok) throw new InvalidSettingException("InvalidWorkPower", name, string.Format(CultureInfo.InvariantCulture, "Work-power coefficient {0} = {1} is out of range.", name, value));
        }
    }
}
