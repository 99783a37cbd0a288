@{
    Synopsis    = 'Fits a power model of one serving configuration (GPU type x model x tensor-parallel degree) to measured node power traces and the workload recorded beside them.'
    Description = @'
New-PowerModel learns the compositional model of the published study (Wilkins et al., arXiv 2603.18383) from measured node power: a one-dimensional Gaussian mixture over the traces' watts gives the power states (the number chosen by BIC between -MinStates and -MaxStates, or fixed by -StateCount); every bin is labelled with its state; the transitions between states are counted per workload context of the next bin (requests in flight, new arrivals, prompt tokens being prefilled, decode batch size); and power within each state is a Gaussian with AR(1) persistence. States are sorted by mean power and named idle, prefill or decode by the workload most of their bins saw (idle-2, decode-2 and so on when several states share a name).

Each trace must be paired with the workload recorded at the same time: a request log (-Requests, from Import-RequestTrace) or an engine-state series (-EngineState, from Import-EngineState, e.g. vLLM's 1 Hz logger lines), one per trace, in the same order. A request log without a UTC start is taken to start with its trace; requests without measured TTFT and latency are emulated with the serving profile (prefill and decode rates, concurrency limit) learned from the longest log or series. Engine-state time outside the series counts as idle (vLLM logs nothing while idle).

Logs with arrivals and token counts only (Azure, BurstGPT, Mooncake, gateway logs; or benchmark logs with TTFT but no end-to-end latency): when no log has both TTFT and latency, the serving rates are inferred from the power traces themselves. Busy bins are those above the midpoint between the trace's low mode (idle, and the standby level a GPU holds for seconds after work) and its high mode (serving); the serving emulator replays the log with candidate rates, and the rates (and the workload lag, unless -WorkloadLagSeconds is given) that make the emulated work in flight match the busy bins best are kept. The search starts from a prior: -RatePrior, else the rates derived for -GpuType, -ModelName and -TensorParallel (or the traces' metadata) from the published rate anchors, else a generic prior. Each rate is reported with the range over which the mismatch stays within a tolerance of the best; a rate whose range is open or wide (typically the prefill rate at low load, and the per-request decode slowdown) keeps the prior's value. -Verbose says which rates were inferred, from what and how well; the model's ServingProfile.LearnedFrom records the same. The traces need idle gaps: a node busy throughout gives NoBusyPeriodInTrace.

All traces must share one bin width, which becomes the model's bin (Import-PowerTrace bins at 0.25 s by default), and one configuration: traces whose GPU type, GPU count, model or TP degree disagree are refused. Traces are accumulated from the pipeline and the model is fitted once, after the last one. The model is written to the pipeline and, with -Path, also saved as JSON (as Export-PowerModel writes it). As with Export-PowerModel, an existing -Path file is kept unless -Force is given (FileExists, checked before the fit); -WhatIf and -Confirm apply to the file write only: under -WhatIf the model is still fitted and returned, and nothing is written.
'@
    Parameters  = @{
        From              = 'Derive parameter set: the source models to derive from (measured fits from New-PowerModel, saved models from Import-PowerModel, or reference models from Get-PowerModel); accepts pipeline input. Several sources of one GPU at different tensor-parallel degrees are interpolated rather than scaled from one. With only -Bound, returns the Low or High variant of a derived model.'
        Gpu               = 'Derive: the target GPU, by name or alias from the GPU catalog (A100-40GB, A100-80GB, H100, H200, B200, L40S, MI300X, RTX A6000; tab-completed). An unknown GPU fails with UnknownGpu. Default: the source''s GPU.'
        GpuCount          = 'Derive: GPUs per node of the target, a multiple of -TensorParallel (default: equal to it, one replica per node); otherwise InvalidTensorParallel.'
        Parameters        = 'Derive: total parameters of the target model, e.g. 70e9 (default: the source''s, from the model catalog). Zero or negative fails with InvalidModelSize; weights that do not fit the GPUs'' memory fail with ModelDoesNotFit.'
        ActiveParameters  = 'Derive: parameters active per token for a mixture-of-experts model (default: all parameters). Decode and prefill rates scale with the active parameters.'
        BytesPerParameter = 'Derive: bytes per weight of the target (2 = BF16, 1 = 8-bit weights; default 2). Sets the bytes read per decode step and the memory check.'
        Layers            = 'Derive: transformer layers of the target model (default: from the model catalog, else estimated from the size); enters the tensor-parallel communication term of the rate rule.'
        Bound             = 'Derive: Low, Central (default) or High end of the derived model''s uncertainty band on state powers and token rates. Synthesize with Low and High to show a planner a range.'
        Trace           = 'Measured node power traces of one configuration (PowerSeries, usually from Import-PowerTrace), all at the same bin width. Accepts pipeline input; NaN bins (gaps) are skipped.'
        Requests        = 'Request logs (from Import-RequestTrace), one per trace in the same order, recorded while the trace was measured. Each must have requests within its trace (WorkloadDoesNotOverlapTrace). With TTFT and end-to-end latency the serving rates are fitted to them; with arrivals and token counts only they are inferred from the power traces (see the description).'
        RatePrior       = 'Requests parameter set, logs without TTFT and latency only: the serving rates to search around and to keep where the power does not determine them (a ServingProfile, e.g. (Get-PowerModel -Name A100-TP1-8B).ServingProfile); its concurrency limit and step budget are used as they are. Default: derived for the configuration from the published rate anchors when the GPU and model are known, else generic (5,000 prompt tok/s, 40 decode steps/s, 2 % slowdown per request).'
        EngineState     = 'Engine-state series (from Import-EngineState), one per trace in the same order, recorded while the trace was measured; bins outside a series are treated as idle. Align the engine clock with Import-EngineState -TimeOffset.'
        StateCount      = 'Fixed number of power states (1 to 16). Default: chosen by BIC between -MinStates and -MaxStates.'
        MinStates       = 'Smallest state count the BIC sweep tries (1 to 16, default 3). Ignored with -StateCount.'
        MaxStates       = 'Largest state count the BIC sweep tries (1 to 16, default 12). Ignored with -StateCount. Below -MinStates: InvalidStateRange.'
        Seed            = 'Seed of the mixture fit''s random starts (default 1). The same traces, workloads and seed give the same model.'
        GpuType         = 'GPU type, e.g. ''RTX A6000'' or ''H100 SXM''; overrides the traces'' metadata. It also sets the default TDP for the types PowerTrace knows (A6000, A100, H100, H200, B200, L40, A10, L4, V100).'
        ModelName       = 'Served model name, e.g. ''Llama-3.1-8B-Instruct''; overrides the traces'' metadata.'
        TensorParallel  = 'Tensor-parallel degree (1 to 1024); overrides the traces'' metadata, and gives the GPU count when the traces do not know it.'
        IdleWattsPerGpu = 'Idle power of one GPU, watts. Default: the mean measured power in bins with nothing in flight for a while, else the lowest state''s mean, divided by the GPU count.'
        TdpWattsPerGpu  = 'Nameplate (TDP) power of one GPU, watts, used for NameplateWatts and the constant-TDP baseline of Test-PowerModel. Default: the GPU type''s nominal TDP (e.g. 300 W for an RTX A6000, 700 W for an H100 SXM), else the highest measured power divided by the GPU count.'
        WorkloadLagSeconds = 'Seconds the measured power trails the workload log (-600 to 600, rounded to whole bins). Each power bin is labelled with the workload that far earlier, because logs and meters do not describe the same instant (vLLM logs whole-second times for the interval ending there; nvidia-smi averages about a second). Default: estimated from the traces, between -4 and +8 s, as the shift at which work in flight best agrees with power above the idle/busy midpoint; -Verbose reports it. Stored in the model (WorkloadLagSeconds) and applied by Test-PowerModel to measured logs; synthesis from requests never applies it.'
        Path            = 'Also save the model to this JSON file (schema version 1, as Export-PowerModel writes it). An existing file is kept (FileExists) unless -Force is given. Relative paths resolve against the current PowerShell location.'
        Force           = 'Overwrite an existing -Path file. Without it New-PowerModel stops with FileExists before fitting.'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Examples    = @(
        @{
            Code    = "`$h100 = Get-PowerModel -Name H100-TP4-70B`n`$h200 = New-PowerModel -From `$h100 -Gpu H200 -TensorParallel 8 -Parameters 70e9`n`$h200.Provenance.Derivation`n'Low', 'High' | ForEach-Object { New-PowerModel -From `$h200 -Bound `$_ } | Select-Object @{ n = 'Bound'; e = { `$_.Provenance.Uncertainty.Bound } }, IdleWatts, NameplateWatts"
            Remarks = 'Derives a model for a configuration nobody measured (Llama-2-70B on H200 at TP8) from a reference model, prints the rules that were applied, then the low and high variants of its uncertainty band.'
        }
        @{
            Code    = "`$raw = '../shared/data/llmservingsim-a6000/raw_data'`n`$power = Import-PowerTrace `$raw/gpu_power_log_tp1.txt -GpuType 'RTX A6000' -ModelName Llama-3.1-8B-Instruct`n`$engine = Import-EngineState `$raw/vllm_pulse_power_tp1.txt -Year 2025 -TimeOffset 8:00:00`n`$model = New-PowerModel -Trace `$power -EngineState `$engine -TensorParallel 1 -Path ./a6000-tp1.json`n`$model.States | Format-Table"
            Remarks = 'Fits a model to the measured RTX A6000 TP1 recording (nvidia-smi every 200 ms, binned at 0.25 s) with the vLLM log recorded beside it, whose clock runs 8 hours behind the power log. BIC picks five states here, from idle near 33 W to decode near 299 W; the model is also saved to a6000-tp1.json.'
        }
        @{
            Code    = "`$power = Import-PowerTrace ./node-power.csv -GpuType A100-80GB -ModelName Llama-3.1-8B-Instruct`n`$log = Import-RequestTrace ./gateway-requests.csv`n`$model = New-PowerModel -Trace `$power -Requests `$log -TensorParallel 1 -Verbose`n`$model.ServingProfile.LearnedFrom"
            Remarks = 'Fits from a request log that has arrival times and prompt/output tokens only (no TTFT, no latency). The serving rates are inferred from the power trace around the rates derived for an A100 serving an 8B model; -Verbose prints lines such as "Serving rates inferred from power: DecodeStepsPerSecond" and, per rate, "DecodeStepsPerSecond 44.28 steps/s inferred (within tolerance over 43.88 to 45.3; prior 34.8)" or "PrefillTokensPerSecond ... from the prior (not determined: only bounded below ...)".'
        }
        @{
            Code    = "`$power | New-PowerModel -EngineState `$engine -StateCount 4 -Seed 7 -TdpWattsPerGpu 250"
            Remarks = 'Fixes the number of states instead of choosing it by BIC, changes the seed of the mixture fit, and declares a 250 W power cap as the nameplate.'
        }
        @{
            Code    = "`$n = `$power.BinCount; `$half = [int](`$n / 2)`n`$fit = `$power.Slice(0, `$half, 'first half'); `$heldOut = `$power.Slice(`$half, `$n - `$half, 'second half')`n`$model = `$fit | New-PowerModel -EngineState `$engine`n`$heldOut | Test-PowerModel -Model `$model -EngineState `$engine"
            Remarks = 'Fits on the first half of the recording and measures fidelity on the second half, which the fit never saw.'
        }
    )
    Notes       = @'
Error ids: FileExists (the -Path file exists and -Force was not given; checked before the fit), NoTrainingData (no trace), WorkloadCountMismatch (not one workload per trace), WorkloadDoesNotOverlapTrace (a workload recorded at another time; names the log file), NoBusyPeriodInTrace (a log without TTFT and latency, and no trace shows busy periods against idle to infer the serving rates from), BinWidthMismatch (traces at different bin widths), ConfigurationMismatch (traces of different configurations), InvalidStateRange (-MinStates above -MaxStates), ModelHasNoStates (fewer than two measured bins); IOError or AccessDenied when -Path cannot be written; OperationStopped on Ctrl+C.

Units: watts and seconds; the model's BinSeconds is the traces' bin width, and Invoke-TraceSynthesis synthesizes at that bin. Node power is the sum of the tensor-parallel group's GPUs, so IdleWatts and NameplateWatts are per node (per-GPU value x GPU count).

Determinism: the fit depends only on the traces, the workloads and -Seed; Provenance records the training files, their spans and the creation time.
'@
    Links       = @('Export-PowerModel', 'Import-PowerModel', 'Test-PowerModel', 'Invoke-TraceSynthesis', 'Import-PowerTrace', 'Import-EngineState', 'Import-RequestTrace')
}
