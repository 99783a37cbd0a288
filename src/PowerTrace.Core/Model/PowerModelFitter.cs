using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>One training input: a measured node power trace and the workload features of the same bins.</summary>
    public sealed class PowerModelTrainingInput
    {
        public PowerModelTrainingInput(PowerSeries trace, WorkloadFeatures features, string? workloadFile = null)
        {
            Trace = trace ?? throw new ArgumentNullException(nameof(trace));
            Features = features ?? throw new ArgumentNullException(nameof(features));
            WorkloadFile = workloadFile;
        }

        /// <summary>Measured node power (NaN and infinite bins are skipped, as gaps).</summary>
        public PowerSeries Trace { get; }
        /// <summary>Features of the same bins (same width and count).</summary>
        public WorkloadFeatures Features { get; }
        /// <summary>The request log or engine-state file the features came from, for provenance.</summary>
        public string? WorkloadFile { get; }
    }

    /// <summary>Settings of <see cref="PowerModelFitter.Fit"/>. Null metadata fields are taken from the traces.</summary>
    public sealed class PowerModelFitOptions
    {
        /// <summary>Fixed number of states; null = choose by BIC over MinStates..MaxStates.</summary>
        public int? StateCount { get; set; }
        /// <summary>Smallest state count the BIC sweep tries.</summary>
        public int MinStates { get; set; } = 3;
        /// <summary>Largest state count the BIC sweep tries (at most <see cref="PowerModel.MaxStates"/>).</summary>
        public int MaxStates { get; set; } = 12;
        /// <summary>Seed of the mixture fit's random starts.</summary>
        public ulong Seed { get; set; } = 1;
        /// <summary>GPU type override.</summary>
        public string? GpuType { get; set; }
        /// <summary>GPUs per node override.</summary>
        public int? GpuCount { get; set; }
        /// <summary>Served model override.</summary>
        public string? ModelName { get; set; }
        /// <summary>Tensor-parallel degree override.</summary>
        public int? TensorParallel { get; set; }
        /// <summary>Idle watts per GPU override (default: measured power with nothing in flight for a while, else the lowest state).</summary>
        public double? IdleWattsPerGpu { get; set; }
        /// <summary>TDP watts per GPU override (default: the GPU type's nominal TDP, else the highest measured bin).</summary>
        public double? TdpWattsPerGpu { get; set; }
        /// <summary>
        /// Seconds the measured power trails the workload log (rounded to whole bins); null = estimated from the
        /// traces (<see cref="WorkloadLag.Estimate"/>).
        /// </summary>
        public double? WorkloadLagSeconds { get; set; }
        /// <summary>
        /// Fit a work-power curve (<see cref="WorkPower"/>) so power within each state follows the work in flight; null or
        /// true = when the served model's size is known (model catalog or a size in its name), false = states only.
        /// </summary>
        public bool? UseWorkPower { get; set; }
        /// <summary>Total parameters of the served model, for the work-power curve; null = from the model catalog or the size in its name.</summary>
        public double? Parameters { get; set; }
        /// <summary>Parameters active per token (mixture of experts); null = from the catalog or the name ("-A3B"), else all.</summary>
        public double? ActiveParameters { get; set; }
        /// <summary>Bytes per weight of the served model (2 for BF16/FP16, 1 for 8-bit), for the work-power curve.</summary>
        public double BytesPerParameter { get; set; } = 2;
        /// <summary>Width of the power meter's trailing average, seconds (0 = instantaneous readings); null = the GPU's nvidia-smi power.draw behaviour (0 for A100, 1 s otherwise).</summary>
        public double? MeterSeconds { get; set; }
    }

    /// <summary>Fits a <see cref="PowerModel"/> to measured traces and their workload features.</summary>
    public static class PowerModelFitter
    {
        /// <summary>Version of this library, recorded in model provenance.</summary>
        public static string ToolVersion { get; } = typeof(PowerModelFitter).GetTypeInfo().Assembly.GetName().Version?.ToString() ?? "0.0.0";

        /// <summary>
        /// Fits states (Gaussian mixture, BIC), estimates the workload lag (or takes the override) and labels each
        /// bin with the context of the workload that drove it, learns the workload-conditioned transitions and the
        /// AR(1) power within each state.
        /// </summary>
        /// <exception cref="InvalidSettingException">
        /// NoTrainingData, BinWidthMismatch, WorkloadLengthMismatch, ConfigurationMismatch, InvalidStateRange, ModelHasNoStates, InvalidWorkloadLag.
        /// </exception>
        public static PowerModel Fit(IReadOnlyList<PowerModelTrainingInput> inputs, ServingProfile profile, PowerModelFitOptions? options = null, CancellationToken cancellationToken = default)
        {
            options ??= new PowerModelFitOptions();
            if (inputs == null || inputs.Count == 0)
                throw new InvalidSettingException("NoTrainingData", "Trace", "No power traces were given to fit a model on.");
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            int minK = options.StateCount ?? options.MinStates, maxK = options.StateCount ?? options.MaxStates;
            if (minK < 1 || maxK < minK || maxK > PowerModel.MaxStates)
                throw new InvalidSettingException("InvalidStateRange", "StateCount", $"State counts must satisfy 1 <= min <= max <= {PowerModel.MaxStates}; got {minK}..{maxK}.");

            if (options.WorkloadLagSeconds.HasValue) WorkloadLag.Validate(options.WorkloadLagSeconds.Value, "WorkloadLagSeconds");

            double bin = inputs[0].Trace.BinSeconds;
            TraceMetadata meta = inputs[0].Trace.Metadata;
            var all = new List<double>();
            for (int t = 0; t < inputs.Count; t++)
            {
                var tr = inputs[t].Trace; var f = inputs[t].Features;
                if (Math.Abs(tr.BinSeconds - bin) > 1e-9 * bin)
                    throw new InvalidSettingException("BinWidthMismatch", "Trace", $"Trace '{tr.Name}' has {tr.BinSeconds} s bins but '{inputs[0].Trace.Name}' has {bin} s: bin all traces to the same width.");
                if (Math.Abs(f.BinSeconds - tr.BinSeconds) > 1e-9 * bin)
                    throw new InvalidSettingException("BinWidthMismatch", "Requests", $"The workload of trace '{tr.Name}' is binned at {f.BinSeconds} s but the trace at {tr.BinSeconds} s.");
                if (f.BinCount != tr.BinCount)
                    throw new InvalidSettingException("WorkloadLengthMismatch", "Requests", $"The workload of trace '{tr.Name}' covers {f.BinCount} bins but the trace has {tr.BinCount}.");
                CheckSameConfiguration(meta, tr.Metadata, tr.Name);
            }
            cancellationToken.ThrowIfCancellationRequested();

            // Contexts of each bin, aligned with the power they explain (logging and metering delay).
            var contexts = new List<byte[]>(inputs.Count);
            foreach (var inp in inputs)
            {
                var ctx = new byte[inp.Trace.BinCount];
                WorkloadContext.Compute(inp.Features, ctx);
                contexts.Add(ctx);
            }
            int lagBins = options.WorkloadLagSeconds.HasValue ? WorkloadLag.ToBins(options.WorkloadLagSeconds.Value, bin) : WorkloadLag.EstimateBins(inputs, contexts);
            foreach (var ctx in contexts) WorkloadLag.Shift(ctx, lagBins);
            cancellationToken.ThrowIfCancellationRequested();

            // Work power: the share of power the work in flight explains; the states model what is left.
            TraceMetadata m0 = inputs[0].Trace.Metadata;
            string? gpuType0 = options.GpuType ?? m0.GpuType;
            int tp0 = options.TensorParallel ?? m0.TensorParallel;
            int gpus0 = options.GpuCount ?? (m0.GpuCount > 0 ? m0.GpuCount : tp0 > 0 ? tp0 : 1);
            double idlePerGpu = options.IdleWattsPerGpu ?? LongIdleMedian(inputs, contexts) / gpus0;
            double tdpPerGpu = options.TdpWattsPerGpu ?? ModelConfiguration.KnownTdpWatts(gpuType0);
            var work = double.IsNaN(idlePerGpu) ? null
                : WorkPowerFitter.TryFit(inputs, lagBins, profile, options, gpuType0, gpus0, tp0, options.ModelName ?? m0.ModelName, idlePerGpu, tdpPerGpu);
            var values = new List<double[]>(inputs.Count);
            for (int t = 0; t < inputs.Count; t++)
            {
                var w = inputs[t].Trace.Watts;
                if (work == null) { values.Add(w); continue; }
                var e = work.Expected[t];
                var r = new double[w.Length];
                for (int i = 0; i < w.Length; i++) r[i] = w[i] - e[i];
                values.Add(r);
            }
            foreach (var v in values) all.AddRange(v);
            cancellationToken.ThrowIfCancellationRequested();

            var rng = new Rng(options.Seed);
            int valid = 0;
            foreach (double v in all) if (IsFinite(v)) valid++;
            if (valid < 2) throw new InvalidSettingException("ModelHasNoStates", "Trace", "The traces have fewer than two measured bins: no states can be fitted.");
            var gmm = GaussianMixture1D.Fit(all, new GaussianMixture1D.FitOptions { MinComponents = minK, MaxComponents = maxK }, ref rng);
            cancellationToken.ThrowIfCancellationRequested();

            // Label bins; drop components that label no bin.
            int k0 = gmm.Count;
            var labels = new List<int[]>(inputs.Count);
            var used = new long[k0];
            foreach (var w in values)
            {
                var lab = new int[w.Length];
                for (int i = 0; i < w.Length; i++) { lab[i] = gmm.Classify(w[i]); if (lab[i] >= 0) used[lab[i]]++; }
                labels.Add(lab);
            }
            var remap = new int[k0];
            int k = 0;
            for (int j = 0; j < k0; j++) remap[j] = used[j] > 0 ? k++ : -1;
            foreach (var lab in labels) for (int i = 0; i < lab.Length; i++) if (lab[i] >= 0) lab[i] = remap[lab[i]];

            // Per-state moments, range, AR(1), naming votes.
            var cnt = new long[k]; var sum = new double[k]; var mn = new double[k]; var mx = new double[k];
            var votes = new long[k, 3]; // idle, prefill, decode
            for (int s = 0; s < k; s++) { mn[s] = double.PositiveInfinity; mx[s] = double.NegativeInfinity; }
            for (int t = 0; t < inputs.Count; t++)
            {
                var w = values[t]; var lab = labels[t]; var f = inputs[t].Features; var ctx = contexts[t];
                for (int i = 0; i < w.Length; i++)
                {
                    int s = lab[i];
                    if (s < 0) continue;
                    cnt[s]++; sum[s] += w[i];
                    if (w[i] < mn[s]) mn[s] = w[i];
                    if (w[i] > mx[s]) mx[s] = w[i];
                    int cat = WorkloadContext.IsIdle(ctx[i]) ? 0 : f.PromptTokensInFlight[i] > 0 ? 1 : 2;
                    votes[s, cat]++;
                }
            }
            var mean = new double[k]; var sd = new double[k];
            for (int s = 0; s < k; s++) mean[s] = sum[s] / cnt[s];
            var ss = new double[k];
            for (int t = 0; t < inputs.Count; t++)
            {
                var w = values[t]; var lab = labels[t];
                for (int i = 0; i < w.Length; i++) if (lab[i] >= 0) { double d = w[i] - mean[lab[i]]; ss[lab[i]] += d * d; }
            }
            for (int s = 0; s < k; s++) sd[s] = cnt[s] > 1 ? Math.Sqrt(ss[s] / cnt[s]) : 0;
            var sxy = new double[k]; var sxx = new double[k]; var syy = new double[k]; var pairs = new long[k];
            for (int t = 0; t < inputs.Count; t++)
            {
                var w = values[t]; var lab = labels[t];
                for (int i = 1; i < w.Length; i++)
                {
                    int s = lab[i];
                    if (s < 0 || lab[i - 1] != s || !(sd[s] > 0)) continue;
                    double a = (w[i - 1] - mean[s]) / sd[s], b = (w[i] - mean[s]) / sd[s];
                    sxy[s] += a * b; sxx[s] += a * a; syy[s] += b * b; pairs[s]++;
                }
            }
            long total = 0;
            foreach (long c in cnt) total += c;
            var names = NameStates(votes, k);
            var states = new PowerState[k];
            for (int s = 0; s < k; s++)
            {
                double phi = pairs[s] >= 5 && sxx[s] > 0 && syy[s] > 0 ? sxy[s] / Math.Sqrt(sxx[s] * syy[s]) : 0;
                phi = Math.Max(0, Math.Min(0.99, phi));
                states[s] = new PowerState(s, names[s], mean[s], sd[s], (double)cnt[s] / total, phi, mn[s], mx[s], cnt[s]);
            }
            cancellationToken.ThrowIfCancellationRequested();
            var transitions = TransitionModel.Learn(k, labels, contexts);

            var config = BuildConfiguration(inputs, idlePerGpu, options);
            var traces = new List<TrainingTrace>();
            foreach (var inp in inputs)
            {
                var tr = inp.Trace;
                string? file = tr.Metadata.SourceFiles.Count > 0 ? tr.Metadata.SourceFiles[0] : null;
                traces.Add(new TrainingTrace(tr.Name, file, inp.WorkloadFile, tr.StartUtc, tr.EndUtc, tr.BinCount, tr.ValidBinCount));
            }
            var prov = new ModelProvenance(traces, DateTime.UtcNow, ToolVersion, work?.Note);
            return new PowerModel(config, bin, states, profile, transitions, prov, lagBins * bin, work?.Power);
        }

        /// <summary>A measured bin: not NaN (a gap) and not infinite (a corrupt reading, treated as a gap).</summary>
        internal static bool IsFinite(double v) => !double.IsNaN(v) && !double.IsInfinity(v);

        /// <summary>Throws ConfigurationMismatch when two traces disagree on a known field.</summary>
        internal static void CheckSameConfiguration(TraceMetadata a, TraceMetadata b, string name)
        {
            string? why = null;
            if (a.GpuType != null && b.GpuType != null && !Hardware.GpuCatalog.SameGpu(a.GpuType, b.GpuType)) why = $"GPU type {b.GpuType} vs {a.GpuType}";
            else if (a.GpuCount > 0 && b.GpuCount > 0 && a.GpuCount != b.GpuCount) why = $"{b.GpuCount} GPUs vs {a.GpuCount}";
            else if (a.ModelName != null && b.ModelName != null && !string.Equals(a.ModelName, b.ModelName, StringComparison.OrdinalIgnoreCase)) why = $"model {b.ModelName} vs {a.ModelName}";
            else if (a.TensorParallel > 0 && b.TensorParallel > 0 && a.TensorParallel != b.TensorParallel) why = $"TP{b.TensorParallel} vs TP{a.TensorParallel}";
            if (why != null)
                throw new InvalidSettingException("ConfigurationMismatch", "Trace", $"Trace '{name}' is of another configuration ({why}): a power model describes one configuration.");
        }

        private static string[] NameStates(long[,] votes, int k)
        {
            string[] cat = { "idle", "prefill", "decode" };
            var names = new string[k];
            var seen = new int[3];
            for (int s = 0; s < k; s++)
            {
                int best = 0;
                for (int c = 1; c < 3; c++) if (votes[s, c] > votes[s, best]) best = c;
                seen[best]++;
                names[s] = seen[best] == 1 ? cat[best] : cat[best] + "-" + seen[best];
            }
            return names;
        }

        // Median node power of the bins long after (or before) any work: the idle level. NaN when there are none.
        private static double LongIdleMedian(IReadOnlyList<PowerModelTrainingInput> inputs, List<byte[]> contexts)
        {
            // Median, not mean: a few bins where the workload log and the power disagree at a transition
            // (onsets the lag correction leaves misaligned) must not raise the idle level.
            var v = new List<double>();
            for (int t = 0; t < inputs.Count; t++)
            {
                var w = inputs[t].Trace.Watts; var c = contexts[t];
                for (int i = 0; i < w.Length; i++) if (c[i] == WorkloadContext.LongIdle && IsFinite(w[i])) v.Add(w[i]);
            }
            if (v.Count == 0)
            {
                // No long-idle bin: the 5th percentile of all bins.
                foreach (var inp in inputs) foreach (double x in inp.Trace.Watts) if (IsFinite(x)) v.Add(x);
                if (v.Count == 0) return double.NaN;
                v.Sort();
                return v[v.Count / 20];
            }
            v.Sort();
            int mid = v.Count / 2;
            return v.Count % 2 == 1 ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
        }

        private static ModelConfiguration BuildConfiguration(IReadOnlyList<PowerModelTrainingInput> inputs, double idlePerGpu, PowerModelFitOptions o)
        {
            TraceMetadata m = inputs[0].Trace.Metadata;
            string? gpuType = Hardware.GpuCatalog.CanonicalName(o.GpuType ?? m.GpuType);
            int tp = o.TensorParallel ?? m.TensorParallel;
            int gpus = o.GpuCount ?? (m.GpuCount > 0 ? m.GpuCount : tp > 0 ? tp : 1);
            string? modelName = o.ModelName ?? m.ModelName;
            double tdp = o.TdpWattsPerGpu ?? ModelConfiguration.KnownTdpWatts(gpuType);
            if (double.IsNaN(tdp))
            {
                double peak = 0;
                foreach (var inp in inputs) foreach (double x in inp.Trace.Watts) if (IsFinite(x) && x > peak) peak = x;
                tdp = peak / gpus;
            }
            return new ModelConfiguration(gpuType, gpus, modelName, tp, idlePerGpu, tdp);
        }
    }
}
