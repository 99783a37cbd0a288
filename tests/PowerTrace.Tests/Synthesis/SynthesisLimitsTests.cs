using Xunit;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Testing;

namespace PowerTrace.Tests.Synthesis;

/// <summary>
/// A test model whose GPU draws <c>watts + jitter · U(0,1)</c> per bin (from the server's stream), or NaN from
/// bin <c>nanFromBin</c> of server <c>nanServer</c>: big sites and broken user models, cheaply.
/// </summary>
internal sealed class FlatPowerModel : IServerPowerModel
{
    private readonly float _watts, _jitter;
    private readonly int _nanServer, _nanFromBin;

    public FlatPowerModel(float watts, float jitter = 0, double binSeconds = 0.25, int nanServer = -1, int nanFromBin = 0)
    {
        _watts = watts; _jitter = jitter; BinSeconds = binSeconds; _nanServer = nanServer; _nanFromBin = nanFromBin;
    }

    public double BinSeconds { get; }
    public double IdleWatts => 100;
    public double NameplateWatts => 1e7;
    public int GpuCount => 8;
    public int StateCount => 1;
    public double EstimateServiceSeconds(int promptTokens, int outputTokens) => 1;
    public IServerSynthesizer CreateSynthesizer() => new Synth(this);

    private sealed class Synth : IServerSynthesizer
    {
        private readonly FlatPowerModel _m;
        public Synth(FlatPowerModel m) { _m = m; }

        public void Synthesize(ServerWorkload work, ref Rng rng, Span<float> gpuWatts)
        {
            // Models are not told the server index: the NaN server is recognised by its random stream (seed, server).
            var probe = rng;
            bool nan = _m._nanServer >= 0 && probe.NextUInt64() == Rng.ForStream(NanSeed, (ulong)_m._nanServer).NextUInt64();
            for (int i = 0; i < gpuWatts.Length; i++) gpuWatts[i] = _m._watts + _m._jitter * (float)rng.NextDouble();
            if (nan) for (int i = _m._nanFromBin; i < gpuWatts.Length; i++) gpuWatts[i] = float.NaN;
        }
    }

    public const ulong NanSeed = 11;
}

public class SynthesisLimitsTests
{
    private static SynthesisSettings Big(IServerPowerModel model, int servers, params OutputLevel[] outputs) => new()
    {
        Model = model,
        Workload = SynthesisWorkload.Poisson(new ConstantRate(0.001)),
        Layout = new SiteLayout(10, servers / 10, 1),
        HorizonSeconds = 3600,
        WarmUpSeconds = 0,
        Seed = FlatPowerModel.NanSeed,
        Pue = 1.5,
        Outputs = outputs.ToList(),
    };

    private static List<PowerSeries> Shards(SynthesisSettings s, int count)
    {
        var parts = new List<PowerSeries>();
        for (int i = count - 1; i >= 0; i--) { s.ShardIndex = i; s.ShardCount = count; parts.AddRange(SynthesisEngine.Run(s).Series); }
        s.ShardIndex = 0; s.ShardCount = 1;
        return parts;
    }

    private static void AssertBits(IReadOnlyList<PowerSeries> expected, IReadOnlyList<PowerSeries> actual)
    {
        Assert.Equal(expected.Select(t => (t.Level, t.Name)), actual.Select(t => (t.Level, t.Name)));
        for (int i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i].Watts.Select(BitConverter.DoubleToInt64Bits), actual[i].Watts.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void FacilityOfTwoStandInShardsMergesExactlyAtOneHour()
    {
        // The reviewer's case: 200 servers in 2 shards, Facility at 1 h (each shard's facility is far above 156 kW).
        var s = new SynthesisSettings
        {
            Model = new StandInPowerModel(),
            Workload = SynthesisWorkload.Poisson(new ConstantRate(50)),
            Layout = new SiteLayout(10, 10, 2),
            HorizonSeconds = 3600,
            WarmUpSeconds = 0,
            Seed = 3,
            Outputs = new List<OutputLevel> { new(TraceLevel.Facility, 3600), new(TraceLevel.Site, 900) },
        };
        var whole = SynthesisEngine.Run(s).Series;
        var r = TraceMerger.Merge(Shards(s, 2));
        Assert.Equal(0, r.InexactGroups);
        Assert.Empty(r.Warnings);
        AssertBits(whole, r.Traces);
    }

    [Fact]
    public void A120MegawattSiteMergesExactlyAtEveryLevelUpToOneHour()
    {
        // 200 servers of 600 kW (+/- 1 kW per bin) + 1 kW non-GPU: 120 MW site, 180 MW facility, 60 MW per shard.
        var s = Big(new FlatPowerModel(6e5f, 1000f), 200,
            new OutputLevel(TraceLevel.Facility, 3600), new OutputLevel(TraceLevel.Site, 3600), new OutputLevel(TraceLevel.Row, 900),
            new OutputLevel(TraceLevel.Rack, 60));
        var whole = SynthesisEngine.Run(s).Series;
        Assert.InRange(whole.First(t => t.Level == TraceLevel.Site).Watts[0], 1.19e8, 1.22e8);
        var r = TraceMerger.Merge(Shards(s, 2));
        Assert.Equal(0, r.InexactGroups);
        AssertBits(whole, r.Traces);
    }

    [Fact]
    public void FacilityAbove490MegawattsAtOneHourDoesNotOverflow()
    {
        // 300 servers x (1 MW GPU + 1 MW non-GPU) = 600 MW site, 900 MW facility: site sum x PUE thousandths > 2^63.
        var s = Big(new FlatPowerModel(1e6f), 300, new OutputLevel(TraceLevel.Facility, 3600), new OutputLevel(TraceLevel.Site, 3600));
        s.NonGpu = NonGpuPower.Constant(1e6);
        var r = SynthesisEngine.Run(s).Series;
        Assert.Equal(6e8, r[1].Watts[0]);
        Assert.Equal(9e8, r[0].Watts[0]);
    }

    [Fact]
    public void GpuAndNonGpuPowerAtTheirClampsFitOneServer()
    {
        // GPU far above its clamp plus a huge -NonGpuShare (and, separately, the largest base): no int overflow.
        var s = Big(new FlatPowerModel(5e6f), 10, new OutputLevel(TraceLevel.Server, 0.25));
        s.NonGpu = NonGpuPower.IdlePlusShare(0, 1000);
        Assert.All(SynthesisEngine.Run(s).Series, t => Assert.All(t.Watts, w => Assert.Equal(2e6, w)));
        s.NonGpu = NonGpuPower.Constant(1e6);
        Assert.All(SynthesisEngine.Run(s).Series, t => Assert.All(t.Watts, w => Assert.Equal(2e6, w)));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void NaNFromAModelIsAnErrorNamingTheServer(double share)
    {
        var s = Big(new FlatPowerModel(500f, 10f, nanServer: 7, nanFromBin: 12345), 20, new OutputLevel(TraceLevel.Site, 60));
        s.NonGpu = NonGpuPower.IdlePlusShare(1000, share);
        var ex = Assert.Throws<PowerTraceException>(() => SynthesisEngine.Run(s));
        Assert.Equal("ModelProducedNaN", ex.ErrorId);
        Assert.Contains("server 7", ex.Message);
    }
}
