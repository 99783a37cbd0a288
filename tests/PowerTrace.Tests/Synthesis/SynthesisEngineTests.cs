using Xunit;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Testing;
using static PowerTrace.Tests.Synthesis.SynthesisTestSupport;

namespace PowerTrace.Tests.Synthesis;

public class SynthesisEngineTests
{
    private static readonly SynthesisWorkload Poisson = SynthesisWorkload.Poisson(new ConstantRate(12));

    public static IEnumerable<object[]> Workloads() => new[]
    {
        new object[] { "poisson-random" },
        new object[] { "replay-random" },
        new object[] { "poisson-roundrobin" },
        new object[] { "replay-leastloaded" },
    };

    private static SynthesisSettings Case(string name) => name switch
    {
        "poisson-random" => Small(Poisson),
        "replay-random" => Small(SynthesisWorkload.FromReplay(new RequestReplay(SyntheticLog(), 15))),
        "poisson-roundrobin" => Small(Poisson, RouterKind.RoundRobin),
        "replay-leastloaded" => Small(SynthesisWorkload.FromReplay(new RequestReplay(SyntheticLog())), RouterKind.LeastLoaded),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Workloads))]
    public void SameSeedIsBitIdenticalOnOneTwoAndFourThreads(string name)
    {
        var s = Case(name);
        s.MaxDegreeOfParallelism = 1;
        var one = SynthesisEngine.Run(s);
        s.MaxDegreeOfParallelism = 2;
        var two = SynthesisEngine.Run(s);
        s.MaxDegreeOfParallelism = 4;
        var four = SynthesisEngine.Run(s);
        AssertBitIdentical(one, two);
        AssertBitIdentical(one, four);
        Assert.Equal(one.RequestCount, four.RequestCount);
        Assert.True(one.RequestCount > 1000);
        // A different seed gives a different trace.
        s.Seed = 43;
        var other = SynthesisEngine.Run(s);
        Assert.NotEqual(one.Series.Single(t => t.Level == TraceLevel.Site).Watts, other.Series.Single(t => t.Level == TraceLevel.Site).Watts);
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void ShardsMergeBitForBitIntoTheUnshardedRun(string name)
    {
        var s = Case(name);
        var whole = SynthesisEngine.Run(s);
        var parts = new List<PowerSeries>();
        long requests = 0;
        // 5 shards of 24 servers: uneven slices whose borders cut racks and rows.
        for (int i = 0; i < 5; i++)
        {
            s.ShardIndex = i; s.ShardCount = 5; s.MaxDegreeOfParallelism = 1 + i % 2;
            var r = SynthesisEngine.Run(s);
            Assert.Equal(s.ShardFirstServer, r.FirstServer);
            parts.AddRange(r.Series);
            requests += r.RequestCount;
        }
        var merged = TraceMerger.Merge(parts, 0.25, out int inexact);
        Assert.Equal(0, inexact);
        var expected = whole.Series.ToList();
        Assert.Equal(expected.Count, merged.Count);
        var byKey = merged.ToDictionary(t => (t.Level, t.Name));
        foreach (var e in expected)
        {
            var m = byKey[(e.Level, e.Name)];
            Assert.Equal(e.Position.Row, m.Position.Row);
            Assert.Equal(e.Position.Rack, m.Position.Rack);
            Assert.Equal(e.Position.Server, m.Position.Server);
            Assert.Equal(e.Watts.Select(BitConverter.DoubleToInt64Bits), m.Watts.Select(BitConverter.DoubleToInt64Bits));
        }
        Assert.Equal(whole.RequestCount, requests);
    }

    [Fact]
    public void EnergyIsConsistentAcrossLevels()
    {
        var s = Small(Poisson);
        s.NonGpu = NonGpuPower.IdlePlusShare(800, 0.1);
        var r = SynthesisEngine.Run(s);
        var site = r.Series.Single(t => t.Level == TraceLevel.Site);
        var facility = r.Series.Single(t => t.Level == TraceLevel.Facility);
        var servers = r.Series.Where(t => t.Level == TraceLevel.Server).ToList();
        var nodes = r.Series.Where(t => t.Level == TraceLevel.Node).ToList();
        var racks = r.Series.Where(t => t.Level == TraceLevel.Rack).ToList();
        var rows = r.Series.Where(t => t.Level == TraceLevel.Row).ToList();
        Assert.Equal(24, servers.Count); Assert.Equal(6, racks.Count); Assert.Equal(2, rows.Count);

        // Exact: the integer milliwatt-bin sums of the site equal the sum over servers, racks and rows.
        long siteTotal = Sums(site).Sum();
        Assert.Equal(siteTotal, servers.Sum(t => Sums(t).Sum()));
        Assert.Equal(siteTotal, racks.Sum(t => Sums(t).Sum()));
        Assert.Equal(siteTotal, rows.Sum(t => Sums(t).Sum()));
        // Bin by bin at the site's resolution, site = sum of servers.
        var siteSums = Sums(site);
        var serverSums = servers.Select(t => Sums(t)).ToList();
        for (int j = 0; j < siteSums.Length; j++) Assert.Equal(siteSums[j], serverSums.Sum(x => x[j]));

        // Server energy = GPU (node) energy + non-GPU energy, non-GPU = 800 W + 10 % of GPU (to 1 mW per bin).
        double nodeWh = nodes.Sum(t => t.EnergyWh), serverWh = servers.Sum(t => t.EnergyWh);
        double nonGpuWh = 24 * 800 * s.HorizonSeconds / 3600 + 0.1 * nodeWh;
        Assert.Equal(nonGpuWh, serverWh - nodeWh, 1e-3 * servers[0].BinCount * 24 / 3600 * 0.25 + 1e-6);
        Assert.Equal(site.EnergyWh, serverWh, 1e-6);
        // Facility = site x PUE.
        Assert.Equal(site.EnergyWh * 1.3, facility.EnergyWh, 1e-6 * facility.EnergyWh);
        Assert.True(site.MeanWatts > 24 * (400 + 800 + 40));
    }

    [Fact]
    public void AggregationSmoothsFromServerToSite()
    {
        var s = Small(Poisson, outputs: new[]
        {
            new OutputLevel(TraceLevel.Server, 0.25), new OutputLevel(TraceLevel.Rack, 0.25),
            new OutputLevel(TraceLevel.Row, 0.25), new OutputLevel(TraceLevel.Site, 0.25),
        });
        var r = SynthesisEngine.Run(s);
        double Cv(TraceLevel l) => r.Series.Where(t => t.Level == l).Average(SynthesisTestSupport.Cv);
        double server = Cv(TraceLevel.Server), rack = Cv(TraceLevel.Rack), row = Cv(TraceLevel.Row), site = Cv(TraceLevel.Site);
        Assert.True(server > rack && rack > row && row > site, $"CV server {server}, rack {rack}, row {row}, site {site}");
    }

    [Fact]
    public void PerServerPoissonStreamsDeliverTheSiteRate()
    {
        var s = Small(SynthesisWorkload.Poisson(new ConstantRate(40)), horizon: 500, outputs: new OutputLevel(TraceLevel.Site, 1));
        var r = SynthesisEngine.Run(s);
        double expected = 40 * 500;
        Assert.InRange(r.RequestCount, expected - 5 * Math.Sqrt(expected), expected + 5 * Math.Sqrt(expected));
    }

    [Fact]
    public void OutFileStreamsCsvEqualToTheInMemoryTraces()
    {
        var s = Small(Poisson, horizon: 120, outputs: new[] { new OutputLevel(TraceLevel.Server, 0.25), new OutputLevel(TraceLevel.Site, 1) });
        var mem = SynthesisEngine.Run(s);
        string dir = Path.Combine(Path.GetTempPath(), "pt-synth-" + Guid.NewGuid().ToString("N"));
        try
        {
            s.OutFile = Path.Combine(dir, "site.csv");
            s.MaxDegreeOfParallelism = 2;
            var file = SynthesisEngine.Run(s);
            Assert.Empty(file.Series);
            Assert.Equal(2, file.Files.Count);
            Assert.Equal(new[] { "site.Server.csv", "site.Server.csv.powertrace.json", "site.Site.csv", "site.Site.csv.powertrace.json" },
                Directory.GetFiles(dir).Select(Path.GetFileName).OrderBy(x => x, StringComparer.Ordinal));
            var lines = File.ReadAllLines(Path.Combine(dir, "site.Server.csv"));
            Assert.Equal(481, lines.Length);
            var header = lines[0].Split(',');
            Assert.Equal("TimestampUtc", header[0]);
            Assert.Equal("server 23", header[24]);
            Assert.StartsWith("2024-01-01T00:00:00.250Z,", lines[2]);
            var servers = mem.Series.Where(t => t.Level == TraceLevel.Server).ToList();
            for (int row = 1; row < lines.Length; row += 37)
            {
                var cells = lines[row].Split(',');
                for (int c = 1; c < cells.Length; c++)
                    Assert.Equal(servers[c - 1].Watts[row - 1], double.Parse(cells[c], System.Globalization.CultureInfo.InvariantCulture), 1e-6);
            }
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void CancellationStopsTheRun()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => SynthesisEngine.Run(Small(Poisson), null, cts.Token));
    }

    [Fact]
    public void ProgressReachesAllServers()
    {
        long last = 0, total = 0;
        SynthesisEngine.Run(Small(Poisson, outputs: new OutputLevel(TraceLevel.Site, 1)), p => { if (p.Phase == "Synthesizing") { Interlocked.Exchange(ref total, p.Total); long d; while ((d = Interlocked.Read(ref last)) < p.Done && Interlocked.CompareExchange(ref last, p.Done, d) != d) { } } });
        Assert.Equal(24, total);
        Assert.Equal(24, last);
    }

    public static IEnumerable<object[]> BadSettings() => new[]
    {
        new object[] { "NonPositiveHorizon", (Action<SynthesisSettings>)(s => s.HorizonSeconds = 0) },
        new object[] { "NonPositiveHorizon", (Action<SynthesisSettings>)(s => s.HorizonSeconds = -5) },
        new object[] { "NonPositiveRate", (Action<SynthesisSettings>)(s => s.Workload = SynthesisWorkload.Poisson(new ConstantRate(0))) },
        new object[] { "NonPositiveRate", (Action<SynthesisSettings>)(s => s.Workload = SynthesisWorkload.Poisson(new DiurnalRate(-1, 0))) },
        new object[] { "NonPositiveRate", (Action<SynthesisSettings>)(s => s.Workload = SynthesisWorkload.FromReplay(new RequestReplay(SyntheticLog(), -2))) },
        new object[] { "NoServers", (Action<SynthesisSettings>)(s => s.Layout = SiteLayout.Flat(0)) },
        new object[] { "NoServers", (Action<SynthesisSettings>)(s => s.Layout = new SiteLayout(4, 0, 3)) },
        new object[] { "ResolutionDoesNotDivideHorizon", (Action<SynthesisSettings>)(s => s.Outputs = new List<OutputLevel> { new(TraceLevel.Site, 7) }) },
        new object[] { "ResolutionDoesNotDivideHorizon", (Action<SynthesisSettings>)(s => s.HorizonSeconds = 600.1) },
        new object[] { "ResolutionNotMultipleOfModelBin", (Action<SynthesisSettings>)(s => s.Outputs = new List<OutputLevel> { new(TraceLevel.Site, 0.3) }) },
        new object[] { "ResolutionOutOfRange", (Action<SynthesisSettings>)(s => s.Outputs = new List<OutputLevel> { new(TraceLevel.Site, 7200) }) },
        new object[] { "ModelHasNoStates", (Action<SynthesisSettings>)(s => s.Model = new StandInPowerModel(stateCount: 0)) },
        new object[] { "InvalidShard", (Action<SynthesisSettings>)(s => { s.ShardIndex = 3; s.ShardCount = 3; }) },
        new object[] { "InvalidShard", (Action<SynthesisSettings>)(s => { s.ShardIndex = -1; s.ShardCount = 2; }) },
        new object[] { "InvalidShard", (Action<SynthesisSettings>)(s => { s.ShardIndex = 0; s.ShardCount = 0; }) },
        new object[] { "InvalidPue", (Action<SynthesisSettings>)(s => s.Pue = 0.9) },
        new object[] { "DuplicateLevel", (Action<SynthesisSettings>)(s => s.Outputs = new List<OutputLevel> { new(TraceLevel.Site, 1), new(TraceLevel.Site, 60) }) },
        new object[] { "OutputTooLarge", (Action<SynthesisSettings>)(s => { s.Layout = SiteLayout.Flat(10000); s.HorizonSeconds = 86400; s.Outputs = new List<OutputLevel> { new(TraceLevel.Server, 0.25) }; }) },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void BadInputFailsWithAStableIdBeforeAnyWork(string id, Action<SynthesisSettings> spoil)
    {
        var model = new CountingModel();
        var s = Small(Poisson);
        s.Model = model;
        spoil(s);
        var ex = Assert.Throws<InvalidSettingException>(() => SynthesisEngine.Run(s));
        Assert.Equal(id, ex.ErrorId);
        Assert.Equal(0, model.Synthesizers);
    }

    private sealed class CountingModel : IServerPowerModel
    {
        private readonly StandInPowerModel _inner = new();
        public int Synthesizers;
        public double BinSeconds => _inner.BinSeconds;
        public double IdleWatts => _inner.IdleWatts;
        public double NameplateWatts => _inner.NameplateWatts;
        public int GpuCount => _inner.GpuCount;
        public int StateCount => _inner.StateCount;
        public double EstimateServiceSeconds(int p, int o) => _inner.EstimateServiceSeconds(p, o);
        public IServerSynthesizer CreateSynthesizer() { Interlocked.Increment(ref Synthesizers); return _inner.CreateSynthesizer(); }
    }
}
