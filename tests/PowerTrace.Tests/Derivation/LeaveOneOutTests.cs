using PowerTrace.Core.Derivation;
using PowerTrace.Core.Hardware;
using PowerTrace.Core.Model;
using PowerTrace.Core.Workload;
using PowerTrace.Tests.Model;
using Xunit;
using Xunit.Abstractions;

namespace PowerTrace.Tests.Derivation;

/// <summary>
/// Leave one configuration out on the measured A6000 pair (../shared/data/llmservingsim-a6000, Llama-3.1-8B, vLLM):
/// derive TP2 from the model fitted on the whole TP1 recording and TP1 from the one fitted on TP2, then synthesize the
/// held-out recording's own traffic (engine-state features) and compare. The published TP2 log records GPU 0 only,
/// so every TP2 comparison is per GPU (the derived TP2 node is viewed per GPU with ModelVariants.PerGpu).
/// </summary>
public class LeaveOneOutTests
{
    private readonly ITestOutputHelper _out;
    public LeaveOneOutTests(ITestOutputHelper o) => _out = o;

    internal static PowerModel FitWhole(int tp, bool workPower = true)
    {
        var (trace, engine) = RealDataModelTests.Load(tp);
        var profile = ServingProfileLearner.FromEngineState(engine);
        return PowerModelFitter.Fit(new[] { RealDataModelTests.Input(trace, engine) }, profile, new PowerModelFitOptions { GpuCount = 1, UseWorkPower = workPower });
    }

    [Theory]
    // Measured (5 seeds, median energy error per GPU): TP1->TP2 see output; TP2->TP1 see output.
    [InlineData(1, 2, 6.0)]
    [InlineData(2, 1, 6.0)]
    public void Derived_model_matches_the_held_out_recording(int fromTp, int toTp, double maxEnergyErrorPercent)
    {
        var source = FitWhole(fromTp);
        var measured = FitWhole(toTp);
        var derived = PowerModelDeriver.Derive(new[] { source }, new DerivationTarget(GpuCatalog.Find("RTX A6000"), toTp, 8.03e9, modelName: "Llama-3.1-8B-Instruct"));
        _out.WriteLine(derived.Provenance.Derivation);
        var perGpu = ModelVariants.PerGpu(derived);
        var (trace, engine) = RealDataModelTests.Load(toTp);
        var f = RealDataModelTests.Input(trace, engine).Features;
        var rows = PowerModelEvaluator.Evaluate(perGpu, new[] { trace }, new[] { f }, seeds: 5);
        foreach (var r in rows) _out.WriteLine($"TP{fromTp}->TP{toTp} {r.Method,-12} energy {r.EnergyErrorPercent,6:F2} %  KS {r.KsStatistic:F3}  P99 {r.P99ErrorPercent:F2} %  measured {r.MeasuredMeanWatts:F1} W synth {r.SynthesizedMeanWatts:F1} W");
        foreach (var s in perGpu.States) _out.WriteLine($"derived  {s}");
        foreach (var s in measured.States) _out.WriteLine($"measured {s}");
        _out.WriteLine($"decode steps/s derived {derived.ServingProfile.DecodeStepsPerSecond:F1} measured {measured.ServingProfile.DecodeStepsPerSecond:F1}");
        var low = ModelVariants.PerGpu(ModelVariants.WithBound(derived, ModelBound.Low));
        var high = ModelVariants.PerGpu(ModelVariants.WithBound(derived, ModelBound.High));
        double eLow = PowerModelEvaluator.Evaluate(low, new[] { trace }, new[] { f }, seeds: 5)[0].SynthesizedMeanWatts;
        double eHigh = PowerModelEvaluator.Evaluate(high, new[] { trace }, new[] { f }, seeds: 5)[0].SynthesizedMeanWatts;
        _out.WriteLine($"band mean W: low {eLow:F1} central {rows[0].SynthesizedMeanWatts:F1} high {eHigh:F1}; {derived.Provenance.Uncertainty}");

        var m = rows.Single(r => r.Method == "PowerModel");
        Assert.InRange(m.EnergyErrorPercent, 0, maxEnergyErrorPercent);
        Assert.True(m.EnergyErrorPercent < rows.Single(r => r.Method == "ConstantTdp").EnergyErrorPercent);
        // The measured mean lies inside the derived band.
        Assert.InRange(m.MeasuredMeanWatts, eLow, eHigh);
        // The peak the planner sizes by: P99 per GPU within 5 %.
        Assert.InRange(m.P99ErrorPercent, 0, 5);
        // Decode rate within 20 % (TP2 -> TP1: +18.5 %, the one A6000 anchor carried one TP doubling with the pooled all-reduce
        // term and the 5 ms step overhead calibrated on vLLM 0.10 A100/H100 runs; this recording is vLLM 0.11).
        Assert.InRange(derived.ServingProfile.DecodeStepsPerSecond / measured.ServingProfile.DecodeStepsPerSecond, 0.80, 1.20);
    }
}
