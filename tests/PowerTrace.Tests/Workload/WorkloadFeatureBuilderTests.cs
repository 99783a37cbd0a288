using PowerTrace.Core.Errors;
using PowerTrace.Core.Workload;
using Xunit;

namespace PowerTrace.Tests.Workload;

public class WorkloadFeatureBuilderTests
{
    private static readonly DateTime T0 = new(2025, 12, 11, 21, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void MeasuredTtftAndLatencyDefinePrefillAndDecodeSpans()
    {
        // Log starts 10 s after the trace: request at log second 0.25, TTFT 0.5 s, latency 1.5 s, 1000 prompt tokens.
        var log = new RequestTrace("t", "Generic", T0.AddSeconds(10), new[] { 0.25 }, new[] { 1000 }, new[] { 50 },
            new[] { 0.5 }, new[] { 1.5 });
        var f = WorkloadFeatureBuilder.FromRequests(log, T0, 0.5, 30, null);
        // Bin 20 = [10.0, 10.5): active 0.5, prompt 500 tokens; bin 21: prompt 500 + decode half; bins 22-23 decode.
        Assert.Equal(1f, f.NewArrivals[20]);
        Assert.Equal(new float[] { 0.5f, 1, 1, 0.5f, 0 }, f.ActiveRequests.Skip(20).Take(5).ToArray());
        Assert.Equal(new float[] { 500, 500, 0, 0, 0 }, f.PromptTokensInFlight.Skip(20).Take(5).ToArray());
        Assert.Equal(new float[] { 0, 0.5f, 1, 0.5f, 0 }, f.DecodeBatchSize.Skip(20).Take(5).ToArray());
        Assert.Equal(1000.0, f.PromptTokensInFlight.Sum(), 3);
    }

    [Fact]
    public void UnmeasuredLogNeedsAProfileAndIsEmulated()
    {
        var log = new RequestTrace("t", "Azure", T0, new[] { 0.0, 0.1 }, new[] { 100, 200 }, new[] { 10, 20 });
        var ex = Assert.Throws<PowerTraceException>(() => WorkloadFeatureBuilder.FromRequests(log, T0, 0.25, 40, null));
        Assert.Equal("WorkloadLatencyUnknown", ex.ErrorId);

        var profile = new ServingProfile(1000, 20, 0.1, 256, 2048);
        var f = WorkloadFeatureBuilder.FromRequests(log, T0, 0.25, 40, profile);
        var g = new WorkloadFeatures(0.25, 40);
        new ServingEmulator(profile).Emulate(ServingEmulatorTests.Work(new[] { 0.0, 0.1 }, new[] { 100, 200 }, new[] { 10, 20 }), g, 40);
        Assert.Equal(g.ActiveRequests, f.ActiveRequests);
        Assert.Equal(g.PromptTokensInFlight, f.PromptTokensInFlight);
        Assert.Equal(300.0, f.PromptTokensInFlight.Sum(), 3);
    }

    [Fact]
    public void PartlyMeasuredRequestsTakeTheProfilesMissingDuration()
    {
        var profile = new ServingProfile(1000, 10, 0, 256, 2048);
        // Latency only: TTFT from the profile (0.5 s); TTFT only: latency = TTFT + 9 steps / 10.
        var log = new RequestTrace("t", "Generic", T0, new[] { 0.0, 0.0 }, new[] { 500, 0 }, new[] { 10, 10 },
            new[] { double.NaN, 1.0 }, new[] { 2.0, double.NaN });
        var f = WorkloadFeatureBuilder.FromRequests(log, T0, 0.5, 8, profile);
        Assert.Equal(new float[] { 500, 0, 0, 0, 0 }, f.PromptTokensInFlight.Take(5).ToArray());
        // Second request ends at 1.9 s: 0.8 of bin 3.
        Assert.Equal(new[] { 2, 2, 2, 1.8, 0 }, f.ActiveRequests.Take(5).Select(x => Math.Round(x, 5)).ToArray());
        Assert.Equal(new[] { 0, 1, 2, 1.8, 0 }, f.DecodeBatchSize.Take(5).Select(x => Math.Round(x, 5)).ToArray());
    }

    [Fact]
    public void LogThatMissesTheTraceSaysByHowMuch()
    {
        var log = new RequestTrace("late", "Generic", T0.AddHours(8), new[] { 5.0 }, new[] { 10 }, new[] { 10 }, new[] { 0.1 }, new[] { 1.0 });
        var ex = Assert.Throws<InvalidSettingException>(() => WorkloadFeatureBuilder.FromRequests(log, T0, 0.25, 400, null));
        Assert.Equal("WorkloadDoesNotOverlapTrace", ex.ErrorId);
        Assert.Contains("starts 28705 s after the trace ends", ex.Message);
        var early = new RequestTrace("early", "Generic", T0.AddSeconds(-100), new[] { 0.0 }, new[] { 10 }, new[] { 10 }, new[] { 0.1 }, new[] { 1.0 });
        ex = Assert.Throws<InvalidSettingException>(() => WorkloadFeatureBuilder.FromRequests(early, T0, 0.25, 400, null));
        Assert.Contains("ends 99 s before the trace starts", ex.Message);
    }

    private static EngineStateSeries Series(DateTime start, double[] t, int[] run, int[] wait, double[] prompt, double[] gen) =>
        new("vllm", start, t, run, wait, prompt, gen, new double[t.Length]);

    [Fact]
    public void EngineStateSamplesDescribeTheIntervalEndingAtTheirTime()
    {
        // 1 Hz samples at 1..4 s after T0, then an idle gap, then one more at 10 s.
        var s = Series(T0, new double[] { 1, 2, 3, 4, 10 }, new[] { 1, 10, 10, 0, 2 }, new[] { 0, 2, 0, 0, 0 },
            new double[] { 85, 2000, 0, 0, 400 }, new double[] { 1, 400, 400, 26, 20 });
        var f = WorkloadFeatureBuilder.FromEngineState(s, T0, 0.5, 20);
        // Running is a snapshot at the log time: the count over an interval is the mean of its opening and closing
        // snapshots (the closing one alone for the first sample); (3, 4] ends with 0 running but generated 26 tokens/s.
        Assert.Equal(new float[] { 1, 1, 5.5f, 5.5f, 10, 10, 5, 5 }, f.ActiveRequests.Take(8).ToArray());
        Assert.Equal(f.ActiveRequests, f.DecodeBatchSize);
        Assert.Equal(new float[] { 0, 0, 2, 2, 0, 0, 0, 0 }, f.WaitingRequests.Take(8).ToArray());
        Assert.Equal(new float[] { 42.5f, 42.5f, 1000, 1000, 0, 0 }, f.PromptTokensInFlight.Take(6).ToArray());
        Assert.Equal(0f, f.ActiveRequests[10]);             // the gap after an idle sample is idle
        Assert.Equal(1f, f.ActiveRequests[19]);              // last sample covers (9, 10]: 0 running before it, 2 at its end
        Assert.Equal(85 + 2000 + 400, f.PromptTokensInFlight.Sum(), 3);
        Assert.Equal(1 + 11 + 2, f.NewArrivals.Sum(), 3);    // rises of running + waiting

        // Bins beyond the series are not invented unless asked.
        var ex = Assert.Throws<InvalidSettingException>(() => WorkloadFeatureBuilder.FromEngineState(s, T0.AddSeconds(-5), 0.5, 40));
        Assert.Equal("EngineStateDoesNotCoverTrace", ex.ErrorId);
        Assert.Contains("first 5 s", ex.Message);
        Assert.Contains("last 5 s", ex.Message);
        var g = WorkloadFeatureBuilder.FromEngineState(s, T0.AddSeconds(-5), 0.5, 40, idleOutsideSpan: true);
        Assert.Equal(f.ActiveRequests.Take(20), g.ActiveRequests.Skip(10).Take(20));
        var miss = Assert.Throws<InvalidSettingException>(() => WorkloadFeatureBuilder.FromEngineState(s, T0.AddHours(-8), 0.5, 40, true));
        Assert.Equal("WorkloadDoesNotOverlapTrace", miss.ErrorId);
    }

    [Fact]
    public void EngineStateIntervalEndingWithNothingRunningIsBusyWhenWorkWasDone()
    {
        // A request running at 1 s finishes during (1, 2]: the sample at 2 s reads 0 running but 30 tokens/s generated.
        // Then (2, 3] generates nothing with nothing running before it: idle. A request that starts and ends inside
        // (3, 4] (both snapshots 0, tokens generated) counts as one.
        var s = Series(T0, new double[] { 1, 2, 3, 4, 5 }, new[] { 1, 0, 0, 0, 0 }, new[] { 0, 0, 0, 0, 0 },
            new double[] { 100, 0, 0, 50, 0 }, new double[] { 5, 30, 0, 10, 0 });
        var f = WorkloadFeatureBuilder.FromEngineState(s, T0, 1.0, 5);
        Assert.Equal(new float[] { 1, 1, 0, 1, 0 }, f.DecodeBatchSize); // busy: at least one request
        Assert.Equal(new float[] { 1, 1, 0, 1, 0 }, f.ActiveRequests);
        var ctx = new byte[5];
        PowerTrace.Core.Model.WorkloadContext.Compute(f, ctx);
        Assert.False(PowerTrace.Core.Model.WorkloadContext.IsIdle(ctx[1]));
        Assert.True(PowerTrace.Core.Model.WorkloadContext.IsIdle(ctx[2]));
        Assert.True(PowerTrace.Core.Model.WorkloadContext.IsIdle(ctx[4]));
    }
}
