using Xunit;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using PowerTrace.Testing;

namespace PowerTrace.Tests.Synthesis;

internal static class SynthesisTestSupport
{
    public static readonly StandInPowerModel Model = new StandInPowerModel();

    /// <summary>2 rows x 3 racks x 4 servers = 24 servers.</summary>
    public static SynthesisSettings Small(SynthesisWorkload workload, RouterKind router = RouterKind.Random, double horizon = 600, params OutputLevel[] outputs)
        => new SynthesisSettings
        {
            Model = Model,
            Workload = workload,
            Layout = new SiteLayout(4, 3, 2),
            Router = router,
            HorizonSeconds = horizon,
            Seed = 42,
            Outputs = outputs.Length > 0 ? outputs.ToList() : AllLevels(),
        };

    public static List<OutputLevel> AllLevels() => new()
    {
        new OutputLevel(TraceLevel.Node, 0.25),
        new OutputLevel(TraceLevel.Server, 0.25),
        new OutputLevel(TraceLevel.Rack, 1),
        new OutputLevel(TraceLevel.Row, 5),
        new OutputLevel(TraceLevel.Site, 0.25),
        new OutputLevel(TraceLevel.Facility, 60),
    };

    /// <summary>A synthetic request log: Poisson arrivals at 20 req/s over 300 s with lognormal tokens.</summary>
    public static RequestTrace SyntheticLog(int seed = 7, double rate = 20, double seconds = 300)
    {
        var rng = new PowerTrace.Core.Numerics.Rng((ulong)seed);
        var a = new List<double>(); var p = new List<int>(); var o = new List<int>();
        double t = 3;
        while (t < seconds)
        {
            a.Add(t);
            LognormalTokenLengths.AzureConversation.Sample(ref rng, out int pp, out int oo);
            p.Add(pp); o.Add(oo);
            t += rng.NextExponential(rate);
        }
        return new RequestTrace("synthetic", "Synthetic", new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc), a.ToArray(), p.ToArray(), o.ToArray());
    }

    public static void AssertBitIdentical(SynthesisResult x, SynthesisResult y)
    {
        Assert.Equal(x.Series.Count, y.Series.Count);
        for (int i = 0; i < x.Series.Count; i++)
        {
            var a = x.Series[i]; var b = y.Series[i];
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(a.Level, b.Level);
            Assert.Equal(a.BinSeconds, b.BinSeconds);
            Assert.Equal(a.StartUtc, b.StartUtc);
            Assert.Equal(a.BinCount, b.BinCount);
            for (int j = 0; j < a.BinCount; j++)
                if (BitConverter.DoubleToInt64Bits(a.Watts[j]) != BitConverter.DoubleToInt64Bits(b.Watts[j]))
                    Assert.Fail($"{a.Name} bin {j}: {a.Watts[j]:R} != {b.Watts[j]:R}");
        }
    }

    /// <summary>The integer milliwatt-bin sums behind a synthesized trace.</summary>
    public static long[] Sums(PowerSeries s, double modelBin = 0.25)
    {
        double scale = (s.Level == TraceLevel.Facility ? 1e6 : 1000.0) * Math.Round(s.BinSeconds / modelBin);
        return s.Watts.Select(w => (long)Math.Round(w * scale)).ToArray();
    }

    public static double Cv(PowerSeries s)
    {
        double m = s.Watts.Average();
        return Math.Sqrt(s.Watts.Select(w => (w - m) * (w - m)).Average()) / m;
    }
}
