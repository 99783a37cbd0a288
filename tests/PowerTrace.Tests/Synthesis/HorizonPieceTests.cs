using Xunit;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Testing;
using static PowerTrace.Tests.Synthesis.SynthesisTestSupport;

namespace PowerTrace.Tests.Synthesis;

/// <summary>
/// The exact path streams long horizons in pieces (<see cref="SynthesisSettings.PieceSeconds"/>): same results on any
/// thread count and shard split, the same traffic as one piece where the traffic is fixed (a replay), the same law where
/// it is drawn, and files identical to memory. Memory independent of the horizon is the "longhorizon" benchmark.
/// </summary>
public class HorizonPieceTests
{
    private static SynthesisSettings Long(SynthesisWorkload w, RouterKind router, double pieceSeconds) => new()
    {
        Model = SynthesisTestSupport.Model,
        Workload = w,
        Layout = new SiteLayout(4, 3, 2),
        Router = router,
        HorizonSeconds = 3 * 3600,
        Seed = 9,
        PieceSeconds = pieceSeconds,
        Outputs = new List<OutputLevel> { new(TraceLevel.Rack, 60), new(TraceLevel.Site, 1), new(TraceLevel.Facility, 900) },
    };

    public static IEnumerable<object[]> Cases() => new[]
    {
        new object[] { "poisson", RouterKind.Random },
        new object[] { "poisson", RouterKind.RoundRobin },
        new object[] { "replay", RouterKind.LeastLoaded },
        new object[] { "replay", RouterKind.Random },
    };

    private static SynthesisWorkload Workload(string kind) => kind == "replay"
        ? SynthesisWorkload.FromReplay(new RequestReplay(SyntheticLog(rate: 6, seconds: 1800)))
        : SynthesisWorkload.Poisson(new DiurnalRate(10, 3, 1));

    [Theory]
    [MemberData(nameof(Cases))]
    public void PiecesAreDeterministicShardableAndMatchOnePieceInLaw(string kind, RouterKind router)
    {
        var one = SynthesisEngine.Run(Long(Workload(kind), router, 86400));
        var s = Long(Workload(kind), router, 1800);
        s.MaxDegreeOfParallelism = 1;
        var p1 = SynthesisEngine.Run(s);
        s.MaxDegreeOfParallelism = 4;
        var p4 = SynthesisEngine.Run(s);
        AssertBitIdentical(p1, p4);
        Assert.Equal(p1.RequestCount, p4.RequestCount);

        // Shards of the pieced run sum to it exactly.
        var whole = Sums(p1.Series.Single(t => t.Level == TraceLevel.Site));
        var sum = new long[whole.Length];
        for (int i = 0; i < 3; i++)
        {
            s.ShardIndex = i; s.ShardCount = 3;
            var part = Sums(SynthesisEngine.Run(s).Series.Single(t => t.Level == TraceLevel.Site));
            for (int j = 0; j < sum.Length; j++) sum[j] += part[j];
        }
        Assert.Equal(whole, sum);

        // A replay is the same traffic whether pieced or not; drawn traffic is the same law.
        if (kind == "replay") Assert.Equal(one.RequestCount, p1.RequestCount);
        else Assert.InRange(p1.RequestCount / (double)one.RequestCount, 0.95, 1.05);
        double e1 = one.Series.Single(t => t.Level == TraceLevel.Site).MeanWatts, ep = p1.Series.Single(t => t.Level == TraceLevel.Site).MeanWatts;
        Assert.InRange(ep / e1, 0.97, 1.03);
        // No seam: the mean of the minutes straddling each piece boundary is like any other minute's.
        var site = p1.Series.Single(t => t.Level == TraceLevel.Site).Watts;
        for (int boundary = 1800; boundary < site.Length; boundary += 1800)
        {
            double around = site.Skip(boundary - 30).Take(60).Average();
            double before = site.Skip(boundary - 600).Take(540).Average();
            Assert.InRange(around / before, 0.85, 1.15);
        }
    }

    [Fact]
    public void OnePieceRunsAreUnchangedByThePieceLength()
    {
        var a = SynthesisEngine.Run(Long(Workload("poisson"), RouterKind.Random, 86400));
        var b = SynthesisEngine.Run(Long(Workload("poisson"), RouterKind.Random, 3 * 3600));
        AssertBitIdentical(a, b);
    }

    [Fact]
    public void PiecedRunsStreamToCsvExactlyAsInMemory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pt-piece-" + Guid.NewGuid().ToString("N"));
        try
        {
            var s = Long(Workload("poisson"), RouterKind.Random, 1800);
            s.Outputs = new List<OutputLevel> { new(TraceLevel.Rack, 60) };
            var mem = SynthesisEngine.Run(s).Series;
            s.OutFile = Path.Combine(dir, "racks.csv");
            var f = SynthesisEngine.Run(s).Files.Single();
            var lines = File.ReadAllLines(f.Path);
            Assert.Equal(181, lines.Length);
            for (int j = 0; j < 180; j++)
            {
                var cells = lines[j + 1].Split(',');
                for (int g = 0; g < mem.Count; g++)
                    Assert.True(Math.Abs(mem[g].Watts[j] - double.Parse(cells[g + 1], System.Globalization.CultureInfo.InvariantCulture)) < 1e-6, $"rack {g} bin {j}");
            }
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void ABadPieceLengthIsRefused()
    {
        var s = Long(Workload("poisson"), RouterKind.Random, 0);
        var ex = Assert.Throws<PowerTrace.Core.Errors.InvalidSettingException>(() => SynthesisEngine.Run(s));
        Assert.Equal("InvalidPieceSeconds", ex.ErrorId);
    }
}
