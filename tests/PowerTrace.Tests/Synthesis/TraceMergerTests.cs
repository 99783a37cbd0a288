using Xunit;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Testing;

namespace PowerTrace.Tests.Synthesis;

public class TraceMergerTests
{
    private static SynthesisSettings Settings(double modelBin) => new()
    {
        Model = new StandInPowerModel(binSeconds: modelBin),
        Workload = SynthesisWorkload.Poisson(new ConstantRate(12)),
        Layout = new SiteLayout(4, 3, 2),
        HorizonSeconds = 120,
        Seed = 5,
        Outputs = new List<OutputLevel> { new(TraceLevel.Site, 0.6), new(TraceLevel.Rack, 1.2), new(TraceLevel.Row, 6), new(TraceLevel.Facility, 60) },
    };

    private static (List<PowerSeries> Whole, List<PowerSeries> Shards) Run(double modelBin, int shards)
    {
        var s = Settings(modelBin);
        var whole = SynthesisEngine.Run(s).Series.ToList();
        var parts = new List<PowerSeries>();
        for (int i = shards - 1; i >= 0; i--) { s.ShardIndex = i; s.ShardCount = shards; parts.AddRange(SynthesisEngine.Run(s).Series); }
        return (whole, parts);
    }

    private static void AssertSame(List<PowerSeries> expected, IReadOnlyList<PowerSeries> actual)
    {
        Assert.Equal(expected.Select(t => (t.Level, t.Name)), actual.Select(t => (t.Level, t.Name)));
        for (int i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i].Watts.Select(BitConverter.DoubleToInt64Bits), actual[i].Watts.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void SynthesizedTracesCarryTheirOrigin()
    {
        var s = Settings(0.3);
        s.ShardIndex = 1; s.ShardCount = 3;
        var t = SynthesisEngine.Run(s).Series[0];
        var o = Assert.IsType<SynthesisOrigin>(SynthesisOrigin.Of(t));
        Assert.Equal((5ul, 1, 3, 0.3), (o.Seed, o.ShardIndex, o.ShardCount, o.ModelBinSeconds));
        Assert.Null(SynthesisOrigin.Of(t.WithMetadata(t.Metadata)));
    }

    [Fact]
    public void MergeIsExactAndInUnshardedOrderFromTheOriginsModelBin()
    {
        var (whole, parts) = Run(0.3, 4);
        var r = TraceMerger.Merge(parts);
        Assert.Equal(0, r.InexactGroups);
        Assert.Empty(r.Warnings);
        AssertSame(whole, r.Traces);
    }

    [Fact]
    public void MergeDerivesTheScaleOfTracesWithoutOrigin()
    {
        // Copies lose the origin (as traces do that went through a file or were rebuilt): the merge finds the
        // milliwatt scale from the values; the old default (a 0.25 s model bin) could not for a 0.3 s model.
        var (whole, parts) = Run(0.3, 3);
        var copies = parts.Select(t => new PowerSeries(t.Name, t.Level, t.StartUtc, t.BinSeconds, (double[])t.Watts.Clone(), t.Metadata, t.Gaps, t.Position)).ToList();
        Assert.All(copies, c => Assert.Null(SynthesisOrigin.Of(c)));
        var r = TraceMerger.Merge(copies);
        Assert.Equal(0, r.InexactGroups);
        Assert.Empty(r.Warnings);
        AssertSame(whole, r.Traces);
        TraceMerger.Merge(copies, 0.25, out int inexactAtOldDefault);
        Assert.True(inexactAtOldDefault > 0);
    }

    [Fact]
    public void MeasuredLookingValuesAreSummedInDoubleAndCounted()
    {
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var a = new PowerSeries("site", TraceLevel.Site, start, 1, new[] { Math.PI, Math.E });
        var b = new PowerSeries("site", TraceLevel.Site, start, 1, new[] { Math.Sqrt(2), Math.Sqrt(3) });
        var r = TraceMerger.Merge(new[] { a, b });
        Assert.Equal(1, r.InexactGroups);
        Assert.Equal(new[] { Math.PI + Math.Sqrt(2), Math.E + Math.Sqrt(3) }, r.Traces.Single().Watts);
    }
}
