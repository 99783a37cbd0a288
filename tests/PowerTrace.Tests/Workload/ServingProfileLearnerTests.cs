using PowerTrace.Core.Errors;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Workload;
using Xunit;

namespace PowerTrace.Tests.Workload;

public class ServingProfileLearnerTests
{
    [Fact]
    public void RecoversTheProfileThatGeneratedARequestLog()
    {
        var truth = new ServingProfile(4000, 40, 0.03, 256, 2048);
        var rng = new Rng(9);
        int n = 3000;
        var a = new double[n]; var p = new int[n]; var o = new int[n];
        double t = 0;
        for (int i = 0; i < n; i++)
        {
            // Bursty: mostly spread out, sometimes a burst of simultaneous arrivals (batches of up to 12).
            t += rng.NextDouble() < 0.1 ? 0 : -Math.Log(rng.NextDoubleNonZero()) / 0.5;
            a[i] = t; p[i] = 50 + rng.NextInt(3000); o[i] = 2 + rng.NextInt(300);
        }
        double[] adm = new double[n], ft = new double[n], fin = new double[n];
        new ServingEmulator(truth).EmulateRequests(ServingEmulatorTests.Work(a, p, o), adm, ft, fin);
        var ttft = ft.Select((x, i) => x - a[i]).ToArray();
        var lat = fin.Select((x, i) => x - a[i]).ToArray();
        var log = new RequestTrace("synthetic", "Synthetic", null, a, p, o, ttft, lat);

        var learned = ServingProfileLearner.FromRequests(log);
        Assert.Equal(4000, learned.PrefillTokensPerSecond, 4000 * 0.01);
        Assert.Equal(40, learned.DecodeStepsPerSecond, 40 * 0.05);
        Assert.InRange(learned.DecodeStepSlowdownPerRequest, 0.02, 0.04);
        Assert.Equal(256, learned.MaxConcurrentRequests);
        Assert.Equal(2048, learned.MaxBatchedPromptTokens);
        Assert.Contains("RequestLog", learned.LearnedFrom);
        Assert.False(learned.PrefillRateIsLowerBound);

        var noLatency = new RequestTrace("x", "Azure", null, a, p, o);
        Assert.Equal("ServingProfileNotLearnable", Assert.Throws<PowerTraceException>(() => ServingProfileLearner.FromRequests(noLatency)).ErrorId);
    }

    [Fact]
    public void RecoversDecodeRatesFromEngineStateAndBoundsPrefill()
    {
        // Generation throughput for running b: b · 40 / (1 + 0.02 (b − 1)).
        int[] run = { 1, 10, 10, 10, 8, 8, 5, 5, 2, 2, 1, 1, 0 };
        double[] prompt = { 85, 2017, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        var gen = new double[run.Length];
        for (int i = 1; i < run.Length; i++)
        {
            double b = 0.5 * (run[i] + run[i - 1]);
            gen[i] = b * 40 / (1 + 0.02 * (b - 1));
        }
        var time = Enumerable.Range(1, run.Length).Select(x => (double)x).ToArray();
        var s = new EngineStateSeries("vllm", DateTime.UnixEpoch, time, run, new int[run.Length], prompt, gen, new double[run.Length]);
        var learned = ServingProfileLearner.FromEngineState(s);
        Assert.Equal(40, learned.DecodeStepsPerSecond, 1e-6);
        Assert.Equal(0.02, learned.DecodeStepSlowdownPerRequest, 1e-8);
        Assert.Equal(2017, learned.PrefillTokensPerSecond, 1e-9);
        Assert.True(learned.PrefillRateIsLowerBound);
    }
}
