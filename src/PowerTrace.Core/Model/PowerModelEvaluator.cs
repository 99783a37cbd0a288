using System;
using System.Collections.Generic;
using System.Threading;
using PowerTrace.Core.Analysis;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>One line of a fidelity report: a method (the model or a baseline) on one trace or on all of them.</summary>
    public sealed class PowerModelFidelity
    {
        /// <summary><see cref="Path"/> of a row scoring the replay of a request log (what Invoke-TraceSynthesis -Requests synthesizes).</summary>
        public const string ReplayPath = "Replay";
        /// <summary><see cref="Path"/> of a row scoring a synthesis from measured per-bin workload features (an engine-state series).</summary>
        public const string FeaturesPath = "Features";

        public PowerModelFidelity(string trace, string method, FidelityResult result, int seeds)
            : this(trace, method, result, seeds, FeaturesPath) { }

        public PowerModelFidelity(string trace, string method, FidelityResult result, int seeds, string path)
        {
            if (result == null) throw new ArgumentNullException(nameof(result));
            Trace = trace;
            Method = method;
            Seeds = seeds;
            Path = path ?? FeaturesPath;
            EnergyErrorPercent = result.EnergyErrorPercent;
            AcfRSquared = result.AcfRSquared;
            KsStatistic = result.KsStatistic;
            Nrmse = result.Nrmse;
            P95ErrorPercent = result.P95ErrorPercent;
            P99ErrorPercent = result.P99ErrorPercent;
            Bins = result.Runs > 0 ? result.ValidBins / result.Runs : result.ValidBins;
            MeasuredMeanWatts = result.MeasuredMeanWatts;
            SynthesizedMeanWatts = result.SynthesizedMeanWatts;
        }

        /// <summary>Trace name, or "(total)" for all traces together.</summary>
        public string Trace { get; }
        /// <summary>"PowerModel", "ConstantTdp" (node nameplate) or "ConstantMean" (training mean power).</summary>
        public string Method { get; }
        /// <summary>
        /// How the model's trace was made: "Replay" (the request log replayed through the serving emulator, exactly as
        /// Invoke-TraceSynthesis -Requests -NoLoop does, compared from the first arrival on) or "Features" (per-bin
        /// workload features measured from a log, delayed by the workload lag, over the whole trace). The baseline rows
        /// carry the path of the window they were scored on.
        /// </summary>
        public string Path { get; }
        /// <summary>Seeds the medians are over (1 for the constant baselines).</summary>
        public int Seeds { get; }
        /// <summary>Median of 100·|ΣQ − ΣP| / ΣP, percent.</summary>
        public double EnergyErrorPercent { get; }
        /// <summary>Median ACF R² over lags 1..50.</summary>
        public double AcfRSquared { get; }
        /// <summary>Median two-sample Kolmogorov–Smirnov statistic.</summary>
        public double KsStatistic { get; }
        /// <summary>Median RMSE / (max P − min P).</summary>
        public double Nrmse { get; }
        /// <summary>Median relative error of the 95th percentile, percent.</summary>
        public double P95ErrorPercent { get; }
        /// <summary>Median relative error of the 99th percentile, percent.</summary>
        public double P99ErrorPercent { get; }
        /// <summary>Bins compared (measured and synthesized both valid).</summary>
        public int Bins { get; }
        /// <summary>Measured mean power, watts.</summary>
        public double MeasuredMeanWatts { get; }
        /// <summary>Synthesized mean power (median over seeds), watts.</summary>
        public double SynthesizedMeanWatts { get; }
    }

    /// <summary>
    /// Held-out fidelity of a power model (DESIGN.md metrics): synthesizes each measured trace's own workload over
    /// several seeds and compares, with the constant-TDP and constant-mean baselines beside it. A request log is
    /// replayed (<see cref="EvaluateReplay"/>: the synthesis a user runs with Invoke-TraceSynthesis -Requests); an
    /// engine-state series, which has no requests to replay, drives the model through its features (<see cref="Evaluate"/>).
    /// </summary>
    /// <remarks>
    /// Seeds: in a replay, seed number s (0-based) of a call with master seed S is synthesis seed S + s (wrapping at
    /// 2^64): the trace Invoke-TraceSynthesis -Seed (S + s) writes, whose server 0 draws from <c>Rng.ForStream(S + s, 0)</c>.
    /// From features (no synthesis to match), seed number s draws from <c>Rng.ForStream(S, s)</c>.
    /// </remarks>
    public static class PowerModelEvaluator
    {
        /// <summary>Name of the all-traces row.</summary>
        public const string Total = "(total)";

        /// <summary>
        /// Per trace and in total (all traces concatenated): the model (median over <paramref name="seeds"/> seeds),
        /// constant TDP and constant training-mean power, over each trace's whole length. The model synthesizes from the
        /// given per-bin features, not through the serving emulator: this is not what any synthesis of requests produces
        /// (for request logs use <see cref="EvaluateReplay"/>). The features are taken as measured from logs: their contexts
        /// are delayed by <paramref name="workloadLagSeconds"/> (null = the model's <see cref="PowerModel.WorkloadLagSeconds"/>,
        /// right when the test logs were recorded the way the training logs were).
        /// </summary>
        /// <remarks>
        /// <c>progress</c>, when given, is called after each trace × seed synthesis with (done, total), total = traces ×
        /// seeds, on the evaluating thread (a cmdlet running this on a task should only store the values and report
        /// them from its pipeline thread).
        /// </remarks>
        /// <exception cref="Errors.InvalidSettingException">BinWidthMismatch, WorkloadLengthMismatch, ConfigurationMismatch, InvalidSeedCount, InvalidWorkloadLag.</exception>
        /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled (checked before each synthesis).</exception>
        public static IReadOnlyList<PowerModelFidelity> Evaluate(PowerModel model, IReadOnlyList<PowerSeries> traces, IReadOnlyList<WorkloadFeatures> features,
            int seeds = 5, ulong masterSeed = 1, CancellationToken cancellationToken = default, double? workloadLagSeconds = null, Action<int, int>? progress = null)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            double lag = workloadLagSeconds ?? model.WorkloadLagSeconds;
            WorkloadLag.Validate(lag, "WorkloadLagSeconds");
            if (traces.Count != features.Count) throw new ArgumentException("Give one workload per trace.");
            if (seeds < 1) throw new Errors.InvalidSettingException("InvalidSeedCount", "Seeds", "At least one seed is needed.");
            var modelMeta = new TraceMetadata(model.Configuration.GpuType, model.Configuration.GpuCount, model.Configuration.ModelName, model.Configuration.TensorParallel);
            int total = 0;
            for (int t = 0; t < traces.Count; t++)
            {
                var tr = traces[t];
                if (Math.Abs(tr.BinSeconds - model.BinSeconds) > 1e-9 * model.BinSeconds)
                    throw new Errors.InvalidSettingException("BinWidthMismatch", "Trace", $"Trace '{tr.Name}' has {tr.BinSeconds} s bins but the model was fitted at {model.BinSeconds} s: import it with -BinSeconds {model.BinSeconds}.");
                if (features[t].BinCount != tr.BinCount)
                    throw new Errors.InvalidSettingException("WorkloadLengthMismatch", "Requests", $"The workload of trace '{tr.Name}' covers {features[t].BinCount} bins but the trace has {tr.BinCount}.");
                PowerModelFitter.CheckSameConfiguration(modelMeta, tr.Metadata, tr.Name);
                total += tr.BinCount;
            }
            var rows = new List<PowerModelFidelity>();
            var syn = model.CreateModelSynthesizer();
            var allMeasured = new double[total];
            var allSynth = new double[seeds][];
            for (int s = 0; s < seeds; s++) allSynth[s] = new double[total];
            int at = 0;
            for (int t = 0; t < traces.Count; t++)
            {
                var tr = traces[t];
                int n = tr.BinCount;
                Array.Copy(tr.Watts, 0, allMeasured, at, n);
                var buf = new float[n];
                var results = new List<FidelityResult>();
                for (int s = 0; s < seeds; s++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rng = Rng.ForStream(masterSeed, (ulong)s);
                    syn.SynthesizeFromFeatures(features[t], ref rng, buf, lag);
                    var q = new double[n];
                    for (int i = 0; i < n; i++) { q[i] = buf[i]; allSynth[s][at + i] = buf[i]; }
                    results.Add(FidelityMetrics.Compare(tr.Watts, q));
                    progress?.Invoke(t * seeds + s + 1, traces.Count * seeds);
                }
                AddRows(rows, tr.Name, tr.Watts, results, model, seeds);
                at += n;
            }
            if (traces.Count > 1)
            {
                var results = new List<FidelityResult>();
                for (int s = 0; s < seeds; s++) results.Add(FidelityMetrics.Compare(allMeasured, allSynth[s]));
                AddRows(rows, Total, allMeasured, results, model, seeds);
            }
            return rows;
        }

        /// <summary>Synthesis seed of seed number <paramref name="s"/> (0-based) under master seed <paramref name="masterSeed"/>: masterSeed + s.</summary>
        public static ulong SeedOf(ulong masterSeed, int s) => unchecked(masterSeed + (ulong)s);

        /// <summary>
        /// Per trace and in total: the model's synthesis of each trace's own request log, replayed on one server exactly as
        /// Invoke-TraceSynthesis -Requests &lt;log&gt; -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 -Resolution &lt;model bin&gt;
        /// replays it (<see cref="SingleServerReplay"/>: same emulator, alignment and quantization), with seeds
        /// <paramref name="masterSeed"/> .. <paramref name="masterSeed"/> + <paramref name="seeds"/> − 1, compared with the
        /// measured trace from the bin of the first arrival to its end (median over seeds); beside it constant TDP and
        /// constant training-mean power over the same bins. The total row concatenates every trace's compared bins.
        /// </summary>
        /// <remarks>
        /// <c>progress</c>: as in <see cref="Evaluate"/>. <c>synthesized</c>, when given, receives each synthesis (trace
        /// index, synthesis seed, the whole-horizon trace that was scored from <see cref="ReplayWindow.SynthesizedFirstBin"/> on)
        /// on the evaluating thread. No workload lag is applied: a synthesis never applies one.
        /// </remarks>
        /// <exception cref="Errors.InvalidSettingException">BinWidthMismatch, ConfigurationMismatch, InvalidSeedCount,
        /// WorkloadCountMismatch, EmptyRequestTrace, WorkloadDoesNotOverlapTrace, and the synthesis' own setting errors.</exception>
        /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
        public static IReadOnlyList<PowerModelFidelity> EvaluateReplay(PowerModel model, IReadOnlyList<PowerSeries> traces, IReadOnlyList<RequestTrace> logs,
            int seeds = 5, ulong masterSeed = 1, CancellationToken cancellationToken = default, Action<int, int>? progress = null,
            Action<int, ulong, PowerSeries>? synthesized = null)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            if (traces == null) throw new ArgumentNullException(nameof(traces));
            if (logs == null) throw new ArgumentNullException(nameof(logs));
            if (traces.Count != logs.Count)
                throw new Errors.InvalidSettingException("WorkloadCountMismatch", "Requests", $"{traces.Count} trace(s) but {logs.Count} request log(s): give one per trace, in the same order.");
            if (seeds < 1) throw new Errors.InvalidSettingException("InvalidSeedCount", "Seeds", "At least one seed is needed.");
            var windows = Align(model, traces, logs);
            int total = 0;
            foreach (var w in windows) total += w.ComparedBins;
            var rows = new List<PowerModelFidelity>();
            var allMeasured = new double[total];
            var allSynth = new double[seeds][];
            for (int s = 0; s < seeds; s++) allSynth[s] = new double[total];
            int at = 0;
            for (int t = 0; t < traces.Count; t++)
            {
                var w = windows[t];
                double[] measured = w.MeasuredPart(traces[t]);
                Array.Copy(measured, 0, allMeasured, at, measured.Length);
                var results = new List<FidelityResult>();
                for (int s = 0; s < seeds; s++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    ulong seed = SeedOf(masterSeed, s);
                    var series = SingleServerReplay.Synthesize(model, logs[t], w, seed, cancellationToken);
                    synthesized?.Invoke(t, seed, series);
                    double[] q = w.SynthesizedPart(series);
                    Array.Copy(q, 0, allSynth[s], at, q.Length);
                    results.Add(FidelityMetrics.Compare(measured, q));
                    progress?.Invoke(t * seeds + s + 1, traces.Count * seeds);
                }
                AddRows(rows, traces[t].Name, measured, results, model, seeds, PowerModelFidelity.ReplayPath);
                at += measured.Length;
            }
            if (traces.Count > 1)
            {
                var results = new List<FidelityResult>();
                for (int s = 0; s < seeds; s++) results.Add(FidelityMetrics.Compare(allMeasured, allSynth[s]));
                AddRows(rows, Total, allMeasured, results, model, seeds, PowerModelFidelity.ReplayPath);
            }
            return rows;
        }

        /// <summary>
        /// Checks each trace against the model (bin width, configuration) and aligns its request log
        /// (<see cref="SingleServerReplay.Align"/>): the windows <see cref="EvaluateReplay"/> scores, in trace order.
        /// </summary>
        /// <exception cref="Errors.InvalidSettingException">BinWidthMismatch, ConfigurationMismatch, WorkloadCountMismatch,
        /// EmptyRequestTrace, WorkloadDoesNotOverlapTrace.</exception>
        public static IReadOnlyList<ReplayWindow> Align(PowerModel model, IReadOnlyList<PowerSeries> traces, IReadOnlyList<RequestTrace> logs)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            if (traces.Count != logs.Count)
                throw new Errors.InvalidSettingException("WorkloadCountMismatch", "Requests", $"{traces.Count} trace(s) but {logs.Count} request log(s): give one per trace, in the same order.");
            var modelMeta = new TraceMetadata(model.Configuration.GpuType, model.Configuration.GpuCount, model.Configuration.ModelName, model.Configuration.TensorParallel);
            var windows = new ReplayWindow[traces.Count];
            for (int t = 0; t < traces.Count; t++)
            {
                var tr = traces[t];
                if (Math.Abs(tr.BinSeconds - model.BinSeconds) > 1e-9 * model.BinSeconds)
                    throw new Errors.InvalidSettingException("BinWidthMismatch", "Trace", $"Trace '{tr.Name}' has {tr.BinSeconds} s bins but the model was fitted at {model.BinSeconds} s: import it with -BinSeconds {model.BinSeconds}.");
                PowerModelFitter.CheckSameConfiguration(modelMeta, tr.Metadata, tr.Name);
                windows[t] = SingleServerReplay.Align(tr, logs[t]);
            }
            return windows;
        }

        private static void AddRows(List<PowerModelFidelity> rows, string name, double[] measured, List<FidelityResult> results, PowerModel model, int seeds,
            string path = PowerModelFidelity.FeaturesPath)
        {
            rows.Add(new PowerModelFidelity(name, "PowerModel", FidelityMetrics.Median(results), seeds, path));
            rows.Add(new PowerModelFidelity(name, "ConstantTdp", FidelityMetrics.Compare(measured, FidelityMetrics.ConstantTrace(model.NameplateWatts, measured.Length)), 1, path));
            rows.Add(new PowerModelFidelity(name, "ConstantMean", FidelityMetrics.Compare(measured, FidelityMetrics.ConstantTrace(model.TrainingMeanWatts, measured.Length)), 1, path));
        }
    }
}
