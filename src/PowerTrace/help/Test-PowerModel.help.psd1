@{
    Synopsis    = 'Measures how faithfully a power model reproduces measured traces it was not fitted on, beside the constant-TDP and constant-mean baselines.'
    Description = @'
Test-PowerModel synthesizes each measured trace's own workload through the model with -Seeds different random streams and compares each synthesis with the measurement. It writes, per trace, one row for the model (the median of each metric over the seeds) and one each for two baselines: ConstantTdp (the node's nameplate power, NameplateWatts, all the time) and ConstantMean (the model's mean training power all the time). With more than one trace it adds the same three rows for all traces together, named "(total)". Every row's Path says how the model's trace was made.

With -Requests (Path "Replay") it scores exactly the trace a user gets from Invoke-TraceSynthesis: each request log is replayed once on one server through the model's serving emulator, the synthesis of Invoke-TraceSynthesis -Model <model> -Requests <log> -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 -Resolution <the model's bin> -HorizonSeconds <h> -Seed <k>, bit for bit. Alignment: the log's first arrival is second 0 of the synthesis (as in Invoke-TraceSynthesis); synthesized bin i is compared with measured bin j0 + i, where j0 is the measured bin that holds the first arrival, and the synthesis runs to the end of the measured trace (h = (bins of the trace - j0) x bin). So the measurement is scored from the first arrival on; the synthesized grid runs less than one bin later than the measured one. A log that starts before the trace is replayed from its first arrival and compared where the trace is; a log without UTC times counts its arrival seconds from the trace's start. Seeds: seed number s (0-based) is Invoke-TraceSynthesis -Seed (-Seed + s). No workload lag is applied, since no synthesis applies one. -Verbose prints, per trace, the first arrival, j0, -HorizonSeconds and the seeds, so the synthesis can be rerun with Invoke-TraceSynthesis.

With -EngineState (Path "Features") there are no requests to replay: the series' per-bin workload features (running and waiting requests, token rates) drive the model's states directly over each whole trace, delayed by the workload lag. No synthesis cmdlet takes an engine-state series, so these numbers describe the model's power given the measured workload, not the serving emulator.

The metrics (DESIGN.md, as in the published study): EnergyErrorPercent, 100 |sum of synthesized - sum of measured| / sum of measured; AcfRSquared, how well the autocorrelation over lags 1 to 50 bins is reproduced (1 is perfect; the constant baselines have no autocorrelation to match and score far below); KsStatistic, the two-sample Kolmogorov-Smirnov distance between the power distributions; Nrmse, RMSE / (max - min of the measurement); P95ErrorPercent and P99ErrorPercent, relative errors of the 95th and 99th percentiles; plus Bins, MeasuredMeanWatts and SynthesizedMeanWatts.

Test on traces the model was not fitted on (another recording, or another part of one, e.g. with PowerSeries.Slice): in-sample numbers flatter the model. The command compares each trace with the model's training provenance (Provenance.Traces) and writes a warning that the numbers are in-sample when a trace comes from a training power file (same file name) and its UTC span overlaps that training trace's span; it still reports them. The traces must be of the model's configuration and bin width.
'@
    Parameters  = @{
        Model       = 'The power model to test (from New-PowerModel or Import-PowerModel).'
        Trace       = 'Measured node power traces (PowerSeries) at the model''s bin width, not used for fitting. Accepts pipeline input; all are collected and evaluated after the last one.'
        Requests    = 'Request logs (from Import-RequestTrace), one per trace in the same order, recorded while the trace was measured. Each is replayed as Invoke-TraceSynthesis -Requests -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 replays it and scored from its first arrival on (Path "Replay"); measured TTFT and latency columns are not used.'
        EngineState = 'Engine-state series (from Import-EngineState), one per trace in the same order, recorded while the trace was measured; bins outside a series count as idle. Their per-bin features drive the model over each whole trace (Path "Features").'
        Seeds       = 'Number of random streams each trace is synthesized with (1 to 1000, default 5); the model''s row reports the median of each metric over them.'
        Seed        = 'Master seed (default 1), so the same call gives the same report. With -Requests, seed number s (0-based) is the synthesis of Invoke-TraceSynthesis -Seed (Seed + s); with -EngineState it uses the random stream (Seed, s).'
        WorkloadLagSeconds = 'With -EngineState only: seconds the measured power trails the engine-state series (-600 to 600, rounded to whole bins): the workload features are delayed by this much before the model synthesizes from them. Default: the model''s WorkloadLagSeconds, right when the held-out logs were recorded the way the training logs were; give it when they come from another logging or metering setup. A -Requests replay applies no lag, as no synthesis does.'
    }
    Inputs      = @('PowerTrace.Core.Traces.PowerSeries')
    Examples    = @(
        @{
            Code    = "`$raw = '../shared/data/llmservingsim-a6000/raw_data'`n`$power = Import-PowerTrace `$raw/gpu_power_log_tp1.txt -GpuType 'RTX A6000'`n`$engine = Import-EngineState `$raw/vllm_pulse_power_tp1.txt -Year 2025 -TimeOffset 8:00:00`n`$n = `$power.BinCount; `$half = [int](`$n / 2)`n`$model = `$power.Slice(0, `$half, 'first half') | New-PowerModel -EngineState `$engine`n`$heldOut = `$power.Slice(`$half, `$n - `$half, 'second half')`n`$heldOut | Test-PowerModel -Model `$model -EngineState `$engine"
            Remarks = 'Fits on the first half of the RTX A6000 recording and tests on the second. The model''s energy error is about 8 % against about 216 % for constant TDP and 28 % for constant mean power, and it reproduces the autocorrelation (ACF R-squared about 0.99) where both baselines cannot.'
        }
        @{
            Code    = "`$reqs = Import-RequestTrace ./requests_2.csv`n`$heldOut = Import-PowerTrace ./gpu_power_log_2.csv -GpuType H100-80GB`n`$heldOut | Test-PowerModel -Model `$model -Requests `$reqs -Verbose`n# the same synthesis, seed 1 of the 5 scored (h from the verbose line):`nInvoke-TraceSynthesis -Model `$model -Requests `$reqs -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 -Resolution `$model.BinSeconds -HorizonSeconds `$h -Seed 1"
            Remarks = 'Scores the replay of a held-out request log (Path Replay): the rows are the medians over seeds 1 to 5 of the metrics of exactly what the Invoke-TraceSynthesis call writes, against the measured trace from the bin of the first arrival on. The verbose output gives the first arrival, the measured bin it falls in and -HorizonSeconds.'
        }
        @{
            Code    = "`$heldOut | Test-PowerModel -Model `$model -EngineState `$engine -Seeds 20 -Seed 42 | Where-Object Method -eq PowerModel | Format-List"
            Remarks = 'Medians over 20 seeds instead of 5, with another master seed; shows every metric of the model''s row.'
        }
        @{
            Code    = "`$q = [int](`$n / 4)`n`$third = `$power.Slice(`$half, `$q, 'third quarter'); `$fourth = `$power.Slice(`$half + `$q, `$n - `$half - `$q, 'fourth quarter')`nTest-PowerModel -Model `$model -Trace `$third, `$fourth -EngineState `$engine, `$engine | Where-Object Trace -eq '(total)'"
            Remarks = 'Tests on two held-out traces, each paired with a workload (here the same vLLM log, which spans both), and keeps the three rows over both traces together.'
        }
    )
    Notes       = @'
Warnings: a trace that overlaps a training trace (in-sample). Error ids: WorkloadCountMismatch (not one workload per trace), EmptyRequestTrace (a log with no requests), BinWidthMismatch (a trace at another bin width than the model: import it with Import-PowerTrace -BinSeconds equal to the model's BinSeconds), ConfigurationMismatch (a trace of another GPU type, GPU count, model or TP degree), WorkloadDoesNotOverlapTrace (a workload recorded at another time: no request arrives within the trace); OperationStopped on Ctrl+C. -WorkloadLagSeconds with -Requests is a parameter-set error (AmbiguousParameterSet).

Units: watts; percentages are percent (8 means 8 %); Bins counts the bins compared per run (with -Requests, from the first arrival's bin to the end of the trace).

Determinism: the report depends only on the model, the traces, the workloads, -Seeds and -Seed.
'@
    Links       = @('New-PowerModel', 'Import-PowerModel', 'Invoke-TraceSynthesis')
}
