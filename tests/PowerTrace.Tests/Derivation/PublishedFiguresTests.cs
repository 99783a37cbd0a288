using PowerTrace.Core.Analysis;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Hardware;
using PowerTrace.Core.Model;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Workload;
using Xunit;
using Xunit.Abstractions;

namespace PowerTrace.Tests.Derivation;

/// <summary>
/// Derived models against the published measurements of real A100 and H100 vLLM runs (issue 10's table: vLLM 0.10.1,
/// Qwen3-8B BF16, TP1, chunked prefill with 8,192 batched tokens, nvidia-smi power.draw every 250 ms, 200 ShareGPT
/// requests with mean prompt 332 and mean output 213 tokens at the given mean rate; statistics from the first request on).
/// The traces are not in the repository; only their published figures are, so the traffic is regenerated: arrivals of the
/// stated process and rate, token counts lognormal with the published means (σ 1.0 prompt, 0.8 output: ShareGPT's long
/// tails, an assumption). Nothing here was fitted to these runs except the H100 watts per TB/s, calibrated on the H100
/// run's median (see <see cref="WorkPowerCalibration"/>): that row's P50 is in-sample, its mean, P10, P99 and max are not.
/// </summary>
public class PublishedFiguresTests
{
    private readonly ITestOutputHelper _out;
    public PublishedFiguresTests(ITestOutputHelper o) => _out = o;

    public sealed record Run(string Gpu, double Rate, double Shape, double Idle, double Mean, double P10, double P50, double P99, double Max);

    /// <summary>Issue 10's table (shape: gamma inter-arrival shape; 1 = Poisson).</summary>
    public static readonly Run[] Runs =
    {
        new("A100-SXM-80GB", 2.57, 1, 83, 301, 289, 295, 489, 521),
        new("A100-SXM-80GB", 2.64, 0.25, 82, 297, 284, 295, 486, 500),
        new("A100-SXM-80GB", 2.65, 4, 83, 303, 286, 295, 458, 512),
        new("A100-SXM-80GB", 4.01, 1, 82, 308, 288, 300, 447, 509),
        new("H100-SXM-80GB", 4.11, 1, 123, 409, 395, 415, 453, 465),
    };

    internal static PowerModel Derived(string gpu, ModelBound bound = ModelBound.Central)
    {
        var llm = LlmCatalog.TryFind("Qwen3-8B")!;
        var m = PowerModelDeriver.Derive(new[] { ReferenceModels.Anchor },
            new DerivationTarget(GpuCatalog.Find(gpu), 1, llm.Parameters, 1, llm.ActiveParameters, 2, llm.Name, llm.Layers));
        return bound == ModelBound.Central ? m : ModelVariants.WithBound(m, bound);
    }

    /// <summary>200 requests: gamma inter-arrivals of the given shape and mean 1/rate; lognormal token counts with the published means.</summary>
    internal static ServerWorkload Traffic(double rate, double shape, ulong seed)
    {
        var rng = Rng.ForStream(seed, 77);
        int n = 200;
        var a = new double[n]; var p = new int[n]; var o = new int[n];
        double t = 0;
        for (int i = 0; i < n; i++)
        {
            if (i > 0) t += Gamma(ref rng, shape) / (shape * rate);
            a[i] = t;
            p[i] = Math.Max(1, (int)Math.Round(332 * Math.Exp(1.0 * rng.NextGaussian() - 0.5)));
            o[i] = Math.Max(1, (int)Math.Round(213 * Math.Exp(0.8 * rng.NextGaussian() - 0.32)));
        }
        return new ServerWorkload(new ArraySegment<double>(a), new ArraySegment<int>(p), new ArraySegment<int>(o));
    }

    // Marsaglia-Tsang, with the shape < 1 boost.
    private static double Gamma(ref Rng rng, double k)
    {
        if (k < 1) return Gamma(ref rng, k + 1) * Math.Pow(rng.NextDoubleNonZero(), 1 / k);
        double d = k - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = rng.NextGaussian(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = rng.NextDoubleNonZero();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    /// <summary>Synthesized statistics from the first request until every request has finished (median over 5 seeds).</summary>
    internal static (double mean, double p10, double p50, double p99, double max) Synthesize(PowerModel model, Run run)
        => Synthesize(model, run, out _);

    /// <summary>
    /// As <see cref="Synthesize(PowerModel, Run)"/>; <paramref name="ksAtQuantiles"/> = the largest distance between the
    /// synthesized CDF and the published one at the published P10, P50 and P99 (0.10, 0.50, 0.99): a lower bound of the KS
    /// statistic against the measured run (median over seeds).
    /// </summary>
    internal static (double mean, double p10, double p50, double p99, double max) Synthesize(PowerModel model, Run run, out double ksAtQuantiles)
    {
        var stats = new List<double[]>();
        var ks = new List<double>();
        for (ulong seed = 1; seed <= 5; seed++)
        {
            var work = Traffic(run.Rate, run.Shape, seed);
            var fin = new double[work.Count];
            new ServingEmulator(model.ServingProfile).EmulateRequests(work, new double[work.Count], new double[work.Count], fin);
            int bins = (int)Math.Ceiling(fin.Max() / model.BinSeconds);
            var w = new float[bins];
            var rng = Rng.ForStream(seed, 0);
            model.CreateModelSynthesizer().Synthesize(work, ref rng, w);
            var d = w.Select(x => (double)x).OrderBy(x => x).ToArray();
            double Cdf(double x) => d.Count(v => v <= x) / (double)d.Length;
            ks.Add(new[] { Math.Abs(Cdf(run.P10) - 0.10), Math.Abs(Cdf(run.P50) - 0.50), Math.Abs(Cdf(run.P99) - 0.99) }.Max());
            stats.Add(new[] { d.Average(), Quantiles.SortedType7(d, 0.10), Quantiles.SortedType7(d, 0.50), Quantiles.SortedType7(d, 0.99), d[^1] });
        }
        double Med(int j) { var v = stats.Select(s => s[j]).OrderBy(x => x).ToArray(); return v[v.Length / 2]; }
        ksAtQuantiles = ks.OrderBy(x => x).ElementAt(ks.Count / 2);
        return (Med(0), Med(1), Med(2), Med(3), Med(4));
    }

    [Fact]
    public void Derived_models_match_the_published_A100_and_H100_runs()
    {
        var failures = new List<string>();
        _out.WriteLine("GPU            req/s shape | measured mean P10 P50 P99 max | synthesized mean P10 P50 P99 max | mean% P99% | band mean, P99");
        foreach (var run in Runs)
        {
            var central = Derived(run.Gpu);
            var s = Synthesize(central, run, out double ksLow);
            var lo = Synthesize(Derived(run.Gpu, ModelBound.Low), run);
            var hi = Synthesize(Derived(run.Gpu, ModelBound.High), run);
            double eMean = 100 * (s.mean - run.Mean) / run.Mean, eP99 = 100 * (s.p99 - run.P99) / run.P99;
            _out.WriteLine($"{run.Gpu,-14} {run.Rate,4:F2} {run.Shape,4:F2} | {run.Mean,4:F0} {run.P10,4:F0} {run.P50,4:F0} {run.P99,4:F0} {run.Max,4:F0} | {s.mean,4:F0} {s.p10,4:F0} {s.p50,4:F0} {s.p99,4:F0} {s.max,4:F0} | {eMean,5:F1} {eP99,5:F1} | [{lo.mean:F0}, {hi.mean:F0}], [{lo.p99:F0}, {hi.p99:F0}]");
            _out.WriteLine($"   KS at the published quantiles (a lower bound of KS): {ksLow:F3}");
            if (!(ksLow <= 0.30)) failures.Add($"{run}: KS at the published quantiles {ksLow:F2}");
            _out.WriteLine($"   profile: prefill {central.ServingProfile.PrefillTokensPerSecond:F0} tok/s, decode {central.ServingProfile.DecodeStepsPerSecond:F1} steps/s, slowdown {central.ServingProfile.DecodeStepSlowdownPerRequest:F4}; {central.WorkPower}");
            if (!(Math.Abs(eMean) <= 10)) failures.Add($"{run}: mean error {eMean:F1} %");
            if (!(Math.Abs(eP99) <= 15)) failures.Add($"{run}: P99 error {eP99:F1} %");
            if (!(run.Mean >= lo.mean && run.Mean <= hi.mean)) failures.Add($"{run}: mean outside the band");
            if (!(run.P99 >= lo.p99 && run.P99 <= hi.p99)) failures.Add($"{run}: P99 outside the band");
            if (!(Math.Abs(run.Idle - central.IdleWatts) <= run.Idle * 0.03)) failures.Add($"{run}: idle {central.IdleWatts}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    // Issue 10: an H100 TP2 node serving Qwen3-30B-A3B (3.3 B of 30.5 B parameters active) never exceeded 808 W, 58 % of its
    // 1,400 W nameplate, where the template model sent prefill to TDP. The run's traffic is not published: ShareGPT-like
    // traffic at 4 and 8 req/s stands in for it; the synthesized peak must stay far below TDP and near the measured one.
    [InlineData(4.0)]
    [InlineData(8.0)]
    public void Small_active_MoE_on_H100_stays_far_below_TDP(double rate)
    {
        var llm = LlmCatalog.TryFind("Qwen3-30B-A3B")!;
        var m = PowerModelDeriver.Derive(new[] { ReferenceModels.Anchor },
            new DerivationTarget(GpuCatalog.Find("H100"), 2, llm.Parameters, 2, llm.ActiveParameters, 2, llm.Name, llm.Layers));
        var s = Synthesize(m, new Run("H100-SXM-80GB", rate, 1, 0, 0, 0, 0, 0, 0));
        _out.WriteLine($"{rate} req/s: mean {s.mean:F0} W, P50 {s.p50:F0}, P99 {s.p99:F0}, max {s.max:F0} of {m.NameplateWatts:F0} W nameplate; decode {m.ServingProfile.DecodeStepsPerSecond:F1} steps/s, slowdown {m.ServingProfile.DecodeStepSlowdownPerRequest:F3}, prefill {m.ServingProfile.PrefillTokensPerSecond:F0} tok/s");
        // Measured (ShareGPT-like stand-in traffic): max 707 / 703 W, P99 620 / 630 W at 4 / 8 req/s; the real run's heavier
        // prompts may explain part of the gap to its 808 W.
        Assert.InRange(s.max, 0.35 * m.NameplateWatts, 0.70 * m.NameplateWatts);
        Assert.InRange(s.max, 0.6 * 808, 1.15 * 808);
    }
}
