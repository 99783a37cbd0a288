using PowerTrace.Core.Import;
using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using Xunit;
using Xunit.Abstractions;

namespace PowerTrace.Tests.Model;

/// <summary>
/// Real measurements (../shared/data/llmservingsim-a6000): RTX A6000, vLLM, Llama-3.1-8B, three pulses of
/// 10 ShareGPT requests. Fit on the first two pulses, test on the held-out third (from 13 s before it starts).
/// </summary>
public class RealDataModelTests
{
    private readonly ITestOutputHelper _out;
    public RealDataModelTests(ITestOutputHelper output) => _out = output;

    /// <summary>13 s before the third pulse: the first engine sample with prompt work after a quiet minute, the third time.</summary>
    internal static DateTime Split(EngineStateSeries e)
    {
        int pulses = 0;
        for (int i = 0; i < e.Count; i++)
        {
            bool start = e.PromptTokensPerSecond[i] > 0 && (i == 0 || e.TimeSeconds[i] - e.TimeSeconds[i - 1] > 30);
            if (start && ++pulses == 3) return e.StartUtc.AddSeconds(e.TimeSeconds[i] - 13);
        }
        throw new InvalidOperationException("Fewer than three pulses in the engine log.");
    }

    private static string A6000(string f) => TestData.Path_("llmservingsim-a6000", "raw_data", f);

    internal static (PowerSeries trace, EngineStateSeries engine) Load(int tp)
    {
        var trace = PowerTraceReader.Read(A6000($"gpu_power_log_tp{tp}.txt"), new PowerImportOptions { GpuType = "RTX A6000", ModelName = "Llama-3.1-8B-Instruct", TensorParallel = tp })[0];
        var engine = VllmLogReader.Read(A6000($"vllm_pulse_power_tp{tp}.txt"), new VllmLogOptions { Year = 2025, TimeOffset = TimeSpan.FromHours(8) });
        return (trace, engine);
    }

    [Theory]
    // The power trails the vLLM engine log (whole-second log times describing the interval ending there; nvidia-smi
    // averages about a second): agreement of work-in-flight with power above the idle/busy midpoint peaks at these lags.
    // (2.5 and 1.75 s while an interval whose request finished mid-way was read as idle: offsets looked late.)
    [InlineData(1, 1.75)]
    [InlineData(2, 1.25)]
    public void Workload_lag_is_estimated_from_the_recording(int tp, double expectedSeconds)
    {
        var (trace, engine) = Load(tp);
        Assert.Equal(expectedSeconds, WorkloadLag.Estimate(new[] { Input(trace, engine) }), 6);
    }

    internal static PowerModelTrainingInput Input(PowerSeries trace, EngineStateSeries engine)
        => new PowerModelTrainingInput(trace, WorkloadFeatureBuilder.FromEngineState(engine, trace.StartUtc, trace.BinSeconds, trace.BinCount, idleOutsideSpan: true), engine.SourceFile);

    /// <summary>The engine samples logged before <paramref name="endUtc"/>: what was known at the split.</summary>
    internal static EngineStateSeries Before(EngineStateSeries e, DateTime endUtc)
    {
        int n = 0;
        while (n < e.Count && e.StartUtc.AddSeconds(e.TimeSeconds[n]) < endUtc) n++;
        T[] Head<T>(T[] a) { var r = new T[n]; Array.Copy(a, r, n); return r; }
        return new EngineStateSeries(e.Name, e.StartUtc, Head(e.TimeSeconds), Head(e.Running), Head(e.Waiting), Head(e.PromptTokensPerSecond),
            Head(e.GenerationTokensPerSecond), Head(e.KvCacheUsagePercent), e.SourceFile);
    }

    internal static void Print(ITestOutputHelper o, string label, IReadOnlyList<PowerModelFidelity> rows)
    {
        foreach (var r in rows)
            o.WriteLine($"{label} {r.Method,-12} energy {r.EnergyErrorPercent,6:F2} %  ACF R2 {r.AcfRSquared,6:F3}  KS {r.KsStatistic:F3}  NRMSE {r.Nrmse:F3}  P95 {r.P95ErrorPercent:F2} %  P99 {r.P99ErrorPercent:F2} %  ({r.Bins} bins)");
    }

    [Theory]
    // Everything the model sees comes from before the split: the power bins, the engine samples the features and the
    // serving profile are learned from. Measured (5 seeds, median; 270 and 222 held-out bins, one ~67 s pulse each),
    // lag estimated from the training span (TP1 1.5 s, TP2 1.25 s); with the work-power curve:
    // TP1 energy 2.37 %, ACF R² 0.996, KS 0.207, NRMSE 0.075, P99 0.28 %; TP2 energy 1.45 %, ACF R² 0.993, KS 0.230,
    // NRMSE 0.070, P99 3.02 % (states only, before the curve: TP1 1.08 % / 0.997 / 0.222 / 0.088; TP2 4.12 % / 0.939 / 0.203 / 0.135).
    // KS is dominated by the level of the post-work power hold, which drifts upward pulse by pulse (TP1 89.0, 90.1,
    // then ~91 W held out). ACF over 50 lags on ~250 bins is weak evidence: see Whole_other_run_per_gpu.
    [InlineData(1, 3.0, 0.95, 0.27, 0.11)]
    [InlineData(2, 6.5, 0.88, 0.25, 0.16)]
    public void Held_out_third_pulse_energy_and_autocorrelation(int tp, double maxEnergyErrorPercent, double minAcfR2, double maxKs, double maxNrmse)
    {
        var (trace, engine) = Load(tp);
        DateTime splitUtc = Split(engine);
        int split = (int)Math.Round((splitUtc - trace.StartUtc).TotalSeconds / trace.BinSeconds);
        var train = trace.Slice(0, split);
        var test = trace.Slice(split, trace.BinCount - split);
        var known = Before(engine, splitUtc);
        Assert.True(known.Count < engine.Count);
        var profile = ServingProfileLearner.FromEngineState(known);
        var model = PowerModelFitter.Fit(new[] { Input(train, known) }, profile);
        _out.WriteLine($"TP{tp} workload lag {model.WorkloadLagSeconds} s; profile from {known.Count} of {engine.Count} engine samples");
        foreach (var s in model.States)
            _out.WriteLine($"TP{tp} {s.Name,-10} {s.MeanWatts,7:F1} W ± {s.StdWatts,5:F1}  share {s.Share:F3}  ar1 {s.Ar1:F2}  [{s.MinWatts:F1}, {s.MaxWatts:F1}]");
        // The held-out pulse's own engine log drives the synthesis (as Test-PowerModel does with a user's held-out log).
        var testInput = Input(test, engine);
        var rows = PowerModelEvaluator.Evaluate(model, new[] { test }, new[] { testInput.Features }, seeds: 5);
        Print(_out, $"TP{tp} held-out", rows);
        var m = rows.Single(r => r.Method == "PowerModel");
        Assert.InRange(m.EnergyErrorPercent, 0, maxEnergyErrorPercent);
        Assert.InRange(m.AcfRSquared, minAcfR2, 1.0);
        Assert.InRange(m.KsStatistic, 0, maxKs);
        Assert.InRange(m.Nrmse, 0, maxNrmse);
        // Beats TDP sizing on energy; beats the constant mean on the distribution (a flat line can be lucky on energy).
        var mean = rows.Single(r => r.Method == "ConstantMean");
        Assert.True(m.EnergyErrorPercent < rows.Single(r => r.Method == "ConstantTdp").EnergyErrorPercent);
        Assert.True(m.KsStatistic < mean.KsStatistic);
        Assert.True(m.P99ErrorPercent < mean.P99ErrorPercent);
    }

    [Theory]
    // A longer honest window: fit on the whole of one recording, test on the whole of the other run (same GPU and served
    // model, other TP degree: the model is derived to the other TP degree and viewed per GPU, since the TP2 power log
    // records GPU 0 only), synthesizing from that run's own engine log. Nothing of the test run is seen by the fit.
    // Measured with the work-power curve (5 seeds, median): TP1->TP2 (689 bins) energy 2.20 %, ACF R² 0.992, KS 0.222,
    // NRMSE 0.108, P99 0.45 %; TP2->TP1 (733 bins) energy 0.52 %, ACF R² 0.995, KS 0.235, NRMSE 0.101, P99 0.29 %.
    // (States only, before the curve: 2.20 % / 0.990 / 0.225 / 0.120 and 0.46 % / 0.999 / 0.194 / 0.115.)
    [InlineData(1, 2, 4.0, 0.95, 0.26, 0.15)]
    [InlineData(2, 1, 2.0, 0.97, 0.25, 0.14)]
    public void Whole_other_run_per_gpu(int fromTp, int toTp, double maxEnergyErrorPercent, double minAcfR2, double maxKs, double maxNrmse)
    {
        var (src, srcEngine) = Load(fromTp);
        var source = PowerModelFitter.Fit(new[] { Input(src, srcEngine) }, ServingProfileLearner.FromEngineState(srcEngine), new PowerModelFitOptions { GpuCount = 1 });
        var derived = PowerTrace.Core.Derivation.PowerModelDeriver.Derive(new[] { source },
            new PowerTrace.Core.Derivation.DerivationTarget(PowerTrace.Core.Hardware.GpuCatalog.Find("RTX A6000"), toTp, 8.03e9, modelName: "Llama-3.1-8B-Instruct"));
        var perGpu = PowerTrace.Core.Derivation.ModelVariants.PerGpu(derived);
        var (trace, engine) = Load(toTp);
        var rows = PowerModelEvaluator.Evaluate(perGpu, new[] { trace }, new[] { Input(trace, engine).Features }, seeds: 5);
        Print(_out, $"TP{fromTp}->TP{toTp} whole run", rows);
        var m = rows.Single(r => r.Method == "PowerModel");
        Assert.True(m.Bins > 600, $"{m.Bins} bins"); // 2.5x the held-out pulse
        Assert.InRange(m.EnergyErrorPercent, 0, maxEnergyErrorPercent);
        Assert.InRange(m.AcfRSquared, minAcfR2, 1.0);
        Assert.InRange(m.KsStatistic, 0, maxKs);
        Assert.InRange(m.Nrmse, 0, maxNrmse);
        var mean = rows.Single(r => r.Method == "ConstantMean");
        Assert.True(m.KsStatistic < mean.KsStatistic);
        Assert.True(m.P99ErrorPercent < mean.P99ErrorPercent);
    }
}
