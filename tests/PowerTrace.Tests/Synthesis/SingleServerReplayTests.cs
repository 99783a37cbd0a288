using PowerTrace.Core.Analysis;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Model;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using PowerTrace.Tests.Model;
using Xunit;
using Xunit.Abstractions;

namespace PowerTrace.Tests.Synthesis;

/// <summary>
/// One synthesis path: what Test-PowerModel -Requests scores (PowerModelEvaluator.EvaluateReplay) is, bin for bin, the
/// synthesis Invoke-TraceSynthesis -Requests -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 runs, and the alignment rule of
/// <see cref="SingleServerReplay"/> (first arrival = horizon second 0, paired with the measured bin that holds it).
/// </summary>
public class SingleServerReplayTests
{
    private readonly ITestOutputHelper _out;
    public SingleServerReplayTests(ITestOutputHelper output) => _out = output;

    private static readonly DateTime T0 = new(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private static PowerSeries Flat(int bins, double bin = 0.25)
        => new("measured", TraceLevel.Node, T0, bin, Enumerable.Range(0, bins).Select(i => 100.0 + i % 7).ToArray());

    private static RequestTrace Log(DateTime? start, params double[] arrivals)
        => new("log", "Generic", start, arrivals, arrivals.Select(_ => 200).ToArray(), arrivals.Select(_ => 50).ToArray());

    [Fact]
    public void First_arrival_opens_the_measured_bin_that_holds_it_and_the_horizon_runs_to_the_trace_end()
    {
        // Log clock starts 1 s after the trace; first arrival 0.3 s later: 1.3 s = bin 5 + 0.05 s.
        var w = SingleServerReplay.Align(Flat(40), Log(T0.AddSeconds(1), 0.3, 2.0, 9.5, 9.8, 12.0));
        Assert.Equal(T0.AddSeconds(1.3), w.HorizonStartUtc);
        Assert.Equal(5, w.MeasuredFirstBin);
        Assert.Equal(0.05, w.FirstArrivalOffsetSeconds, 9);
        Assert.Equal(35, w.HorizonBins);
        Assert.Equal(8.75, w.HorizonSeconds);
        Assert.Equal(0, w.SynthesizedFirstBin);
        Assert.Equal(5, w.ComparedMeasuredFirstBin);
        Assert.Equal(35, w.ComparedBins);
        Assert.Equal(2, w.RequestsInHorizon); // 0 and 1.7 s after the first arrival are within the 8.75 s horizon; 9.2, 9.5 and 11.7 s are not
        var m = Flat(40);
        Assert.Equal(m.Watts.Skip(5).ToArray(), w.MeasuredPart(m));
    }

    [Fact]
    public void An_arrival_on_a_bin_boundary_opens_that_bin()
    {
        var w = SingleServerReplay.Align(Flat(40), Log(T0, 1.25, 3.0));
        Assert.Equal(5, w.MeasuredFirstBin);
        Assert.Equal(0, w.FirstArrivalOffsetSeconds, 9);
        Assert.Equal(35, w.HorizonBins);
    }

    [Fact]
    public void A_log_that_starts_before_the_trace_is_replayed_from_its_first_arrival_and_compared_where_the_trace_is()
    {
        // First arrival 2.1 s before the trace: measured bin -9 holds it (starts 2.25 s before, 0.15 s earlier).
        var w = SingleServerReplay.Align(Flat(40), Log(T0.AddSeconds(-2.1), 0, 1.0, 3.0));
        Assert.Equal(-9, w.MeasuredFirstBin);
        Assert.Equal(0.15, w.FirstArrivalOffsetSeconds, 9);
        Assert.Equal(49, w.HorizonBins);
        Assert.Equal(9, w.SynthesizedFirstBin);
        Assert.Equal(0, w.ComparedMeasuredFirstBin);
        Assert.Equal(40, w.ComparedBins);
        var synth = new PowerSeries("s", TraceLevel.Node, w.HorizonStartUtc, 0.25, Enumerable.Range(0, 49).Select(i => (double)i).ToArray());
        Assert.Equal(Enumerable.Range(9, 40).Select(i => (double)i).ToArray(), w.SynthesizedPart(synth));
    }

    [Fact]
    public void A_log_without_a_utc_start_counts_from_the_trace_start()
    {
        var w = SingleServerReplay.Align(Flat(40), Log(null, 3.0, 4.0));
        Assert.Equal(12, w.MeasuredFirstBin);
        Assert.Equal(T0.AddSeconds(3), w.HorizonStartUtc);
        Assert.Null(SingleServerReplay.HorizonStartUtc(Log(null, 3.0)));
    }

    [Fact]
    public void A_log_with_no_request_within_the_trace_is_refused()
    {
        var after = Assert.Throws<InvalidSettingException>(() => SingleServerReplay.Align(Flat(40), Log(T0.AddSeconds(10), 0, 5)));
        Assert.Equal("WorkloadDoesNotOverlapTrace", after.ErrorId);
        var before = Assert.Throws<InvalidSettingException>(() => SingleServerReplay.Align(Flat(40), Log(T0.AddSeconds(-30), 0, 5)));
        Assert.Equal("WorkloadDoesNotOverlapTrace", before.ErrorId);
        Assert.Equal("EmptyRequestTrace", Assert.Throws<InvalidSettingException>(() => SingleServerReplay.Align(Flat(40), Log(T0))).ErrorId);
    }

    /// <summary>The measured RTX A6000 TP1 recording (183 s at 250 ms).</summary>
    internal static PowerSeries A6000() => RealDataModelTests.Load(1).trace;

    /// <summary>
    /// Every 8th request of the first <paramref name="seconds"/> of the Azure 2023 conversation log (real arrivals and
    /// token counts, about 0.5 req/s: one A6000's load, not a whole cluster's), its first arrival moved to
    /// <paramref name="firstArrivalUtc"/>.
    /// </summary>
    internal static RequestTrace Azure(DateTime firstArrivalUtc, double seconds)
    {
        var all = RequestTraceReader.Read(TestData.Path_("azure-llm-2023", "AzureLLMInferenceTrace_conv.csv"));
        double a0 = all.ArrivalSeconds[0];
        var keep = Enumerable.Range(0, all.Count).Where(i => all.ArrivalSeconds[i] - a0 < seconds && i % 8 == 0).ToArray();
        return new RequestTrace("azure-conv", "Azure", firstArrivalUtc, keep.Select(i => all.ArrivalSeconds[i] - a0).ToArray(),
            keep.Select(i => all.PromptTokens[i]).ToArray(), keep.Select(i => all.OutputTokens[i]).ToArray());
    }

    /// <summary>
    /// Invoke-TraceSynthesis -Requests log -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 -Resolution 250ms -HorizonSeconds h
    /// -Seed k, written out setting by setting as the cmdlet builds it (default Site level, default router and warm-up).
    /// </summary>
    private static PowerSeries AsInvokeTraceSynthesis(IServerPowerModel model, RequestTrace log, double horizonSeconds, ulong seed)
    {
        var settings = new SynthesisSettings
        {
            Model = model,
            Workload = SynthesisWorkload.FromReplay(new RequestReplay(log, null, loop: false), null),
            Layout = SiteLayout.Flat(1),
            Router = RouterKind.Random,
            NonGpu = new NonGpuPower(0, 0),
            Pue = 1,
            HorizonSeconds = horizonSeconds,
            StartUtc = log.ArrivalUtc(0)!.Value,
            Seed = seed,
            WarmUpSeconds = 300,
            Outputs = new List<OutputLevel> { new(TraceLevel.Site, 0.25) },
        };
        return Assert.Single(SynthesisEngine.Run(settings).Series);
    }

    [Theory]
    // Requests from 7.3 s into the recording (first arrival inside bin 29), and from 20.1 s before it (bin -81).
    [InlineData(7.3, 29)]
    [InlineData(-20.1, -81)]
    public void Test_PowerModel_scores_bin_for_bin_what_Invoke_TraceSynthesis_replays(double firstArrivalSeconds, int expectedFirstBin)
    {
        var trace = A6000();
        var model = ReferenceModels.Anchor;
        var log = Azure(trace.StartUtc.AddSeconds(firstArrivalSeconds), 120);
        Assert.True(log.Count > 40, $"{log.Count} requests");
        // The rule, computed here on its own: bin 0 of the synthesis is the measured bin holding the first arrival.
        int j0 = (int)Math.Floor((log.ArrivalUtc(0)!.Value - trace.StartUtc).TotalSeconds / trace.BinSeconds);
        Assert.Equal(expectedFirstBin, j0);
        double horizon = (trace.BinCount - j0) * 0.25;
        double[] measured = trace.Watts.Skip(Math.Max(0, j0)).ToArray();

        var scored = new Dictionary<ulong, PowerSeries>();
        var rows = PowerModelEvaluator.EvaluateReplay(model, new[] { trace }, new[] { log }, seeds: 3, masterSeed: 11,
            synthesized: (t, seed, s) => { Assert.Equal(0, t); scored.Add(seed, s); });
        Assert.Equal(new ulong[] { 11, 12, 13 }, scored.Keys.OrderBy(k => k));

        var perSeed = new List<FidelityResult>();
        foreach (ulong seed in new ulong[] { 11, 12, 13 })
        {
            var expected = AsInvokeTraceSynthesis(model, log, horizon, seed);
            var got = scored[seed];
            Assert.Equal(expected.StartUtc, got.StartUtc);
            Assert.Equal(expected.BinSeconds, got.BinSeconds);
            Assert.Equal(expected.BinCount, got.BinCount);
            for (int i = 0; i < expected.BinCount; i++)
                if (expected.Watts[i] != got.Watts[i]) Assert.Fail($"seed {seed}, bin {i}: Invoke-TraceSynthesis {expected.Watts[i]} W, Test-PowerModel {got.Watts[i]} W");
            perSeed.Add(FidelityMetrics.Compare(measured, expected.Watts.Skip(Math.Max(0, -j0)).ToArray()));
        }
        // Different seeds are different syntheses (so equality above pins each seed, not one shared trace).
        Assert.NotEqual(scored[11].Watts, scored[12].Watts);

        var m = rows.Single(r => r.Method == "PowerModel");
        var median = FidelityMetrics.Median(perSeed);
        Assert.Equal(PowerModelFidelity.ReplayPath, m.Path);
        Assert.Equal(3, m.Seeds);
        Assert.Equal(measured.Length, m.Bins);
        AssertSameMetrics(median, m);
        // The baselines are scored on the same measured window.
        var tdp = rows.Single(r => r.Method == "ConstantTdp");
        Assert.Equal(FidelityMetrics.Compare(measured, FidelityMetrics.ConstantTrace(model.NameplateWatts, measured.Length)).P99ErrorPercent, tdp.P99ErrorPercent);
        Assert.Equal(measured.Length, tdp.Bins);
        Assert.All(rows, r => Assert.Equal(PowerModelFidelity.ReplayPath, r.Path));

        // Before: the features path (measured-log features, lagged) scored another trace than any synthesis produces.
        var f = TrainingWorkload.FromRequests(trace, log, model.ServingProfile);
        var old = PowerModelEvaluator.Evaluate(model, new[] { trace }, new[] { f }, seeds: 3, masterSeed: 11).Single(r => r.Method == "PowerModel");
        _out.WriteLine($"replay (= Invoke-TraceSynthesis): energy {m.EnergyErrorPercent:F2} %  KS {m.KsStatistic:F3}  P99 {m.P99ErrorPercent:F2} %  ({m.Bins} bins, {log.Count} requests)");
        _out.WriteLine($"features path (before):            energy {old.EnergyErrorPercent:F2} %  KS {old.KsStatistic:F3}  P99 {old.P99ErrorPercent:F2} %  ({old.Bins} bins)");
    }

    [Fact]
    public void Several_traces_add_a_total_over_their_compared_bins()
    {
        var trace = A6000();
        int half = trace.BinCount / 2;
        var first = trace.Slice(0, half, "first");
        var second = trace.Slice(half, trace.BinCount - half, "second");
        var l1 = Azure(first.StartUtc.AddSeconds(3.1), 30);
        var l2 = Azure(second.StartUtc.AddSeconds(10.6), 30);
        var model = ReferenceModels.Anchor;
        var rows = PowerModelEvaluator.EvaluateReplay(model, new[] { first, second }, new[] { l1, l2 }, seeds: 2, masterSeed: 5);
        Assert.Equal(new[] { "first", "first", "first", "second", "second", "second", "(total)", "(total)", "(total)" }, rows.Select(r => r.Trace));
        var w = PowerModelEvaluator.Align(model, new[] { first, second }, new[] { l1, l2 });
        Assert.Equal(half - 12, rows[0].Bins);
        Assert.Equal(w[0].ComparedBins + w[1].ComparedBins, rows[6].Bins);
        // The total is the median over seeds of the concatenated windows, each seed's syntheses concatenated.
        var results = new List<FidelityResult>();
        foreach (ulong seed in new ulong[] { 5, 6 })
        {
            var q = w[0].SynthesizedPart(SingleServerReplay.Synthesize(model, l1, w[0], seed))
                .Concat(w[1].SynthesizedPart(SingleServerReplay.Synthesize(model, l2, w[1], seed))).ToArray();
            results.Add(FidelityMetrics.Compare(w[0].MeasuredPart(first).Concat(w[1].MeasuredPart(second)).ToArray(), q));
        }
        Assert.Equal(FidelityMetrics.Median(results).P99ErrorPercent, rows[6].P99ErrorPercent);
        Assert.Equal(FidelityMetrics.Median(results).KsStatistic, rows[6].KsStatistic);
    }

    [Fact]
    public void Progress_is_reported_per_trace_and_seed_and_cancellation_is_honoured()
    {
        var trace = A6000();
        var log = Azure(trace.StartUtc.AddSeconds(5), 30);
        var seen = new List<(int, int)>();
        PowerModelEvaluator.EvaluateReplay(ReferenceModels.Anchor, new[] { trace, trace }, new[] { log, log }, seeds: 2, progress: (d, t) => seen.Add((d, t)));
        Assert.Equal(new[] { (1, 4), (2, 4), (3, 4), (4, 4) }, seen);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => PowerModelEvaluator.EvaluateReplay(ReferenceModels.Anchor, new[] { trace }, new[] { log }, cancellationToken: cts.Token));
    }

    [Fact]
    public void A_trace_of_another_bin_width_is_refused()
    {
        var trace = A6000();
        var coarse = new PowerSeries("coarse", TraceLevel.Node, trace.StartUtc, 1.0, new double[100], trace.Metadata);
        var e = Assert.Throws<InvalidSettingException>(() =>
            PowerModelEvaluator.EvaluateReplay(ReferenceModels.Anchor, new[] { coarse }, new[] { Azure(trace.StartUtc.AddSeconds(5), 30) }, seeds: 1));
        Assert.Equal("BinWidthMismatch", e.ErrorId);
    }

    /// <summary>Every metric of a fidelity row equals the expected result (medians over seeds or one seed's), exactly.</summary>
    internal static void AssertSameMetrics(FidelityResult expected, PowerModelFidelity row)
    {
        Assert.Equal(expected.EnergyErrorPercent, row.EnergyErrorPercent);
        Assert.Equal(expected.AcfRSquared, row.AcfRSquared);
        Assert.Equal(expected.KsStatistic, row.KsStatistic);
        Assert.Equal(expected.Nrmse, row.Nrmse);
        Assert.Equal(expected.P95ErrorPercent, row.P95ErrorPercent);
        Assert.Equal(expected.P99ErrorPercent, row.P99ErrorPercent);
        Assert.Equal(expected.MeasuredMeanWatts, row.MeasuredMeanWatts);
        Assert.Equal(expected.SynthesizedMeanWatts, row.SynthesizedMeanWatts);
    }
}
