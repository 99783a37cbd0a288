using System.Globalization;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Model;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using Xunit;

namespace PowerTrace.Tests.Model;

/// <summary>The work-power curve: its arithmetic, the meter, the fit (known truth) and the published calibration.</summary>
public class WorkPowerTests
{
    private static WorkPower Curve(double meter = 1) => new(1, 80, 120, 140, 1.5, 500, meter, 16e9, 1, 16e9, double.NaN, "test");

    [Fact]
    public void Node_watts_follow_the_energy_roofline_and_stop_at_the_ceiling()
    {
        var w = Curve();
        Assert.Equal(80, w.NodeWatts(0, 0, 0, 0, 2048), 9);                 // nothing in flight: idle
        Assert.Equal(120, w.NodeWatts(1, 0, 0, 0, 2048), 9);                // busy floor
        // Decode: 100 steps/s of 16 GB = 1.6 TB/s -> 224 W; 8 tokens per step × 100 × 16 GFLOP = 12.8 TFLOP/s -> 19.2 W.
        Assert.Equal(120 + 224 + 19.2, w.NodeWatts(1, 0, 8, 100, 2048), 6);
        // Half the bin busy: idle and busy floor weighted.
        Assert.Equal(100 + 224 + 19.2, w.NodeWatts(0.5, 0, 8, 100, 2048), 6);
        // Prefill of 20,000 tokens/s alone: 320 TFLOP/s -> 480 W + weights re-read per 2048-token chunk; capped at 500 W.
        Assert.Equal(500, w.NodeWatts(1, 20000, 0, 0, 2048), 9);
        // NodeWatts (the hot path, constants folded) is exactly Traffic + Combine (the formula the fit uses).
        foreach (var (phi, p, b, st) in new[] { (1.0, 0.0, 8.0, 100.0), (0.4, 3000.0, 3.0, 60.0), (1.0, 9000.0, 0.0, 0.0), (0.7, 0.0, 1.0, 20.0) })
        {
            w.Traffic(p, b, st, 2048, out double tb, out double tf);
            Assert.Equal(w.Combine(phi, tb, tf), w.NodeWatts(phi, p, b, st, 2048), 1e-9 * 500);
        }
        // A mixture of experts touches 1 - (1 - r)^batch of its weights per step.
        var moe = new WorkPower(1, 80, 120, 140, 1.5, 500, 1, 60e9, 0.1, 6e9, double.NaN, "");
        Assert.Equal(0.1, moe.TouchedShare(1), 12);
        Assert.Equal(1 - Math.Pow(0.9, 16), moe.TouchedShare(16), 12);
        Assert.Throws<PowerTrace.Core.Errors.InvalidSettingException>(() => new WorkPower(1, 80, 120, -1, 1.5, 500, 1, 16e9, 1, 16e9, double.NaN, ""));
    }

    [Fact]
    public void Meter_is_a_trailing_average_or_an_instantaneous_reading()
    {
        var w = Curve(1);
        var x = new float[] { 0, 0, 0, 0, 400, 400, 400, 400, 400, 0 };
        w.ApplyMeter(x, 0.25);
        Assert.Equal(new float[] { 0, 0, 0, 0, 100, 200, 300, 400, 400, 300 }, x);
        var instant = Curve(0);
        var y = new float[] { 1, 2, 3 };
        instant.ApplyMeter(y, 0.25);
        Assert.Equal(new float[] { 1, 2, 3 }, y);
        // An instantaneous reading is the prefill power with the prefill share's probability; its mean is the bin mean.
        double sum = 0; int n = 200000, hits = 0;
        var rng = new Rng(3);
        for (int i = 0; i < n; i++)
        {
            float r = WorkPower.PointReading(300, 0.2f, 500, rng.NextDouble());
            if (r == 500) hits++;
            sum += r;
        }
        Assert.Equal(0.2, hits / (double)n, 2);
        Assert.Equal(300, sum / n, 0);
    }

    [Fact]
    public void Fit_recovers_the_coefficients_that_generated_the_power()
    {
        // Known truth: an emulated workload (Poisson arrivals, lognormal prompts and outputs) drives a known curve; the fit
        // sees power = curve + noise and the same request log, and must find the coefficients again.
        var profile = new ServingProfile(10000, 80, 0.01, 256, 2048, PrefillInterleave.ChunkedPrefill, "truth", false);
        var truth = new WorkPower(1, 60, 110, 150, 1.2, 400, 1, 2 * 8.03e9, 1, 2 * 8.03e9, double.NaN, "truth");
        var rng = new Rng(5);
        int n = 4 * 3600;
        var arr = new List<double>(); var pr = new List<int>(); var outp = new List<int>();
        double t = 0;
        while (true)
        {
            // Busy and quiet spells so the busy share, traffic and arithmetic vary independently.
            double rate = ((int)(t / 120) % 3) switch { 0 => 0.3, 1 => 2.5, _ => 6.0 };
            t += rng.NextExponential(rate);
            if (t >= n * 0.25 - 60) break;
            arr.Add(t);
            pr.Add(Math.Max(1, (int)(400 * Math.Exp(1.2 * rng.NextGaussian() - 0.72))));
            outp.Add(Math.Max(2, (int)(150 * Math.Exp(0.8 * rng.NextGaussian() - 0.32))));
        }
        var work = new PowerTrace.Core.Synthesis.ServerWorkload(new ArraySegment<double>(arr.ToArray()), new ArraySegment<int>(pr.ToArray()), new ArraySegment<int>(outp.ToArray()));
        var f = new WorkloadFeatures(0.25, n);
        new ServingEmulator(profile).Emulate(work, f, n);
        var e = new float[n];
        truth.FromFeatures(f, profile, e);
        var watts = new double[n];
        for (int i = 0; i < n; i++) watts[i] = e[i] + 3 * rng.NextGaussian();
        var trace = new PowerSeries("truth", TraceLevel.Node, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), 0.25, watts,
            new TraceMetadata("Z-GPU", 1, "Llama-3.1-8B", 1));
        var m = PowerModelFitter.Fit(new[] { new PowerModelTrainingInput(trace, f) }, profile,
            new PowerModelFitOptions { WorkloadLagSeconds = 0, TdpWattsPerGpu = 400, MeterSeconds = 1 });
        var w = m.WorkPower!;
        Assert.Equal(60, m.Configuration.IdleWattsPerGpu, 2.0);
        Assert.Equal(110, w.BusyWattsPerGpu, 0.05 * 110);
        Assert.Equal(150, w.WattsPerTBps, 0.05 * 150);
        Assert.Equal(1.2, w.WattsPerTflops, 0.15 * 1.2);
        Assert.Contains("Work power fitted", m.Provenance.Derivation);
        // Resynthesized from the same features, the energy agrees.
        var back = new float[n];
        var r = new Rng(1);
        m.CreateModelSynthesizer().SynthesizeFromFeatures(f, ref r, back, 0);
        Assert.Equal(watts.Sum(), back.Sum(x => (double)x), 0.01 * watts.Sum());
    }

    [Fact]
    public void Shipped_A100_calibration_equals_the_splitwise_files()
    {
        // Busy floor and W per TB/s: least squares of average_power × 400 W on weight traffic per GPU, decode-dominated runs
        // (prompt time <= 6 % of end-to-end time); W per TFLOP/s from the prompt power over the TP2 prefill arithmetic rate.
        var rows = File.ReadAllLines(TestData.Path_("splitwise", "perf_model.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => f[1] == "a100-80gb" && double.Parse(f[6], CultureInfo.InvariantCulture) > 0).ToList();
        var groups = rows.GroupBy(f => (f[0], f[10], f[2], f[3], f[4]));
        var xs = new List<double>(); var ys = new List<double>();
        foreach (var g in groups)
        {
            double D(int c) => g.Average(f => double.Parse(f[c], CultureInfo.InvariantCulture));
            if (D(7) / D(9) > 0.06) continue;
            double p = g.Key.Item1 == "bloom-176b" ? 176.25e9 : 68.98e9;
            int tp = int.Parse(g.Key.Item2, CultureInfo.InvariantCulture);
            xs.Add(2 * p / tp / (D(8) / 1000) / 1e12);
            ys.Add(D(6) * 400);
        }
        Assert.Equal(22, xs.Count);
        double mx = xs.Average(), my = ys.Average();
        double slope = xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / xs.Sum(x => (x - mx) * (x - mx));
        double busy = my - slope * mx;
        Assert.Equal(WorkPowerCalibration.A100BusyWatts, busy, 0.1);
        Assert.Equal(WorkPowerCalibration.A100WattsPerTBps, slope, 0.1);
        for (int i = 0; i < xs.Count; i++) Assert.InRange(Math.Abs(busy + slope * xs[i] - ys[i]) / ys[i], 0, 0.06);
        var rates = PowerTrace.Tests.Derivation.ReferenceModelTests.SplitwiseRates();
        double tflops = 68.98e9 * rates[("llama2-70b", "a100-80gb", 2)].prefill / 1e12; // 2 FLOP × params / TP2 per token
        Assert.Equal(WorkPowerCalibration.A100WattsPerTflops, (500 - busy) / tflops, 0.01);
        Assert.True((400 - busy) / tflops < WorkPowerCalibration.A100WattsPerTflops); // Splitwise's capped 400 W: a lower bound
        double tflopsH = 68.98e9 * rates[("llama2-70b", "h100-80gb", 2)].prefill / 1e12;
        Assert.Equal(WorkPowerCalibration.H100WattsPerTflops, (700 - WorkPowerCalibration.H100BusyWatts) / tflopsH, 0.01);
    }

    [Fact]
    public void Instantaneous_meters_draw_readings_only_where_the_states_do_not_hold_them()
    {
        // Derived for an A100 (instantaneous power.draw) from the A6000 anchor (1 s average): readings are drawn per bin.
        var a100 = PowerModelDeriver.Derive(new[] { ReferenceModels.Anchor }, new DerivationTarget(PowerTrace.Core.Hardware.GpuCatalog.Find("A100"), 1, 8.03e9, modelName: "Llama-3.1-8B"));
        Assert.Equal(0, a100.WorkPower!.MeterSeconds);
        Assert.True(a100.WorkPower.DrawsPointReadings);
        var h100 = ReferenceModels.Get("H100-TP1-8B");
        Assert.Equal(1, h100.WorkPower!.MeterSeconds);
        Assert.False(h100.WorkPower.DrawsPointReadings);
        // A model whose states were fitted on instantaneous readings does not draw them again, nor do models derived from it
        // for the same meter; the flag survives JSON.
        var fitted = a100.WorkPower.With(drawsPointReadings: false);
        Assert.False(fitted.DrawsPointReadings);
        var m = new PowerModel(a100.Configuration, a100.BinSeconds, a100.States, a100.ServingProfile, a100.Transitions, a100.Provenance, 0, fitted);
        var back = PowerModelJson.Parse(System.Text.Encoding.UTF8.GetBytes(PowerModelJson.ToJson(m)), "mem");
        Assert.False(back.WorkPower!.DrawsPointReadings);
        var again = PowerModelDeriver.Derive(new[] { back }, new DerivationTarget(PowerTrace.Core.Hardware.GpuCatalog.Find("A100"), 1, 14.8e9, modelName: "Qwen3-14B"));
        Assert.False(again.WorkPower!.DrawsPointReadings);
        // Point readings raise the upper tail, not the energy.
        var work = PowerTrace.Tests.Derivation.PublishedFiguresTests.Traffic(2.57, 1, 3);
        var w1 = new float[1600]; var w2 = new float[1600];
        var r1 = new Rng(4); var r2 = new Rng(4);
        a100.CreateModelSynthesizer().Synthesize(work, ref r1, w1);
        m.CreateModelSynthesizer().Synthesize(work, ref r2, w2);
        Assert.Equal(w2.Average(), w1.Average(), 0.02 * w2.Average());
        Assert.True(w1.Max() > w2.Max() + 20, $"{w1.Max()} vs {w2.Max()}");
    }

    [Fact]
    public void Synthesis_is_the_metered_curve_plus_the_state_residual_bin_for_bin()
    {
        // The fast path (meter fused into the chain's loop) against the definition: residual chain + trailing meter mean of
        // the curve (ApplyMeter), clamped to [0, ceiling]; and the block path against both.
        var m = ReferenceModels.Get("H100-TP1-8B");
        var work = PowerTrace.Tests.Derivation.PublishedFiguresTests.Traffic(3.0, 1, 11);
        int n = 900;
        var syn = m.CreateModelSynthesizer();
        var whole = new float[n];
        var r1 = new Rng(21);
        syn.Synthesize(work, ref r1, whole);
        var curve = syn.LastExpectedWatts(n);
        m.WorkPower!.ApplyMeter(curve, m.BinSeconds);
        var ctx = new byte[n];
        new ServingEmulator(m.ServingProfile).EmulateContexts(work, m.BinSeconds, n, ctx);
        var residual = new float[n];
        var r2 = new Rng(21);
        m.CreateModelSynthesizer().SampleContexts(ctx, ref r2, residual);
        float cap = (float)m.WorkPower.NodeCeilingWatts;
        for (int i = 0; i < n; i++)
        {
            float v = residual[i] + curve[i];
            Assert.Equal(v < 0 ? 0 : v > cap ? cap : v, whole[i]);
        }
        var blocks = new float[n];
        syn.Begin(work, new Rng(21), n);
        syn.Next(new Span<float>(blocks, 0, 2));
        syn.Next(new Span<float>(blocks, 2, 5));
        syn.Next(new Span<float>(blocks, 7, n - 7));
        Assert.Equal(whole, blocks);
        Assert.True(whole.Max() > m.IdleWatts + 100); // the traffic keeps it busy
    }

    [Fact]
    public void A_model_fitted_on_sparse_pulses_follows_unseen_heavy_traffic_and_idles_when_nothing_is_in_flight()
    {
        // Fitted on the A6000 recording (three pulses of ten requests, batch at most ten), then asked for traffic it never saw:
        // continuous Azure-conversation load. Power must follow the work (busy, below the 300 W limit), not the training's
        // request counts; with nothing in flight it is the idle level.
        var m = PowerTrace.Tests.Derivation.LeaveOneOutTests.FitWhole(1);
        Assert.NotNull(m.WorkPower);
        var log = PowerTrace.Core.Import.RequestTraceReader.Read(TestData.Path_("azure-llm-2023", "AzureLLMInferenceTrace_conv.csv"), new PowerTrace.Core.Import.RequestImportOptions());
        int n = 2400; // 10 min
        var a = new List<double>(); var p = new List<int>(); var o = new List<int>();
        for (int i = 0; i < log.Count && log.ArrivalSeconds[i] < 1200; i += 4) { a.Add(log.ArrivalSeconds[i] / 2); p.Add(log.PromptTokens[i]); o.Add(log.OutputTokens[i]); }
        var work = new PowerTrace.Core.Synthesis.ServerWorkload(new ArraySegment<double>(a.ToArray()), new ArraySegment<int>(p.ToArray()), new ArraySegment<int>(o.ToArray()));
        var w = new float[n];
        var rng = new Rng(3);
        m.CreateModelSynthesizer().Synthesize(work, ref rng, w);
        double mean = w.Skip(200).Average(x => (double)x);
        Assert.InRange(mean, 150, 300);
        Assert.True(w.Max() <= 300.0001);
        var idle = new float[400];
        var empty = new PowerTrace.Core.Synthesis.ServerWorkload(new ArraySegment<double>(new double[0]), new ArraySegment<int>(new int[0]), new ArraySegment<int>(new int[0]));
        m.CreateModelSynthesizer().Synthesize(empty, ref rng, idle);
        Assert.InRange(idle.Average(x => (double)x), m.IdleWatts - 3, m.IdleWatts + 3);
    }

    [Fact]
    public void A_model_of_unknown_size_fits_states_only_unless_its_parameters_are_given()
    {
        var (trace, engine) = RealDataModelTests.Load(1);
        var input = RealDataModelTests.Input(trace, engine);
        var profile = ServingProfileLearner.FromEngineState(engine);
        var plain = PowerModelFitter.Fit(new[] { input }, profile, new PowerModelFitOptions { ModelName = "house-model", GpuCount = 1 });
        Assert.Null(plain.WorkPower);
        var sized = PowerModelFitter.Fit(new[] { input }, profile, new PowerModelFitOptions { ModelName = "house-model", GpuCount = 1, Parameters = 8.03e9 });
        Assert.NotNull(sized.WorkPower);
        Assert.Equal(2 * 8.03e9, sized.WorkPower!.WeightBytes, 1);
        Assert.Contains("8.03B parameters given", sized.WorkPower.Source);
    }
}
