using PowerTrace.Core.Model;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using PowerTrace.Tests.Model;
using PowerTrace.Tests.Workload;
using Xunit;

namespace PowerTrace.Tests.Synthesis;

/// <summary>
/// Synthesis with the real <see cref="PowerModel"/>: the emulator's direct context stream equals the dense
/// features path, block-wise synthesis equals whole-horizon synthesis, and the engine's block path is
/// deterministic across threads and shards and equal to the whole-buffer path.
/// </summary>
public class RealModelSynthesisTests
{
    private static readonly Lazy<PowerModel> Fitted = new(() =>
    {
        var f = KnownTruth.Features(20000, 5);
        var watts = KnownTruth.Generate(f, 36, out _);
        return PowerModelFitter.Fit(new[] { new PowerModelTrainingInput(KnownTruth.Trace(watts), f) }, KnownTruth.Profile, new PowerModelFitOptions { Seed = 5 });
    });

    private static ServerWorkload Lognormal(double rate, double seconds, ulong seed, double start = 0)
    {
        var rng = new Rng(seed);
        var a = new List<double>(); var p = new List<int>(); var o = new List<int>();
        for (double t = start - Math.Log(rng.NextDoubleNonZero()) / rate; t < seconds; t += -Math.Log(rng.NextDoubleNonZero()) / rate)
        {
            a.Add(t);
            p.Add((int)Math.Round(1000 * Math.Exp(rng.NextGaussian())));
            o.Add(rng.NextInt(20) == 0 ? 1 : (int)Math.Round(150 * Math.Exp(0.9 * rng.NextGaussian())));
        }
        return ServingEmulatorTests.Work(a.ToArray(), p.ToArray(), o.ToArray());
    }

    [Theory]
    [InlineData(0.02, 0.25, "chunked")]
    [InlineData(0.25, 0.25, "chunked")]
    [InlineData(1.0, 0.25, "chunked")]
    [InlineData(6.0, 0.25, "chunked")]   // saturated: queueing, concurrency limit
    [InlineData(0.3, 0.25, "prefill-first")]
    [InlineData(0.3, 0.5, "chunked")]
    public void EmulatedContextsEqualTheDenseFeaturesPath(double rate, double binSeconds, string interleave)
    {
        var profile = new ServingProfile(3000, 40, 0.01, 16, 2048,
            interleave == "chunked" ? PrefillInterleave.ChunkedPrefill : PrefillInterleave.PrefillFirst);
        var em = new ServingEmulator(profile);
        int bins = (int)(3600 / binSeconds);
        // Arrivals from before the horizon (their tail shows) to past it.
        var work = Lognormal(rate, 3700, (ulong)(rate * 1000), start: -30);
        var f = new WorkloadFeatures(binSeconds, bins);
        em.Emulate(work, f, bins);
        var dense = new byte[bins];
        WorkloadContext.Compute(f, dense);
        var direct = new byte[bins + 5];
        direct[bins] = 77;
        em.EmulateContexts(work, binSeconds, bins, direct);
        Assert.Equal(77, direct[bins]);
        int busy = dense.Count(c => !WorkloadContext.IsIdle(c));
        Assert.InRange(busy, 1, bins); // the case exercises busy bins
        AssertSameUpToRounding(f, dense, direct, bins);
        // Reuse: a second, different server into the same buffer.
        var work2 = Lognormal(rate * 2, 3600, 99);
        em.Emulate(work2, f, bins);
        WorkloadContext.Compute(f, dense);
        em.EmulateContexts(work2, binSeconds, bins, direct);
        AssertSameUpToRounding(f, dense, direct, bins);
    }

    // The dense path sums bin averages in single precision, the direct path in double: a bin whose average
    // lies within rounding of a bucket edge (e.g. 11.999999 vs 12) may land on either side. Every difference
    // must be such a bin, and they must be rare.
    private static void AssertSameUpToRounding(WorkloadFeatures f, byte[] dense, byte[] direct, int bins)
    {
        float inv = (float)(1 / f.BinSeconds);
        int differ = 0;
        for (int i = 0; i < bins; i++)
        {
            if (dense[i] == direct[i]) continue;
            differ++;
            if (WorkloadContext.IsIdle(dense[i]) && WorkloadContext.IsIdle(direct[i])) continue; // idle age after a flipped bin
            bool explained = false;
            foreach (float e in new[] { -1e-4f, 1e-4f })
                foreach (float g in new[] { -1e-4f, 1e-4f })
                    explained |= WorkloadContext.BusyOf(f.ActiveRequests[i] + e, f.WaitingRequests[i] + e, f.PromptTokensInFlight[i] * (1 + g), f.DecodeBatchSize[i] + e, inv) == direct[i]
                        || WorkloadContext.BusyOf(f.ActiveRequests[i] + e, f.WaitingRequests[i] + e, f.PromptTokensInFlight[i] * (1 + g), f.DecodeBatchSize[i] - e, inv) == direct[i];
            Assert.True(explained, $"bin {i}: dense context {dense[i]}, direct {direct[i]} (active {f.ActiveRequests[i]}, waiting {f.WaitingRequests[i]}, prompt {f.PromptTokensInFlight[i]}, decode {f.DecodeBatchSize[i]})");
        }
        Assert.InRange(differ, 0, Math.Max(8, bins / 2000));
    }

    [Fact]
    public void BusyContextBucketsFollowTheSchemeEdges()
    {
        var pe = WorkloadContext.PromptEdgesTokensPerSecond;
        var de = WorkloadContext.DecodeEdges;
        var rates = new List<float> { 0f, 1f, 20000f, 1e6f };
        foreach (float e in pe) rates.AddRange(new[] { e, e * (1 - 1e-6f), e * (1 + 1e-6f) });
        var batches = new List<float> { 0f, 0.005f, 0.02f, 100f };
        foreach (float e in de) batches.AddRange(new[] { e, e - 1e-5f, e + 1e-5f });
        foreach (float r in rates)
            foreach (float d in batches)
            {
                int p = 0;
                if (r > 0) { p = 1; while (p - 1 < pe.Length && r >= pe[p - 1]) p++; }
                int db = 0;
                while (db < de.Length && d >= de[db]) db++;
                bool busy = r > 0 || d > WorkloadContext.NothingInFlight;
                int expected = busy ? WorkloadContext.IdleContexts + p * WorkloadContext.DecodeBuckets + db : 255;
                Assert.Equal(expected, WorkloadContext.BusyOf(0, 0, r * 0.25f, d, 4f));
            }
        Assert.Equal(WorkloadContext.Count - 1, WorkloadContext.BusyOf(100, 0, 1e5f, 100, 1f));
    }

    [Fact]
    public void NoRequestsGiveLongIdleEverywhere()
    {
        var em = new ServingEmulator(KnownTruth.Profile);
        var ctx = new byte[100];
        em.EmulateContexts(ServingEmulatorTests.Work(new double[0], new int[0], new int[0]), 0.25, 100, ctx);
        Assert.All(ctx, c => Assert.Equal(WorkloadContext.LongIdle, c));
    }

    [Fact]
    public void BlocksEqualTheWholeHorizonAndConsumeTheSameRandomness()
    {
        var model = Fitted.Value;
        var work = Lognormal(0.5, 3000, 3);
        int n = 12000;
        var whole = new float[n];
        var rng = Rng.ForStream(11, 2);
        var syn = model.CreateModelSynthesizer();
        syn.Synthesize(work, ref rng, whole);
        ulong after = rng.NextUInt64();

        var blocks = new float[n];
        syn.Begin(work, Rng.ForStream(11, 2), n);
        int pos = 0;
        foreach (int len in new[] { 1, 7, 4096, 333, 5000 })
        {
            syn.Next(new Span<float>(blocks, pos, len));
            pos += len;
        }
        syn.Next(new Span<float>(blocks, pos, n - pos));
        Assert.Equal(whole, blocks);
        Assert.Throws<ArgumentException>(() => syn.Next(new float[1]));

        // Synthesize consumes one draw per bin, as before blocks existed.
        var check = Rng.ForStream(11, 2);
        for (int i = 0; i < n; i++) check.NextUInt64();
        Assert.Equal(check.NextUInt64(), after);

        // The dense features path: the same contexts and residual draws; the work power from bin averages (decode steps
        // estimated from the mean batch) agrees closely with the emulator's exact per-interval work.
        var f = new WorkloadFeatures(model.BinSeconds, n);
        new ServingEmulator(model.ServingProfile).Emulate(work, f, n);
        var viaFeatures = new float[n];
        var r2 = Rng.ForStream(11, 2);
        syn.SynthesizeFromFeatures(f, ref r2, viaFeatures);
        Assert.NotNull(model.WorkPower);
        Assert.Equal(whole.Sum(), viaFeatures.Sum(), 0.02 * whole.Sum());
        int close = 0;
        for (int i = 0; i < n; i++) if (Math.Abs(whole[i] - viaFeatures[i]) <= 0.03 * whole[i] + 1) close++;
        Assert.True(close >= 0.95 * n, $"{close} of {n} bins within 3 %");
    }

    private static SynthesisSettings Site(IServerPowerModel model) => new()
    {
        Model = model,
        Workload = SynthesisWorkload.Poisson(new ConstantRate(0.4 * 24), LognormalTokenLengths.AzureConversation),
        Layout = new SiteLayout(4, 3, 2),
        HorizonSeconds = 1800, // 7,200 bins: two engine blocks, the second partial
        Seed = 9,
        Outputs = new List<OutputLevel>
        {
            new(TraceLevel.Node, 0.25), new(TraceLevel.Server, 0.25), new(TraceLevel.Rack, 1.5),
            new(TraceLevel.Row, 60), new(TraceLevel.Site, 0.25), new(TraceLevel.Facility, 900),
        },
    };

    [Fact]
    public void EngineBlockPathIsDeterministicShardableAndEqualToTheWholeBufferPath()
    {
        var model = Fitted.Value;
        var s = Site(model);
        s.MaxDegreeOfParallelism = 1;
        var one = SynthesisEngine.Run(s);
        s.MaxDegreeOfParallelism = 3;
        var three = SynthesisEngine.Run(s);
        AssertSame(one, three.Series);

        var w = Site(new WholeBuffer(model));
        w.MaxDegreeOfParallelism = 2;
        AssertSame(one, SynthesisEngine.Run(w).Series);

        var parts = new List<PowerSeries>();
        for (int i = 0; i < 3; i++)
        {
            s.ShardIndex = i; s.ShardCount = 3;
            parts.AddRange(SynthesisEngine.Run(s).Series);
        }
        var merged = TraceMerger.Merge(parts, 0.25, out int inexact);
        Assert.Equal(0, inexact);
        AssertSame(one, merged);
        var site = one.Series.Single(t => t.Level == TraceLevel.Site);
        Assert.True(site.Watts.Max() > site.Watts.Min()); // not flat: the work shows
    }

    private static void AssertSame(SynthesisResult expected, IReadOnlyList<PowerSeries> actual)
    {
        Assert.Equal(expected.Series.Count, actual.Count);
        var byKey = actual.ToDictionary(t => (t.Level, t.Name));
        foreach (var e in expected.Series)
            Assert.Equal(e.Watts.Select(BitConverter.DoubleToInt64Bits), byKey[(e.Level, e.Name)].Watts.Select(BitConverter.DoubleToInt64Bits));
    }

    /// <summary>The same model seen through the plain (whole-horizon) synthesizer interface.</summary>
    private sealed class WholeBuffer : IServerPowerModel
    {
        private readonly PowerModel _m;
        public WholeBuffer(PowerModel m) => _m = m;
        public double BinSeconds => _m.BinSeconds;
        public double IdleWatts => _m.IdleWatts;
        public double NameplateWatts => _m.NameplateWatts;
        public int GpuCount => _m.GpuCount;
        public int StateCount => _m.StateCount;
        public double EstimateServiceSeconds(int p, int o) => _m.EstimateServiceSeconds(p, o);
        public IServerSynthesizer CreateSynthesizer() => new Plain(_m.CreateModelSynthesizer());
        private sealed class Plain : IServerSynthesizer
        {
            private readonly PowerModelSynthesizer _s;
            public Plain(PowerModelSynthesizer s) => _s = s;
            public void Synthesize(ServerWorkload work, ref Rng rng, Span<float> gpuWatts) => _s.Synthesize(work, ref rng, gpuWatts);
        }
    }
}
