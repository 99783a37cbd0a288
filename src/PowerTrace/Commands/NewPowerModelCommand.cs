using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Hardware;
using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// New-PowerModel: fits the compositional power model (Gaussian-mixture states, workload-conditioned
    /// transitions, AR(1) power within a state) to measured node power traces, each paired with the request
    /// log or engine-state series recorded at the same time; or (-From) derives one for a configuration nobody measured
    /// from measured or reference models and the target's facts (PowerModelDeriver), or gives a derived model's
    /// Low/High variant (-Bound).
    /// </summary>
    [Cmdlet(VerbsCommon.New, "PowerModel", DefaultParameterSetName = RequestsSet, SupportsShouldProcess = true)]
    [OutputType(typeof(PowerModel))]
    public sealed class NewPowerModelCommand : PowerTraceCmdlet
    {
        private const string RequestsSet = "Requests";
        private const string EngineStateSet = "EngineState";
        private const string DeriveSet = "Derive";
        private readonly List<PowerSeries> _traces = new List<PowerSeries>();
        private readonly List<PowerModel> _from = new List<PowerModel>();

        /// <summary>Measured node power traces of one configuration (pipeline).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = RequestsSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = EngineStateSet)]
        [ValidateNotNull]
        public PowerSeries[]? Trace { get; set; }

        /// <summary>Source models to derive from (measured fits or reference models; pipeline).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = DeriveSet)]
        [ValidateNotNull]
        public PowerModel[]? From { get; set; }

        /// <summary>Target GPU (GPU catalog name or alias, e.g. H100, A100-80GB, H200, MI300X); default the source's GPU.</summary>
        [Parameter(ParameterSetName = DeriveSet)]
        [ArgumentCompleter(typeof(GpuNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Gpu { get; set; }

        /// <summary>GPUs per node of the target: a multiple of -TensorParallel (default: equal to it, one replica per node).</summary>
        [Parameter(ParameterSetName = DeriveSet)]
        [ValidateRange(1, 1024)]
        public int GpuCount { get; set; }

        /// <summary>Total parameters of the target model, e.g. 70e9 (default: the source's, from the model catalog); for a fit, of the measured model (default: from -ModelName).</summary>
        [Parameter(ParameterSetName = DeriveSet)]
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        public double Parameters { get; set; } = double.NaN;

        /// <summary>Parameters active per token for a mixture-of-experts model (default: all); for a fit, of the measured model.</summary>
        [Parameter(ParameterSetName = DeriveSet)]
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        public double ActiveParameters { get; set; } = double.NaN;

        /// <summary>Bytes per weight of the target, or of the measured model for its work-power curve (2 = BF16, 1 = 8-bit weights; default 2).</summary>
        [Parameter(ParameterSetName = DeriveSet)]
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        [ValidateRange(0.125, 8.0)]
        public double BytesPerParameter { get; set; } = 2;

        /// <summary>Fit states only, without the work-power curve (power within a state then does not follow the work in flight).</summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        public SwitchParameter StatesOnly { get; set; }

        /// <summary>
        /// Width of the power meter's trailing average in the training traces, seconds (0 = instantaneous readings); default: the
        /// GPU's nvidia-smi power.draw behaviour (instantaneous on A100, a 1 s average on other Ampere and newer GPUs).
        /// </summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        [ValidateRange(0.0, 60.0)]
        public double MeterSeconds { get; set; } = double.NaN;

        /// <summary>Transformer layers of the target model (default: from the model catalog, else estimated from the size).</summary>
        [Parameter(ParameterSetName = DeriveSet)]
        [ValidateRange(1, 10000)]
        public int Layers { get; set; }

        /// <summary>Low, Central (default) or High end of the derived model's uncertainty band.</summary>
        [Parameter(ParameterSetName = DeriveSet)]
        public ModelBound Bound { get; set; } = ModelBound.Central;

        /// <summary>Request logs, one per trace, in the same order.</summary>
        [Parameter(Mandatory = true, ParameterSetName = RequestsSet)]
        [ValidateNotNull]
        public RequestTrace[]? Requests { get; set; }

        /// <summary>
        /// Serving rates to search around when the request logs have no measured TTFT and end-to-end latency (e.g. the
        /// ServingProfile of a reference model); default: derived for -GpuType/-ModelName/-TensorParallel (or the traces'
        /// metadata) from the published rate anchors, else a generic prior.
        /// </summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [ValidateNotNull]
        public ServingProfile? RatePrior { get; set; }

        /// <summary>Engine-state series (e.g. from Import-EngineState), one per trace, in the same order.</summary>
        [Parameter(Mandatory = true, ParameterSetName = EngineStateSet)]
        [ValidateNotNull]
        public EngineStateSeries[]? EngineState { get; set; }

        /// <summary>Fixed number of states (else chosen by BIC over MinStates..MaxStates).</summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        [ValidateRange(1, PowerModel.MaxStates)]
        public int StateCount { get; set; }

        /// <summary>Smallest state count the BIC sweep tries (default 3).</summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        [ValidateRange(1, PowerModel.MaxStates)]
        public int MinStates { get; set; } = 3;

        /// <summary>Largest state count the BIC sweep tries (default 12).</summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        [ValidateRange(1, PowerModel.MaxStates)]
        public int MaxStates { get; set; } = 12;

        /// <summary>Seed of the mixture fit's random starts.</summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        public ulong Seed { get; set; } = 1;

        /// <summary>GPU type (overrides the traces' metadata).</summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        public string? GpuType { get; set; }

        /// <summary>Served model name (overrides the traces' metadata).</summary>
        [Parameter]
        public string? ModelName { get; set; }

        /// <summary>Tensor-parallel degree (overrides the traces' metadata).</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int TensorParallel { get; set; }

        /// <summary>Idle watts per GPU (default: measured with nothing in flight).</summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        [ValidateRange(0.0, 100000.0)]
        public double IdleWattsPerGpu { get; set; } = double.NaN;

        /// <summary>TDP watts per GPU (default: the GPU type's nominal TDP, else the highest measured bin).</summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        [ValidateRange(0.0, 100000.0)]
        public double TdpWattsPerGpu { get; set; } = double.NaN;

        /// <summary>
        /// Seconds the measured power trails the workload log (rounded to whole bins); default: estimated from the
        /// traces (between -4 and +8 s; reported under -Verbose). Stored in the model and applied by Test-PowerModel -EngineState.
        /// </summary>
        [Parameter(ParameterSetName = RequestsSet)]
        [Parameter(ParameterSetName = EngineStateSet)]
        [ValidateRange(-WorkloadLag.MaxAbsSeconds, WorkloadLag.MaxAbsSeconds)]
        public double WorkloadLagSeconds { get; set; } = double.NaN;

        /// <summary>Also save the model to this JSON file (-WhatIf/-Confirm apply to this write only).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Overwrite an existing -Path file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (Trace != null) _traces.AddRange(Trace);
            if (From != null) _from.AddRange(From);
        }

        protected override void EndProcessing()
        {
            // The file is checked before the fit; -WhatIf skips only the write (the model is still fitted and returned).
            string? savePath = null;
            if (Path != null)
            {
                string full = ResolveOutputPath(Path);
                if (ShouldProcess(full, "Save power model"))
                {
                    if (File.Exists(full) && !Force)
                        ThrowTerminatingError(new ErrorRecord(new IOException($"'{full}' exists; use -Force to overwrite it."), "FileExists", ErrorCategory.ResourceExists, full));
                    savePath = full;
                }
            }
            if (ParameterSetName == DeriveSet) { EndDerive(savePath); return; }
            try
            {
                if (_traces.Count == 0)
                    throw new InvalidSettingException("NoTrainingData", "Trace", "No power traces were given to fit a model on.");
                TrainingWorkload.RequireOnePerTrace(_traces.Count, Requests, EngineState, ParameterSetName);
                for (int i = 0; i < _traces.Count; i++)
                    WriteVerbose($"Training trace {i + 1} of {_traces.Count}: '{_traces[i].Name}', {_traces[i].BinCount:N0} bins of {_traces[i].BinSeconds} s ({_traces[i].ValidBinCount:N0} valid, {_traces[i].DurationSeconds:0.#} s from {_traces[i].StartUtc:u}); workload "
                        + (Requests != null ? $"{Requests[i].Count:N0} requests" : $"{EngineState![i].Count:N0} engine-state samples") + ".");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                ServingProfile profile = LearnProfile();
                WriteVerbose($"Serving profile: {profile}.");
                var inputs = new List<PowerModelTrainingInput>();
                for (int i = 0; i < _traces.Count; i++)
                {
                    ReportProgress("New-PowerModel", $"Workload features of {_traces[i].Name}", 0.5 * i / _traces.Count);
                    var f = TrainingWorkload.ForTrace(_traces[i], i, Requests, EngineState, profile);
                    inputs.Add(new PowerModelTrainingInput(_traces[i], f, Requests != null ? Requests[i].SourceFile : EngineState![i].SourceFile));
                }
                ReportProgress("New-PowerModel", "Fitting states and transitions", 0.5);
                var options = new PowerModelFitOptions
                {
                    StateCount = MyInvocation.BoundParameters.ContainsKey(nameof(StateCount)) ? StateCount : (int?)null,
                    MinStates = MinStates,
                    MaxStates = MaxStates,
                    Seed = Seed,
                    GpuType = GpuType,
                    ModelName = ModelName,
                    TensorParallel = MyInvocation.BoundParameters.ContainsKey(nameof(TensorParallel)) ? TensorParallel : (int?)null,
                    IdleWattsPerGpu = double.IsNaN(IdleWattsPerGpu) ? (double?)null : IdleWattsPerGpu,
                    TdpWattsPerGpu = double.IsNaN(TdpWattsPerGpu) ? (double?)null : TdpWattsPerGpu,
                    WorkloadLagSeconds = double.IsNaN(WorkloadLagSeconds) ? (double?)null : WorkloadLagSeconds,
                    UseWorkPower = StatesOnly.IsPresent ? false : (bool?)null,
                    BytesPerParameter = BytesPerParameter,
                    MeterSeconds = double.IsNaN(MeterSeconds) ? (double?)null : MeterSeconds,
                    Parameters = double.IsNaN(Parameters) ? (double?)null : Parameters,
                    ActiveParameters = double.IsNaN(ActiveParameters) ? (double?)null : ActiveParameters,
                };
                if (options.TensorParallel.HasValue && _traces[0].Metadata.GpuCount <= 0) options.GpuCount = options.TensorParallel;
                var model = PowerModelFitter.Fit(inputs, profile, options, CancellationToken);
                CompleteProgress();
                WriteVerbose(options.StateCount.HasValue
                    ? $"States: {model.StateCount} (fixed by -StateCount; seed {Seed})."
                    : $"States: {model.StateCount}, chosen by BIC over {MinStates}..{MaxStates} (seed {Seed}).");
                WriteVerbose(model.WorkPower != null
                    ? model.WorkPower.Source + " State watts are offsets from this curve."
                    : StatesOnly.IsPresent ? "Work power: not fitted (-StatesOnly); states carry absolute watts."
                    : "Work power: not fitted (the served model's size is unknown: give -ModelName with a catalog name or a size such as '-8B'); states carry absolute watts.");
                foreach (var st in model.States) WriteVerbose($"  State {st}.");
                WriteVerbose($"Fitted {model.Configuration} at {model.BinSeconds} s bins in {clock.Elapsed.TotalSeconds:0.00} s.");
                WriteVerbose(options.WorkloadLagSeconds.HasValue
                    ? $"Workload lag: {model.WorkloadLagSeconds} s (given; power bins are labelled with the workload that far earlier)."
                    : $"Workload lag: {model.WorkloadLagSeconds} s (estimated: the measured power trails the workload log by that much; override with -WorkloadLagSeconds).");
                if (savePath != null)
                {
                    PowerModelJson.Save(model, savePath);
                    WriteVerbose($"Saved the model to {savePath}.");
                }
                WriteObject(model);
            }
            catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException || ex is OperationCanceledException || ex is ArgumentException)
            {
                CompleteProgress();
                ThrowCoreError(ex, null);
            }
        }

        private void EndDerive(string? savePath)
        {
            try
            {
                var bound = MyInvocation.BoundParameters;
                bool retarget = bound.ContainsKey(nameof(Gpu)) || bound.ContainsKey(nameof(TensorParallel)) || bound.ContainsKey(nameof(Parameters))
                    || bound.ContainsKey(nameof(GpuCount)) || bound.ContainsKey(nameof(ModelName)) || bound.ContainsKey(nameof(ActiveParameters))
                    || bound.ContainsKey(nameof(BytesPerParameter)) || bound.ContainsKey(nameof(Layers));
                if (_from.Count == 0)
                    throw new InvalidSettingException("NoSourceModel", "From", "No source model was given: derive from at least one measured (or reference) power model.");
                PowerModel model;
                if (!retarget)
                {
                    if (_from.Count != 1)
                        throw new InvalidSettingException("NoTargetGiven", "Gpu", "Several source models but no target: give -Gpu, -TensorParallel or -Parameters to derive one model from them.");
                    model = ModelVariants.WithBound(_from[0], Bound);
                    WriteVerbose($"{Bound} variant of {_from[0].Configuration}.");
                }
                else
                {
                    var src = _from[0].Configuration;
                    var gpu = GpuCatalog.Find(Gpu ?? src.GpuType);
                    int tp = bound.ContainsKey(nameof(TensorParallel)) ? TensorParallel : src.TensorParallel;
                    string? name = ModelName;
                    double p = Parameters;
                    if (double.IsNaN(p))
                    {
                        var llm = LlmCatalog.TryFind(ModelName ?? src.ModelName);
                        if (llm == null)
                            throw new InvalidSettingException("InvalidModelSize", "Parameters",
                                $"The target's size is unknown: '{ModelName ?? src.ModelName ?? "(no model name)"}' is not in the model catalog. Give -Parameters (e.g. 70e9).");
                        p = llm.Parameters;
                        if (double.IsNaN(ActiveParameters)) ActiveParameters = llm.ActiveParameters;
                        name ??= src.ModelName;
                    }
                    var target = new DerivationTarget(gpu, tp, p, GpuCount, ActiveParameters, BytesPerParameter, name, Layers);
                    WriteVerbose($"Deriving {target} from {_from.Count} source model(s).");
                    model = PowerModelDeriver.Derive(_from, target);
                    WriteVerbose(model.Provenance.Derivation ?? "");
                    model = ModelVariants.WithBound(model, Bound);
                }
                if (savePath != null)
                {
                    PowerModelJson.Save(model, savePath);
                    WriteVerbose($"Saved the model to {savePath}.");
                }
                WriteObject(model);
            }
            catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                ThrowCoreError(ex, null);
            }
        }

        private ServingProfile LearnProfile()
        {
            if (Requests != null)
            {
                RequestTrace? best = null;
                foreach (var r in Requests) if (ServingProfileLearner.HasLatency(r) && (best == null || r.Count > best.Count)) best = r;
                return best != null ? ServingProfileLearner.FromRequests(best) : InferProfile(Requests);
            }
            EngineStateSeries b = EngineState![0];
            foreach (var s in EngineState) if (s.Count > b.Count) b = s;
            return ServingProfileLearner.FromEngineState(b);
        }
    
        /// <summary>Logs with arrivals and token counts only: serving rates inferred from the power traces (ServingRateInference).</summary>
        private ServingProfile InferProfile(RequestTrace[] logs)
        {
            var meta = _traces[0].Metadata;
            string? gpu = GpuType ?? meta.GpuType;
            string? model = ModelName ?? meta.ModelName;
            int tp = MyInvocation.BoundParameters.ContainsKey(nameof(TensorParallel)) ? TensorParallel : Math.Max(1, meta.TensorParallel);
            ServingProfile prior = RatePrior ?? ServingRatePrior.ForConfiguration(gpu, model, tp) ?? ServingRatePrior.Generic();
            string priorFrom = RatePrior != null ? "given with -RatePrior" + (RatePrior.LearnedFrom.Length > 0 ? " (" + RatePrior.LearnedFrom + ")" : "") : prior.LearnedFrom;
            if (RatePrior != null) prior = new ServingProfile(prior.PrefillTokensPerSecond, prior.DecodeStepsPerSecond, prior.DecodeStepSlowdownPerRequest,
                prior.MaxConcurrentRequests, prior.MaxBatchedPromptTokens, prior.Interleave, priorFrom, prior.PrefillRateIsLowerBound);
            WriteVerbose($"The request log(s) have no measured TTFT and end-to-end latency: inferring the serving rates from the power trace(s) (busy periods against the emulated work in flight). Prior: {prior}; {priorFrom}.");
            ReportProgress("New-PowerModel", "Inferring serving rates from power", 0.0);
            var r = ServingRateInference.Infer(_traces, logs, new RateInferenceOptions
            {
                Prior = prior,
                LagSeconds = double.IsNaN(WorkloadLagSeconds) ? (double?)null : WorkloadLagSeconds,
            }, CancellationToken);
            foreach (var l in r.Levels) WriteVerbose(l.Usable ? $"Busy periods: {l}." : $"Busy periods: '{l.Trace}' skipped ({l.Why}).");
            var inferred = r.All.Where(e => e.Inferred).Select(e => e.Name).ToList();
            WriteVerbose($"Serving rates inferred from power: {(inferred.Count == 0 ? "none (all kept from the prior)" : string.Join(", ", inferred))}; workload lag {r.LagSeconds} s ({(r.LagGiven ? "given" : "searched")}); objective {r.Objective:0.#####} (tolerance {r.Tolerance:0.#####}), {r.Evaluations} emulations.");
            foreach (var e in r.All) WriteVerbose("  " + e + ".");
            return r.Profile;
        }
}
}
