using System.Text;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Model;
using PowerTrace.Core.Workload;
using Xunit;

namespace PowerTrace.Tests.Model;

/// <summary>Workload lag: estimated at fit time, stored in the model, applied to measured logs only.</summary>
public class WorkloadLagTests
{
    // Known truth whose power trails its features by lagBins bins (features[i] drives power[i + lagBins]).
    private static (double[] watts, WorkloadFeatures features) Delayed(int lagBins, ulong seed)
    {
        var f = KnownTruth.Features(8000, seed);
        var w = KnownTruth.Generate(f, seed + 1, out _);
        var d = new double[w.Length];
        for (int i = 0; i < w.Length; i++) d[i] = w[Math.Min(w.Length - 1, Math.Max(0, i - lagBins))];
        return (d, f);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(10)]
    [InlineData(-3)]
    public void Estimate_recovers_a_known_delay(int lagBins)
    {
        foreach (ulong seed in new ulong[] { 3, 17 })
        {
            var (w, f) = Delayed(lagBins, seed);
            var input = new PowerModelTrainingInput(KnownTruth.Trace(w), f);
            Assert.Equal(lagBins * KnownTruth.BinSeconds, WorkloadLag.Estimate(new[] { input }));
            var m = PowerModelFitter.Fit(new[] { input }, KnownTruth.Profile);
            Assert.Equal(lagBins * KnownTruth.BinSeconds, m.WorkloadLagSeconds);
        }
    }

    [Fact]
    public void Correcting_the_delay_restores_the_known_state_means_and_sharpens_the_fit()
    {
        var (w, f) = Delayed(10, 5);
        var input = new PowerModelTrainingInput(KnownTruth.Trace(w), f);
        var corrected = PowerModelFitter.Fit(new[] { input }, KnownTruth.Profile);
        var ignored = PowerModelFitter.Fit(new[] { input }, KnownTruth.Profile, new PowerModelFitOptions { WorkloadLagSeconds = 0 });
        Assert.Equal(2.5, corrected.WorkloadLagSeconds);
        Assert.Equal(0, ignored.WorkloadLagSeconds);
        // Synthesized from the same (delayed-power) workload, the corrected model follows the measured trace more closely.
        var trace = KnownTruth.Trace(w);
        double e1 = PowerModelEvaluator.Evaluate(corrected, new[] { trace }, new[] { f }, seeds: 3)[0].Nrmse;
        double e0 = PowerModelEvaluator.Evaluate(ignored, new[] { trace }, new[] { f }, seeds: 3)[0].Nrmse;
        Assert.True(e1 < 0.8 * e0, $"NRMSE corrected {e1:F3} vs uncorrected {e0:F3}");
        // Evaluating the corrected model as if the logs had no delay loses that alignment again.
        double eNoLag = PowerModelEvaluator.Evaluate(corrected, new[] { trace }, new[] { f }, seeds: 3, workloadLagSeconds: 0)[0].Nrmse;
        Assert.True(e1 < 0.8 * eNoLag);
    }

    [Fact]
    public void Shift_delays_contexts_and_repeats_the_edge()
    {
        byte[] c = { 1, 2, 3, 4, 5 };
        WorkloadLag.Shift(c, 2);
        Assert.Equal(new byte[] { 1, 1, 1, 2, 3 }, c);
        byte[] d = { 1, 2, 3, 4, 5 };
        WorkloadLag.Shift(d, -2);
        Assert.Equal(new byte[] { 3, 4, 5, 5, 5 }, d);
        byte[] e = { 1, 2 };
        WorkloadLag.Shift(e, 9);
        Assert.Equal(new byte[] { 1, 1 }, e);
    }

    [Fact]
    public void Lag_round_trips_and_a_file_without_it_reads_as_zero()
    {
        var (w, f) = Delayed(6, 9);
        var m = PowerModelFitter.Fit(new[] { new PowerModelTrainingInput(KnownTruth.Trace(w), f) }, KnownTruth.Profile);
        Assert.Equal(1.5, m.WorkloadLagSeconds);
        string json = PowerModelJson.ToJson(m);
        Assert.Contains("\"workloadLagSeconds\": 1.5", json);
        var back = PowerModelJson.Parse(Encoding.UTF8.GetBytes(json), "m.json");
        Assert.Equal(1.5, back.WorkloadLagSeconds);
        string old = json.Replace("\"workloadLagSeconds\": 1.5,", "");
        Assert.DoesNotContain("workloadLagSeconds", old);
        Assert.Equal(0, PowerModelJson.Parse(Encoding.UTF8.GetBytes(old), "old.json").WorkloadLagSeconds);
        var bad = json.Replace("\"workloadLagSeconds\": 1.5", "\"workloadLagSeconds\": 1e9");
        Assert.Equal("InvalidWorkloadLag", Assert.Throws<InvalidSettingException>(() => PowerModelJson.Parse(Encoding.UTF8.GetBytes(bad), "bad.json")).ErrorId);
    }

    [Fact]
    public void Override_is_validated_and_rounded_to_bins()
    {
        var (w, f) = Delayed(0, 11);
        var input = new PowerModelTrainingInput(KnownTruth.Trace(w), f);
        Assert.Equal(0.75, PowerModelFitter.Fit(new[] { input }, KnownTruth.Profile, new PowerModelFitOptions { WorkloadLagSeconds = 0.8 }).WorkloadLagSeconds);
        var e = Assert.Throws<InvalidSettingException>(() => PowerModelFitter.Fit(new[] { input }, KnownTruth.Profile, new PowerModelFitOptions { WorkloadLagSeconds = double.NaN }));
        Assert.Equal("InvalidWorkloadLag", e.ErrorId);
    }

    [Fact]
    public void Emulated_synthesis_ignores_the_lag()
    {
        // Same model with and without a lag: synthesis through the serving emulator is identical.
        var (w, f) = Delayed(8, 13);
        var m = PowerModelFitter.Fit(new[] { new PowerModelTrainingInput(KnownTruth.Trace(w), f) }, KnownTruth.Profile);
        Assert.Equal(2.0, m.WorkloadLagSeconds);
        var noLag = new PowerModel(m.Configuration, m.BinSeconds, m.States, m.ServingProfile, m.Transitions, m.Provenance, 0, m.WorkPower);
        var arrivals = new double[40]; var prompts = new int[40]; var outputs = new int[40];
        for (int i = 0; i < 40; i++) { arrivals[i] = 5 + 14.5 * i; prompts[i] = 300 + 97 * i; outputs[i] = 40 + 13 * i; }
        var work = PowerTrace.Tests.Workload.ServingEmulatorTests.Work(arrivals, prompts, outputs);
        var a = new float[2400]; var b = new float[2400];
        var r1 = new PowerTrace.Core.Numerics.Rng(7); var r2 = new PowerTrace.Core.Numerics.Rng(7);
        m.CreateModelSynthesizer().Synthesize(work, ref r1, a);
        noLag.CreateModelSynthesizer().Synthesize(work, ref r2, b);
        Assert.Equal(a, b);
        // ... whereas measured features are delayed by it.
        var c = new float[f.BinCount]; var d = new float[f.BinCount];
        var r3 = new PowerTrace.Core.Numerics.Rng(7); var r4 = new PowerTrace.Core.Numerics.Rng(7);
        m.CreateModelSynthesizer().SynthesizeFromFeatures(f, ref r3, c);
        noLag.CreateModelSynthesizer().SynthesizeFromFeatures(f, ref r4, d, 2.0);
        Assert.Equal(c, d);
    }
}
