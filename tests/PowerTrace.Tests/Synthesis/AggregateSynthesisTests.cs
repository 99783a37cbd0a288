using Xunit;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Aggregate;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Testing;
using static PowerTrace.Tests.Synthesis.SynthesisTestSupport;

namespace PowerTrace.Tests.Synthesis;

/// <summary>
/// Aggregate (central-limit) synthesis against exact synthesis of the same site with the same model, its validation,
/// Auto's choice and provenance. Accuracy floors at scale (energy 0.5 %, peak 1 %, ramps 5 %) live in the
/// "aggregate" benchmark; these tests check the composition on sites small enough to synthesize exactly here.
/// </summary>
public class AggregateSynthesisTests
{
    // Own model instance: the calibration cache is per model, so these tests do not share statistics with others.
    private static readonly StandInPowerModel Stand = new StandInPowerModel();

    private static SynthesisSettings Site(SynthesisMethod method, int rows = 4, double horizon = 6 * 3600, double res = 60, ulong seed = 5) => new()
    {
        Model = Stand,
        Workload = SynthesisWorkload.Poisson(new DiurnalRate(0.5 * 100 * rows, 0.1 * 100 * rows, 3)),
        Layout = new SiteLayout(10, 10, rows),
        HorizonSeconds = horizon,
        Seed = seed,
        Method = method,
        Outputs = new List<OutputLevel> { new(TraceLevel.Row, res), new(TraceLevel.Site, res), new(TraceLevel.Facility, 600) },
    };

    [Fact]
    public void AggregateMatchesExactMeanLevelAndNoiseOnTheSameModel()
    {
        var exact = SynthesisEngine.Run(Site(SynthesisMethod.Exact));
        var agg = SynthesisEngine.Run(Site(SynthesisMethod.Aggregate));
        var se = exact.Series.Single(t => t.Level == TraceLevel.Site);
        var sa = agg.Series.Single(t => t.Level == TraceLevel.Site);
        Assert.Equal(se.BinCount, sa.BinCount);
        Assert.Equal(se.StartUtc, sa.StartUtc);
        // Energy: within 1 % (the exact run itself fluctuates by about 0.1 % here).
        Assert.InRange(sa.MeanWatts / se.MeanWatts, 0.99, 1.01);
        // The diurnal shape: hour by hour within 2 %.
        for (int h = 0; h < 6; h++)
        {
            double me = se.Watts.Skip(h * 60).Take(60).Average(), ma = sa.Watts.Skip(h * 60).Take(60).Average();
            Assert.InRange(ma / me, 0.98, 1.02);
        }
        // The noise: residual around a 15-bin moving mean has the same spread within 25 %.
        Assert.InRange(Roughness(sa) / Roughness(se), 0.75, 1.25);
    }

    [Fact]
    public void LevelsAddUpAndFacilityIsSiteTimesPue()
    {
        var r = SynthesisEngine.Run(Site(SynthesisMethod.Aggregate));
        var rows = r.Series.Where(t => t.Level == TraceLevel.Row).ToList();
        var site = r.Series.Single(t => t.Level == TraceLevel.Site);
        var fac = r.Series.Single(t => t.Level == TraceLevel.Facility);
        Assert.Equal(4, rows.Count);
        var siteSums = Sums(site);
        for (int j = 0; j < site.BinCount; j++) Assert.Equal(siteSums[j], rows.Sum(t => Sums(t)[j]));
        for (int j = 0; j < fac.BinCount; j++)
            Assert.Equal(1.3 * site.Watts.Skip(j * 10).Take(10).Average(), fac.Watts[j], 1e-9 * fac.Watts[j]);
        // Rows are independent draws, not copies.
        Assert.NotEqual(rows[0].Watts, rows[1].Watts);
    }

    [Fact]
    public void SameSeedIsBitIdenticalOnAnyThreadCountAndSeedsDiffer()
    {
        var s = Site(SynthesisMethod.Aggregate);
        s.MaxDegreeOfParallelism = 1;
        var one = SynthesisEngine.Run(s);
        s.MaxDegreeOfParallelism = 3;
        var three = SynthesisEngine.Run(s);
        AssertBitIdentical(one, three);
        s.Seed = 6;
        var other = SynthesisEngine.Run(s);
        Assert.NotEqual(one.Series.Single(t => t.Level == TraceLevel.Site).Watts, other.Series.Single(t => t.Level == TraceLevel.Site).Watts);
    }

    [Fact]
    public void CalibrationMatchesALongExactRunOfOneServer()
    {
        const int grid = 8; // 2^(8/4) / 4096 = 1/1024 req/s per server: too few requests, so use a busier point
        var stats = AggregateSynthesis.Calibrate(Stand, LognormalTokenLengths.AzureConversation, 60, grid + 24);
        double lambda = AggregateSynthesis.GridRate(grid + 24);
        Assert.Equal(lambda, stats.RatePerServerPerSecond, 12);
        // An exact 64-server site at the same per-server rate: mean per server and per-server 60-s variance.
        var s = new SynthesisSettings
        {
            Model = Stand,
            Workload = SynthesisWorkload.Poisson(new ConstantRate(64 * lambda), LognormalTokenLengths.AzureConversation),
            Layout = SiteLayout.Flat(64),
            HorizonSeconds = 4 * 3600,
            Seed = 11,
            Outputs = new List<OutputLevel> { new(TraceLevel.Node, 60) },
        };
        var nodes = SynthesisEngine.Run(s).Series;
        var all = nodes.SelectMany(t => t.Watts).ToArray();
        double mean = all.Average(), var = all.Select(w => (w - mean) * (w - mean)).Average();
        Assert.InRange(stats.MeanWatts / mean, 0.98, 1.02);
        Assert.InRange(stats.VarianceWatts2 / var, 0.8, 1.25);
        Assert.InRange(stats.Lag1Correlation, -0.99, 0.99);
        // Cached: the same object comes back.
        Assert.Same(stats, AggregateSynthesis.Calibrate(Stand, LognormalTokenLengths.AzureConversation, 60, grid + 24));
    }

    [Fact]
    public void AutoPicksAggregateForManyServersAtCoarseBinsAndExactOtherwise()
    {
        var big = Site(SynthesisMethod.Auto, rows: 5);
        big.Outputs = new List<OutputLevel> { new(TraceLevel.Site, 60), new(TraceLevel.Facility, 900) };
        Assert.Equal(SynthesisMethod.Aggregate, big.ResolveMethod());
        big.Outputs = new List<OutputLevel> { new(TraceLevel.Site, 1) };
        Assert.Equal(SynthesisMethod.Exact, big.ResolveMethod());          // fine bins
        big.Outputs = new List<OutputLevel> { new(TraceLevel.Row, 60) };
        Assert.Equal(SynthesisMethod.Exact, big.ResolveMethod());          // 100 servers per row
        big.Outputs = new List<OutputLevel> { new(TraceLevel.Site, 60) };
        big.Router = RouterKind.RoundRobin;
        Assert.Equal(SynthesisMethod.Exact, big.ResolveMethod());          // dependent servers
        var small = Site(SynthesisMethod.Auto, rows: 1);
        small.Outputs = new List<OutputLevel> { new(TraceLevel.Site, 60) };
        Assert.Equal(SynthesisMethod.Exact, small.ResolveMethod());        // 100 servers
    }

    [Fact]
    public void EveryTraceRecordsTheMethodItWasMadeWith()
    {
        var a = SynthesisEngine.Run(Site(SynthesisMethod.Aggregate, horizon: 3600));
        var e = SynthesisEngine.Run(Site(SynthesisMethod.Exact, rows: 1, horizon: 600));
        Assert.All(a.Series, t =>
        {
            Assert.StartsWith("synthesized (Aggregate", t.Metadata.Provenance);
            Assert.Equal(SynthesisMethod.Aggregate, SynthesisOrigin.Of(t)!.Method);
        });
        Assert.All(e.Series, t =>
        {
            Assert.StartsWith("synthesized (Exact)", t.Metadata.Provenance);
            Assert.Equal(SynthesisMethod.Exact, SynthesisOrigin.Of(t)!.Method);
        });
    }

    [Theory]
    [InlineData("replay", "AggregateNeedsRateWorkload", "Method")]
    [InlineData("roundrobin", "AggregateNeedsRandomRouting", "Router")]
    [InlineData("server", "AggregateLevelNotSupported", "Level")]
    [InlineData("shard", "AggregateNotSharded", "ShardCount")]
    public void AggregateRefusesWhatItCannotComposeBeforeAnyWork(string what, string id, string parameter)
    {
        var s = Site(SynthesisMethod.Aggregate);
        switch (what)
        {
            case "replay": s.Workload = SynthesisWorkload.FromReplay(new RequestReplay(SyntheticLog())); break;
            case "roundrobin": s.Router = RouterKind.RoundRobin; break;
            case "server": s.Outputs = new List<OutputLevel> { new(TraceLevel.Server, 60) }; break;
            case "shard": s.ShardCount = 2; break;
        }
        var ex = Assert.Throws<InvalidSettingException>(() => SynthesisEngine.Run(s));
        Assert.Equal(id, ex.ErrorId);
        Assert.Equal(parameter, ex.Parameter);
    }

    [Fact]
    public void AggregateStreamsToCsvLikeTheInMemoryRun()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pt-agg-" + Guid.NewGuid().ToString("N"));
        try
        {
            var s = Site(SynthesisMethod.Aggregate, horizon: 3600);
            s.Outputs = new List<OutputLevel> { new(TraceLevel.Site, 60) };
            var mem = SynthesisEngine.Run(s).Series.Single();
            s.OutFile = Path.Combine(dir, "site.csv");
            var f = SynthesisEngine.Run(s).Files.Single();
            var lines = File.ReadAllLines(f.Path);
            Assert.Equal(61, lines.Length);
            for (int j = 0; j < 60; j++)
                Assert.True(Math.Abs(mem.Watts[j] - double.Parse(lines[j + 1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)) < 1e-6);
            Assert.Empty(Directory.GetFiles(dir, "*.spill"));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    private static double Roughness(PowerSeries t)
    {
        var w = t.Watts;
        double ss = 0; int n = 0;
        for (int i = 7; i < w.Length - 7; i++)
        {
            double m = 0;
            for (int j = -7; j <= 7; j++) m += w[i + j];
            m /= 15;
            ss += (w[i] - m) * (w[i] - m); n++;
        }
        return Math.Sqrt(ss / n);
    }
}
