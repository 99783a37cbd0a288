using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Workload;
using Xunit;

namespace PowerTrace.Tests.Workload;

public class ServingEmulatorTests
{
    internal static ServerWorkload Work(double[] a, int[] p, int[] o) =>
        new(new ArraySegment<double>(a), new ArraySegment<int>(p), new ArraySegment<int>(o));

    internal static ServerWorkload Poisson(double ratePerSecond, int count, int prompt, int output, ulong seed)
    {
        var rng = new Rng(seed);
        var a = new double[count];
        double t = 0;
        for (int i = 0; i < count; i++) { t += -Math.Log(rng.NextDoubleNonZero()) / ratePerSecond; a[i] = t; }
        return Work(a, Enumerable.Repeat(prompt, count).ToArray(), Enumerable.Repeat(output, count).ToArray());
    }

    [Fact]
    public void RequestServedAloneFollowsTheProfileFormulasExactly()
    {
        var profile = new ServingProfile(1000, 50, 0.1, 256, 2048);
        var work = Work(new[] { 0.3 }, new[] { 700 }, new[] { 26 });
        var em = new ServingEmulator(profile);
        double[] adm = new double[1], ft = new double[1], fin = new double[1];
        em.EmulateRequests(work, adm, ft, fin);
        Assert.Equal(0.3, adm[0], 12);
        Assert.Equal(0.3 + profile.PrefillSeconds(700), ft[0], 12);
        Assert.Equal(1.0, ft[0], 12);
        Assert.Equal(ft[0] + profile.DecodeSeconds(26), fin[0], 12);
        Assert.Equal(1.5, fin[0], 12);

        var f = new WorkloadFeatures(0.25, 8);
        em.Emulate(work, f, 8);
        Assert.Equal(new float[] { 0, 200, 250, 250, 0, 0, 0, 0 }, f.PromptTokensInFlight.Take(8).ToArray());
        Assert.Equal(new float[] { 0, 0.8f, 1, 1, 1, 1, 0, 0 }, f.ActiveRequests.Take(8).ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 1, 0, 0 }, f.DecodeBatchSize.Take(8).ToArray());
        Assert.Equal(new float[] { 0, 1, 0, 0, 0, 0, 0, 0 }, f.NewArrivals.Take(8).ToArray());
        Assert.All(f.WaitingRequests, w => Assert.Equal(0f, w));
    }

    [Fact]
    public void DecodeStepsSlowDownWithTheBatchAndChunkedPrefillInterleaves()
    {
        // Two requests decoding together: each step takes (1 + 0.5) / 10 s.
        var profile = new ServingProfile(1e6, 10, 0.5, 256, 2048);
        var work = Work(new[] { 0.0, 0.0 }, new[] { 0, 0 }, new[] { 11, 11 });
        var em = new ServingEmulator(profile);
        double[] adm = new double[2], ft = new double[2], fin = new double[2];
        em.EmulateRequests(work, adm, ft, fin);
        Assert.Equal(10 * 1.5 / 10, fin[0], 9);
        Assert.Equal(fin[0], fin[1], 12);

        // Chunked prefill: one decoder (step 0.1 s) and a 1000-token prompt at 1000 tok/s with budget 101:
        // each step carries 100 prompt tokens (budget minus the decode token) and lasts 0.1 + 0.1 s.
        var p2 = new ServingProfile(1000, 10, 0, 256, 101);
        var w2 = Work(new[] { 0.0, 0.0 }, new[] { 0, 1000 }, new[] { 1000, 1 });
        new ServingEmulator(p2).EmulateRequests(w2, adm, ft, fin);
        Assert.Equal(2.0, ft[1], 9);
        Assert.Equal(2.0, fin[1], 9);
        // The decoder made 10 steps during the prefill, then 989 alone at 0.1 s.
        Assert.Equal(2.0 + 989 * 0.1, fin[0], 6);

        // Prefill first: the decoder pauses for the whole 1 s prefill.
        var p3 = new ServingProfile(1000, 10, 0, 256, 101, PrefillInterleave.PrefillFirst);
        new ServingEmulator(p3).EmulateRequests(w2, adm, ft, fin);
        Assert.Equal(1.0, ft[1], 9);
        Assert.Equal(1.0 + 999 * 0.1, fin[0], 6);
    }

    [Fact]
    public void ConcurrencyLimitQueuesInFifoOrder()
    {
        var profile = new ServingProfile(1000, 10, 0, 2, 2048);
        var work = Work(new[] { 0.0, 0.0, 0.0 }, new[] { 0, 0, 0 }, new[] { 11, 11, 11 });
        var em = new ServingEmulator(profile);
        double[] adm = new double[3], ft = new double[3], fin = new double[3];
        em.EmulateRequests(work, adm, ft, fin);
        Assert.Equal(new[] { 0.0, 0.0 }, adm.Take(2));
        Assert.Equal(1.0, adm[2], 9);
        Assert.Equal(2.0, fin[2], 9);
        var f = new WorkloadFeatures(0.5, 4);
        em.Emulate(work, f, 4);
        Assert.Equal(new float[] { 1, 1, 0, 0 }, f.WaitingRequests.Take(4).ToArray());
        Assert.Equal(new float[] { 2, 2, 1, 1 }, f.ActiveRequests.Take(4).ToArray());
        Assert.Equal(new float[] { 3, 0, 0, 0 }, f.NewArrivals.Take(4).ToArray());
    }

    [Fact]
    public void PromptTokensAreConservedUnderContention()
    {
        var rng = new Rng(7);
        int n = 5000;
        var a = new double[n]; var p = new int[n]; var o = new int[n];
        double t = 0;
        for (int i = 0; i < n; i++)
        {
            t += -Math.Log(rng.NextDoubleNonZero()) / 2.0;
            a[i] = t; p[i] = 1 + rng.NextInt(4000); o[i] = 1 + rng.NextInt(400);
        }
        var profile = new ServingProfile(5000, 40, 0.02, 16, 2048);
        var f = new WorkloadFeatures(0.25, 1);
        int bins = (int)((t + 3600) / 0.25);
        new ServingEmulator(profile).Emulate(Work(a, p, o), f, bins);
        double sum = 0; for (int i = 0; i < bins; i++) sum += f.PromptTokensInFlight[i];
        Assert.Equal(p.Sum(x => (double)x), sum, 1e-6 * sum);
        Assert.Equal(n, f.NewArrivals.Take(bins).Sum());
        Assert.Equal(0f, f.ActiveRequests[bins - 1]);
        Assert.True(f.WaitingRequests.Take(bins).Max() > 0, "this load should queue at some point");
        Assert.All(f.ActiveRequests.Take(bins), x => Assert.InRange(x, 0f, 16.0001f));
    }

    [Fact]
    public void SingleServerQueueMatchesPollaczekKhinchineForMD1()
    {
        // Deterministic service S = 500/1000 + 25/50 = 1 s, concurrency 1, Poisson arrivals at rho = 0.7.
        var profile = new ServingProfile(1000, 50, 0.3, 1, 2048);
        double lambda = 0.7, s = 1.0, rho = lambda * s;
        int n = 200_000;
        var work = Poisson(lambda, n, 500, 26, 42);
        double[] adm = new double[n], ft = new double[n], fin = new double[n];
        var em = new ServingEmulator(profile);
        em.EmulateRequests(work, adm, ft, fin);
        double wq = 0; for (int i = 0; i < n; i++) wq += adm[i] - work.ArrivalSeconds.Array![i];
        wq /= n;
        double wqTheory = rho * s / (2 * (1 - rho));
        Assert.InRange(wq / wqTheory, 0.97, 1.03);
        for (int i = 0; i < n; i++) Assert.Equal(1.0, fin[i] - adm[i], 9);

        // Time-averaged queue length from the features: Lq = lambda * Wq.
        double end = work.ArrivalSeconds.Array![n - 1];
        int bins = (int)(end / 1.0);
        var f = new WorkloadFeatures(1.0, bins);
        em.Emulate(work, f, bins);
        double lq = 0; for (int i = 0; i < bins; i++) lq += f.WaitingRequests[i];
        lq /= bins;
        Assert.InRange(lq / (lambda * wqTheory), 0.97, 1.03);
        double busy = 0; for (int i = 0; i < bins; i++) busy += f.ActiveRequests[i];
        Assert.InRange(busy / bins / rho, 0.98, 1.02);
    }

    [Fact]
    public void LowLoadActiveRequestsFollowLittlesLaw()
    {
        // L = lambda * W with W the uncontended service time; at 2.5 % utilisation overlaps are rare.
        var profile = new ServingProfile(2000, 40, 0.05, 256, 2048);
        double lambda = 0.01;
        int n = 5_000;
        var work = Poisson(lambda, n, 1000, 81, 3);
        double service = profile.PrefillSeconds(1000) + profile.DecodeSeconds(81); // 2.5 s
        int bins = (int)Math.Ceiling(work.ArrivalSeconds.Array![n - 1] + 10);
        var f = new WorkloadFeatures(1.0, bins);
        new ServingEmulator(profile).Emulate(work, f, bins);
        double l = 0; for (int i = 0; i < bins; i++) l += f.ActiveRequests[i];
        l /= bins;
        double lambdaObserved = n / (double)bins;
        Assert.InRange(l / (lambdaObserved * service), 0.99, 1.02);
    }

    [Fact]
    public void ReuseIsAllocationFreeAndDeterministic()
    {
        var profile = new ServingProfile(3000, 30, 0.02, 64, 2048);
        var work = Poisson(3, 20_000, 800, 120, 11);
        var em = new ServingEmulator(profile);
        var f = new WorkloadFeatures(0.25, 1);
        int bins = 30_000;
        em.Emulate(work, f, bins);
        var first = f.ActiveRequests.Take(bins).ToArray();
        // Warm-up calls first (tiered JIT may allocate on this thread while it recompiles), then the least of three
        // measured calls: a real per-call allocation shows in every one of them.
        for (int i = 0; i < 3; i++) em.Emulate(work, f, bins);
        long least = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            em.Emulate(work, f, bins);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
        Assert.Equal(first, f.ActiveRequests.Take(bins).ToArray());
    }
}
