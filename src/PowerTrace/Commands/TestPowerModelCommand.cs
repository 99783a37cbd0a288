using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// Test-PowerModel: held-out fidelity. Synthesizes each measured trace's own workload over several seeds and
    /// reports, per trace and in total, energy error %, ACF R² (lags 1..50), KS, NRMSE, P95/P99 errors (medians over
    /// seeds), beside the constant-TDP and constant-mean-power baselines. With -Requests it scores exactly the synthesis
    /// of Invoke-TraceSynthesis -Requests &lt;log&gt; -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 (Path "Replay"); with
    /// -EngineState the series' per-bin features drive the model (Path "Features").
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "PowerModel", DefaultParameterSetName = RequestsSet)]
    [OutputType(typeof(PowerModelFidelity))]
    public sealed class TestPowerModelCommand : PowerTraceCmdlet
    {
        private const string RequestsSet = "Requests";
        private const string EngineStateSet = "EngineState";
        private readonly List<PowerSeries> _traces = new List<PowerSeries>();

        /// <summary>The model to test.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public PowerModel? Model { get; set; }

        /// <summary>Measured node power traces (pipeline), not used for fitting.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [ValidateNotNull]
        public PowerSeries[]? Trace { get; set; }

        /// <summary>Request logs, one per trace, same order.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RequestsSet)]
        [ValidateNotNull]
        public RequestTrace[]? Requests { get; set; }

        /// <summary>Engine-state series, one per trace, same order.</summary>
        [Parameter(Mandatory = true, ParameterSetName = EngineStateSet)]
        [ValidateNotNull]
        public EngineStateSeries[]? EngineState { get; set; }

        /// <summary>Seeds to synthesize each trace with (medians are reported); default 5.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int Seeds { get; set; } = 5;

        /// <summary>Master seed.</summary>
        [Parameter]
        public ulong Seed { get; set; } = 1;

        /// <summary>
        /// Seconds the measured power trails the engine-state series (default: the model's WorkloadLagSeconds, right when
        /// the test logs were recorded the way the training logs were). Not with -Requests: a replay, like every
        /// synthesis, applies no lag.
        /// </summary>
        [Parameter(ParameterSetName = EngineStateSet)]
        [ValidateRange(-WorkloadLag.MaxAbsSeconds, WorkloadLag.MaxAbsSeconds)]
        public double WorkloadLagSeconds { get; set; } = double.NaN;

        protected override void ProcessRecord()
        {
            if (Trace != null) _traces.AddRange(Trace);
        }

        protected override void EndProcessing()
        {
            try
            {
                TrainingWorkload.RequireOnePerTrace(_traces.Count, Requests, EngineState, ParameterSetName);
                foreach (var tr in _traces)
                {
                    var fit = TrainedOn(Model!, tr);
                    if (fit != null)
                        WriteWarning($"Trace '{tr.Name}' overlaps training trace '{fit.Name}' of the model (file {System.IO.Path.GetFileName(fit.PowerFile)}, " +
                            $"{fit.StartUtc:yyyy-MM-ddTHH:mm:ss}Z to {fit.EndUtc:yyyy-MM-ddTHH:mm:ss}Z): its numbers are in-sample, not held-out fidelity.");
                }
                IReadOnlyList<PowerModelFidelity> rows;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                if (Requests != null)
                {
                    var windows = PowerModelEvaluator.Align(Model!, _traces, Requests);
                    WriteVerbose($"Path Replay: each request log is replayed on one server through the model's serving emulator, the synthesis of Invoke-TraceSynthesis -Requests <log> -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 -Resolution {Model!.BinSeconds} with -Seed {Seed} .. {PowerModelEvaluator.SeedOf(Seed, Seeds - 1)}; no workload lag is applied.");
                    for (int i = 0; i < _traces.Count; i++)
                    {
                        var w = windows[i];
                        WriteVerbose($"Trace '{_traces[i].Name}': log '{Requests[i].Name}' replayed from its first arrival at {w.HorizonStartUtc:yyyy-MM-ddTHH:mm:ss.fff}Z "
                            + $"(measured bin {w.MeasuredFirstBin}, {w.FirstArrivalOffsetSeconds:0.###} s into it) for {w.HorizonSeconds:0.###} s (-HorizonSeconds) to the trace's end, "
                            + $"{w.RequestsInHorizon} of {Requests[i].Count} requests; {w.ComparedBins} bins compared from measured bin {w.ComparedMeasuredFirstBin}.");
                    }
                    WriteVerbose($"Evaluating {Model.Configuration} ({Model.StateCount} states) on {_traces.Count} trace(s) x {Seeds} seed(s) from seed {Seed}.");
                    rows = EvaluateWithProgress((model, traces, seeds, seed, token, progress) =>
                        PowerModelEvaluator.EvaluateReplay(model, traces, Requests, seeds, seed, token, progress));
                }
                else
                {
                    var features = new List<WorkloadFeatures>();
                    for (int i = 0; i < _traces.Count; i++)
                    {
                        var tr = _traces[i];
                        if (Math.Abs(tr.BinSeconds - Model!.BinSeconds) > 1e-9 * Model.BinSeconds)
                            throw new InvalidSettingException("BinWidthMismatch", "Trace", $"Trace '{tr.Name}' has {tr.BinSeconds} s bins but the model was fitted at {Model.BinSeconds} s: import it with -BinSeconds {Model.BinSeconds}.");
                        features.Add(TrainingWorkload.FromEngineState(tr, EngineState![i]));
                    }
                    double? lag = double.IsNaN(WorkloadLagSeconds) ? (double?)null : WorkloadLagSeconds;
                    WriteVerbose("Path Features: the engine-state series' per-bin workload features drive the model directly over each whole trace "
                        + "(no serving emulator; Invoke-TraceSynthesis has no engine-state input, so no synthesis reproduces these numbers).");
                    WriteVerbose($"Workload lag applied to the logs: {lag ?? Model!.WorkloadLagSeconds} s ({(lag.HasValue ? "given" : "the model's")}).");
                    WriteVerbose($"Evaluating {Model!.Configuration} ({Model.StateCount} states) on {_traces.Count} trace(s) x {Seeds} seed(s) from seed {Seed}.");
                    rows = EvaluateWithProgress((model, traces, seeds, seed, token, progress) =>
                        PowerModelEvaluator.Evaluate(model, traces, features, seeds, seed, token, lag, progress));
                }
                WriteVerbose($"Evaluated {rows.Count} row(s) in {clock.Elapsed.TotalSeconds:0.00} s.");
                foreach (var r in rows) WriteObject(r);
            }
            catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is OperationCanceledException || ex is ArgumentException)
            {
                CompleteProgress();
                ThrowCoreError(ex, null);
            }
        }

        private delegate IReadOnlyList<PowerModelFidelity> Evaluation(PowerModel model, PowerSeries[] traces, int seeds, ulong seed, CancellationToken token, Action<int, int> progress);

        /// <summary>
        /// Runs the evaluation on a task and reports its progress (trace × seed syntheses done) from the pipeline
        /// thread until it ends; Ctrl+C cancels it through <see cref="PowerTraceCmdlet.CancellationToken"/>.
        /// </summary>
        private IReadOnlyList<PowerModelFidelity> EvaluateWithProgress(Evaluation evaluate)
        {
            var model = Model!;
            var traces = _traces.ToArray();
            int seeds = Seeds;
            ulong seed = Seed;
            var token = CancellationToken;
            long packed = 0; // done << 32 | total, written by the task, read here
            ReportProgress("Test-PowerModel", $"Synthesizing {traces.Length} trace(s) x {seeds} seeds", 0);
            var task = Task.Run(() => evaluate(model, traces, seeds, seed, token,
                (done, total) => Interlocked.Exchange(ref packed, ((long)done << 32) | (uint)total)));
            try
            {
                while (!task.Wait(250))
                {
                    long p = Interlocked.Read(ref packed);
                    int done = (int)(p >> 32), total = (int)(p & 0xFFFFFFFF);
                    if (total > 0) ReportProgress("Test-PowerModel", $"Synthesized {done} of {total} (trace x seed)", (double)done / total);
                }
            }
            catch (AggregateException) { }
            CompleteProgress();
            if (task.IsCanceled || (task.Exception?.InnerException is OperationCanceledException && token.IsCancellationRequested))
                throw new PipelineStoppedException();
            if (task.Exception != null)
            {
                var inner = task.Exception.InnerException ?? task.Exception;
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            }
            return task.Result;
        }

        /// <summary>
        /// The model's training trace that <paramref name="trace"/> overlaps (same power file name, overlapping
        /// time span), or null. File names, not full paths, are compared so that a model fitted on another
        /// machine is still recognised; the time spans are the recorded UTC times.
        /// </summary>
        internal static TrainingTrace? TrainedOn(PowerModel model, PowerSeries trace)
        {
            if (trace.Metadata.SourceFiles.Count == 0) return null;
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string f in trace.Metadata.SourceFiles)
                if (!string.IsNullOrEmpty(f)) names.Add(System.IO.Path.GetFileName(f));
            foreach (var fit in model.Provenance.Traces)
            {
                if (string.IsNullOrEmpty(fit.PowerFile) || !names.Contains(System.IO.Path.GetFileName(fit.PowerFile!))) continue;
                if (trace.StartUtc < fit.EndUtc && fit.StartUtc < trace.EndUtc) return fit;
            }
            return null;
        }
    }
}
