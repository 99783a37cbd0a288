@{
    Synopsis    = 'Fits a power model of one serving configuration (GPU type x model x tensor-parallel degree) to measured node power traces and the workload recorded beside them.'
    Description = @'
New-PowerModel learns the compositional model of the published study (Wilkins et al., arXiv 2603.18383) from measured node power: a one-dimensional Gaussian mixture over the traces' watts gives the power states (the number chosen by BIC between -MinStates and -MaxStates, or fixed by -StateCount); every bin is labelled with its state; the transitions between states are counted per workload context of the next bin (requests in flight, new arrivals, prompt tokens being prefilled, decode batch size); and power within each state is a Gaussian with AR(1) persistence. States are sorted by mean power and named idle, prefill or decode by the workload most of their bins saw (idle-2, decode-2 and so on when several states share a name).

Power within a state follows the work in flight. When the served model's size is known (-ModelName with a catalog name such as Llama-3.1-8B or Qwen3-8B, or a size in the name such as 'my-model-14B' or 'x-30B-A3B'), the fit first learns the configuration's work-power curve (the model's WorkPower): node watts = GPUs x (idle x (1 - busy share) + busy floor x busy share) + W per TB/s x memory traffic (weights read per decode step x steps per second) + W per TFLOP/s x arithmetic (2 x active parameters per token), capped at the board's power limit and seen through the power meter (nvidia-smi power.draw: instantaneous on A100, a 1 s average on other Ampere and newer GPUs; -MeterSeconds). The three coefficients are fitted by least squares on the busy bins, shrunk toward the GPU's published calibration where the data cannot tell them apart; -Verbose reports them with the fit's R-squared. The states are then fitted to what the curve leaves unexplained (the standby hold after work, bursts, noise), so their watts are offsets from the curve, and a synthesized bin is the curve at that bin's work plus its state's offset: decode power climbs with the batch and prefill power with the prompt tokens, in traffic the training never saw. -StatesOnly fits states with absolute watts instead (the method of the published study).

Each trace must be paired with the workload recorded at the same time: a request log (-Requests, from Import-RequestTrace) or an engine-state series (-EngineState, from Import-EngineState, e.g. vLLM's 1 Hz logger lines), one per trace, in the same order. A request log without a UTC start is taken to start with its trace; requests without measured TTFT and latency are emulated with the serving profile (prefill and decode rates, concurrency limit) learned from the longest log or series. Engine-state time outside the series counts as idle (vLLM logs nothing while idle).

All traces must share one bin width, which becomes the model's bin (Import-PowerTrace bins at 0.25 s by default), and one configuration: traces whose GPU type, GPU count, model or TP degree disagree are refused. Traces are accumulated from the pipeline and the model is fitted once, after the last one. The model is written to the pipeline and, with -Path, also saved as JSON (as Export-PowerModel writes it). As with Export-PowerModel, an existing -Path file is kept unless -Force is given (FileExists, checked before the fit); -WhatIf and -Confirm apply to the file write only: under -WhatIf the model is still fitted and returned, and nothing is written.
'@
    Parameters  = @{
        From              = 'Derive parameter set: the source models to derive from (measured fits from New-PowerModel, saved models from Import-PowerModel, or reference models from Get-PowerModel); accepts pipeline input. Several sources of one GPU at different tensor-parallel degrees are interpolated rather than scaled from one. With only -Bound, returns the Low or High variant of a derived model.'
        Gpu               = 'Derive: the target GPU, by name or alias from the GPU catalog (A100-40GB, A100-80GB, H100, H200, B200, L40S, MI300X, RTX A6000; tab-completed). An unknown GPU fails with UnknownGpu. Default: the source''s GPU.'
        GpuCount          = 'Derive: GPUs per node of the target, a multiple of -TensorParallel (default: equal to it, one replica per node); otherwise InvalidTensorParallel.'
        Parameters        = 'Derive: total parameters of the target model, e.g. 70e9 (default: the source''s, from the model catalog). Zero or negative fails with InvalidModelSize; weights that do not fit the GPUs'' memory fail with ModelDoesNotFit.'
        ActiveParameters  = 'Derive: parameters active per token for a mixture-of-experts model (default: all parameters). Decode and prefill rates scale with the active parameters.'
        BytesPerParameter = 'Bytes per weight (2 = BF16, 1 = 8-bit weights; default 2). Derive: of the target; sets the bytes read per decode step and the memory check. Fit: of the measured model; sets the memory traffic of its work-power curve.'
        StatesOnly        = 'Fit states with absolute watts only, without the work-power curve: power within a state then does not follow the work in flight (the published study''s method; kept for comparison).'
        MeterSeconds      = 'Width of the power meter''s average in the training traces, seconds (0 = instantaneous readings, 0 to 60). Default: the GPU''s nvidia-smi power.draw behaviour, instantaneous on A100 (GA100) and a 1 s average on other Ampere and newer GPUs. Synthesis reproduces the same meter so synthesized traces compare with the recordings.'
        Layers            = 'Derive: transformer layers of the target model (default: from the model catalog, else estimated from the size); enters the tensor-parallel communication term of the rate rule.'
        Bound             = 'Derive: Low, Central (default) or High end of the derived model''s uncertainty band on state powers and token rates. Synthesize with Low and High to show a planner a range.'
        Trace           = 'Measured node power traces of one configuration (PowerSeries, usually from Import-PowerTrace), all at the same bin width. Accepts pipeline input; NaN bins (gaps) are skipped.'
        Requests        = 'Request logs (from Import-RequestTrace), one per trace in the same order, recorded while the trace was measured. Each must have requests within its trace (WorkloadDoesNotOverlapTrace).'
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
        WorkloadLagSeconds = 'Seconds the measured power trails the workload log (-600 to 600, rounded to whole bins). Each power bin is labelled with the workload that far earlier, because logs and meters do not describe the same instant (vLLM logs whole-second times for the interval ending there; nvidia-smi averages about a second). Default: estimated from the traces, between -4 and +8 s, as the shift at which work in flight best agrees with power above the idle/busy midpoint; -Verbose reports it. Stored in the model (WorkloadLagSeconds) and applied by Test-PowerModel -EngineState to measured engine-state series; synthesis from requests never applies it, nor does Test-PowerModel -Requests, which scores that synthesis.'
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
            Code    = "`$power | New-PowerModel -EngineState `$engine -StateCount 4 -Seed 7 -TdpWattsPerGpu 250"
            Remarks = 'Fixes the number of states instead of choosing it by BIC, changes the seed of the mixture fit, and declares a 250 W power cap as the nameplate.'
        }
        @{
            Code    = "`$n = `$power.BinCount; `$half = [int](`$n / 2)`n`$fit = `$power.Slice(0, `$half, 'first half'); `$heldOut = `$power.Slice(`$half, `$n - `$half, 'second half')`n`$model = `$fit | New-PowerModel -EngineState `$engine`n`$heldOut | Test-PowerModel -Model `$model -EngineState `$engine"
            Remarks = 'Fits on the first half of the recording and measures fidelity on the second half, which the fit never saw.'
        }
    )
    Notes       = @'
Error ids: FileExists (the -Path file exists and -Force was not given; checked before the fit), NoTrainingData (no trace), WorkloadCountMismatch (not one workload per trace), WorkloadDoesNotOverlapTrace (a workload recorded at another time), BinWidthMismatch (traces at different bin widths), ConfigurationMismatch (traces of different configurations), InvalidStateRange (-MinStates above -MaxStates), ModelHasNoStates (fewer than two measured bins); IOError or AccessDenied when -Path cannot be written; OperationStopped on Ctrl+C.

Units: watts and seconds; the model's BinSeconds is the traces' bin width, and Invoke-TraceSynthesis synthesizes at that bin. Node power is the sum of the tensor-parallel group's GPUs, so IdleWatts and NameplateWatts are per node (per-GPU value x GPU count).

Determinism: the fit depends only on the traces, the workloads and -Seed; Provenance records the training files, their spans and the creation time.
'@
    Links       = @('Export-PowerModel', 'Import-PowerModel', 'Test-PowerModel', 'Invoke-TraceSynthesis', 'Import-PowerTrace', 'Import-EngineState', 'Import-RequestTrace')
}
