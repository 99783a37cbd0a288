using PowerTrace.Core.Derivation;
using PowerTrace.Core.Model;
using PowerTrace.Core.Workload;
using PowerTrace.Tests.Model;
using Xunit;

namespace PowerTrace.Tests.Derivation;

/// <summary>The shipped anchor (src/PowerTrace/models/a6000-tp1-llama3.1-8b.json) is the fit of the measured recording.</summary>
public class AnchorTests
{
    internal static string AssetPath => Path.Combine(TestData.RepoRoot, "src", "PowerTrace", "models", "a6000-tp1-llama3.1-8b.json");

    /// <summary>The anchor as fitted from ../shared/data: whole TP1 recording, engine-state features, seed 1, paths relative to the repository.</summary>
    internal static PowerModel Regenerate()
    {
        var (trace, engine) = RealDataModelTests.Load(1);
        var profile = ServingProfileLearner.FromEngineState(engine);
        var m = PowerModelFitter.Fit(new[] { RealDataModelTests.Input(trace, engine) }, profile,
            new PowerModelFitOptions { GpuCount = 1, TensorParallel = 1, ModelName = "Llama-3.1-8B-Instruct", GpuType = "RTX A6000", Seed = 1 });
        var t = m.Provenance.Traces[0];
        var tr = new TrainingTrace(t.Name, "../shared/data/llmservingsim-a6000/raw_data/gpu_power_log_tp1.txt", "../shared/data/llmservingsim-a6000/raw_data/vllm_pulse_power_tp1.txt",
            t.StartUtc, t.EndUtc, t.BinCount, t.ValidBinCount);
        var prov = new ModelProvenance(new[] { tr }, new DateTime(2025, 12, 11, 0, 0, 0, DateTimeKind.Utc), m.Provenance.ToolVersion,
            "Anchor of the reference models: fitted (New-PowerModel, seed 1) to LLMServingSim evaluation/power (casys-kaist, MIT, commit 9e3f0ec): RTX A6000, vLLM 0.11.1, Llama-3.1-8B-Instruct, TP1, nvidia-smi 200 ms power and vLLM engine log (+8 h clock offset).\n"
            + m.Provenance.Derivation);
        return new PowerModel(m.Configuration, m.BinSeconds, m.States, m.ServingProfile, m.Transitions, prov, m.WorkloadLagSeconds, m.WorkPower);
    }

    [Fact]
    public void Shipped_anchor_equals_the_fit_of_the_measured_recording()
    {
        var fresh = Regenerate();
        if (Environment.GetEnvironmentVariable("POWERTRACE_WRITE_ANCHOR") == "1") PowerModelJson.Save(fresh, AssetPath);
        var shipped = PowerModelJson.Load(AssetPath);
        var embedded = ReferenceModels.Anchor;
        Assert.Equal(PowerModelJson.ToJson(shipped), PowerModelJson.ToJson(embedded));
        Assert.Equal(fresh.StateCount, shipped.StateCount);
        for (int s = 0; s < fresh.StateCount; s++)
        {
            Assert.Equal(fresh.States[s].Name, shipped.States[s].Name);
            Assert.Equal(fresh.States[s].MeanWatts, shipped.States[s].MeanWatts, 0.01 * Math.Abs(fresh.States[s].MeanWatts) + 0.5);
            Assert.Equal(fresh.States[s].StdWatts, shipped.States[s].StdWatts, 0.05 * fresh.States[s].StdWatts + 0.1);
            Assert.Equal(fresh.States[s].Share, shipped.States[s].Share, 0.01);
        }
        Assert.Equal(fresh.ServingProfile.DecodeStepsPerSecond, shipped.ServingProfile.DecodeStepsPerSecond, 0.01 * fresh.ServingProfile.DecodeStepsPerSecond);
        Assert.Equal(fresh.Configuration.IdleWattsPerGpu, shipped.Configuration.IdleWattsPerGpu, 0.5);
        Assert.NotNull(fresh.WorkPower);
        Assert.NotNull(shipped.WorkPower);
        Assert.Equal(fresh.WorkPower!.BusyWattsPerGpu, shipped.WorkPower!.BusyWattsPerGpu, 0.01 * fresh.WorkPower.BusyWattsPerGpu + 0.5);
        Assert.Equal(fresh.WorkPower.WattsPerTBps, shipped.WorkPower.WattsPerTBps, 0.01 * fresh.WorkPower.WattsPerTBps + 0.5);
        Assert.Equal(fresh.WorkPower.WattsPerTflops, shipped.WorkPower.WattsPerTflops, 0.01 * fresh.WorkPower.WattsPerTflops + 0.01);
        for (int c = 0; c < fresh.Transitions.ContextCount; c++)
            Assert.Equal(fresh.Transitions.ContextBinCounts[c], shipped.Transitions.ContextBinCounts[c]);
    }
}
