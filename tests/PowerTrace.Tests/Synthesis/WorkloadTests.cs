using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Testing;
using Xunit;
using static PowerTrace.Tests.Synthesis.SynthesisTestSupport;

namespace PowerTrace.Tests.Synthesis;

public class WorkloadTests
{
    private static readonly DateTime Midnight = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static RequestBuffer Draw(ArrivalRate rate, double horizon, ulong seed = 5)
    {
        var rng = new Rng(seed);
        var buf = new RequestBuffer();
        rate.Generate(Midnight, horizon, 1.0, LognormalTokenLengths.AzureConversation, ref rng, buf);
        return buf;
    }

    private static void AssertPoissonCount(long count, double expected)
        => Assert.InRange(count, expected - 5 * Math.Sqrt(expected), expected + 5 * Math.Sqrt(expected));

    [Fact]
    public void PoissonCountsMatchTheRateAndGapsAreExponential()
    {
        var buf = Draw(new ConstantRate(25), 4000);
        AssertPoissonCount(buf.Count, 100000);
        // Exponential gaps: mean 1/rate, coefficient of variation 1.
        var gaps = Enumerable.Range(1, buf.Count - 1).Select(i => buf.Arrivals[i] - buf.Arrivals[i - 1]).ToArray();
        double m = gaps.Average(), sd = Math.Sqrt(gaps.Select(g => (g - m) * (g - m)).Average());
        Assert.Equal(0.04, m, 0.001);
        Assert.Equal(1.0, sd / m, 0.02);
    }

    [Fact]
    public void DiurnalThinningFollowsTheCurveHourByHour()
    {
        var rate = new DiurnalRate(20, 2, peakHourUtc: 14);
        var buf = Draw(rate, 86400);
        for (int h = 0; h < 24; h += 3)
        {
            long n = Enumerable.Range(0, buf.Count).LongCount(i => buf.Arrivals[i] >= h * 3600 && buf.Arrivals[i] < (h + 1) * 3600);
            double expected = rate.MeanRatePerSecond(Midnight.AddHours(h), 3600) * 3600;
            AssertPoissonCount(n, expected);
        }
        Assert.Equal(20, rate.RatePerSecondAt(Midnight, 14 * 3600), 9);
        Assert.Equal(2, rate.RatePerSecondAt(Midnight, 2 * 3600), 9);
    }

    [Fact]
    public void RateSeriesIsPiecewiseConstantAndRepeats()
    {
        var rate = new RateSeries(new double[] { 5, 0, 30 }, 600);
        var buf = Draw(rate, 3600);
        long Count(double a, double b) => Enumerable.Range(0, buf.Count).LongCount(i => buf.Arrivals[i] >= a && buf.Arrivals[i] < b);
        AssertPoissonCount(Count(0, 600), 3000);
        Assert.Equal(0, Count(600, 1200));
        AssertPoissonCount(Count(1200, 1800), 18000);
        AssertPoissonCount(Count(1800, 2400), 3000);
        Assert.Equal(0, Count(2400, 3000));
    }

    [Fact]
    public void ReplayScalesToTheTargetRateAndLoopsToTheHorizon()
    {
        var log = SyntheticLog(rate: 20, seconds: 300);
        var buf = new RequestBuffer();
        var rng = new Rng(1);
        new RequestReplay(log, targetRatePerSecond: 10).Build(1800, null, ref rng, buf);
        Assert.Equal(10, buf.Count / 1800.0, 0.3);
        Assert.Equal(0, buf.Arrivals[0]);
        Assert.True(buf.Arrivals[buf.Count - 1] < 1800);
        // Token lengths come from the log, in order, copy after copy.
        Assert.Equal(log.PromptTokens[0], buf.Prompt[0]);
        Assert.Equal(log.PromptTokens[0], buf.Prompt[log.Count]);
        var once = new RequestBuffer();
        new RequestReplay(log, loop: false).Build(1800, null, ref rng, once);
        Assert.Equal(log.Count, once.Count);
    }

    [Fact]
    public void TokenPresetsHaveTheDocumentedMedians()
    {
        var rng = new Rng(3);
        var p = new int[20001]; var o = new int[20001];
        for (int i = 0; i < p.Length; i++) LognormalTokenLengths.AzureCode.Sample(ref rng, out p[i], out o[i]);
        Array.Sort(p); Array.Sort(o);
        Assert.InRange(p[10000], 1469 * 0.95, 1469 * 1.05);
        Assert.InRange(o[10000], 12, 14);
    }

    [Fact]
    public void EmpiricalTokenLengthsDrawLoggedPairsJointly()
    {
        var log = SyntheticLog();
        var pairs = new HashSet<(int, int)>(log.PromptTokens.Zip(log.OutputTokens));
        var dist = new EmpiricalTokenLengths(log);
        var rng = new Rng(11);
        for (int i = 0; i < 2000; i++)
        {
            dist.Sample(ref rng, out int p, out int o);
            Assert.Contains((p, o), pairs);
        }
    }

    [Theory]
    [InlineData(RouterKind.Random)]
    [InlineData(RouterKind.RoundRobin)]
    [InlineData(RouterKind.LeastLoaded)]
    public void EveryRequestIsServedByExactlyOneServer(RouterKind kind)
    {
        var log = SyntheticLog();
        int n = log.Count, servers = 7;
        var rng = new Rng(2);
        int[] target = RequestRouter.Route(kind, servers, log.ArrivalSeconds, log.PromptTokens, log.OutputTokens, n, new StandInPowerModel(), ref rng);
        Assert.All(target, t => Assert.InRange(t, 0, servers - 1));
        // Shards [0,3) and [3,7) gather disjoint requests that together are all of them, each server's in arrival order.
        var seen = new List<double>();
        foreach (var (a, b) in new[] { (0, 3), (3, 7) })
        {
            var off = RequestRouter.Gather(target, a, b, log.ArrivalSeconds, log.PromptTokens, log.OutputTokens, n, out var arr, out _, out _);
            for (int s = 0; s < b - a; s++)
                for (int j = off[s] + 1; j < off[s + 1]; j++) Assert.True(arr[j] >= arr[j - 1]);
            seen.AddRange(arr);
        }
        Assert.Equal(log.ArrivalSeconds.OrderBy(x => x), seen.OrderBy(x => x));
        var perServer = Enumerable.Range(0, servers).Select(s => target.Count(t => t == s)).ToArray();
        Assert.True(perServer.Min() > n / servers / 2, string.Join(",", perServer));
        if (kind == RouterKind.RoundRobin) Assert.True(perServer.Max() - perServer.Min() <= 1);
    }
}
