using PowerTrace.Core.Model;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;

namespace PowerTrace.Tests.Model;

/// <summary>
/// A known generating process, written independently of the model's sampler: 4 states whose targets
/// depend on the work in flight, sticky transitions, AR(1) residuals carried across state changes.
/// </summary>
internal static class KnownTruth
{
    public static readonly double[] Means = { 60, 200, 280, 400 };
    public static readonly double[] Stds = { 1.0, 5.0, 6.0, 8.0 };
    public static readonly double[] Phis = { 0.6, 0.5, 0.7, 0.3 };
    public const double BinSeconds = 0.25;

    public static ServingProfile Profile { get; } = new ServingProfile(5000, 40, 0.02, 64, 2048);

    /// <summary>Bursty traffic: idle gaps, prefill at each burst start, decode batches that shrink.</summary>
    public static WorkloadFeatures Features(int bins, ulong seed, float promptScale = 1f)
    {
        var rng = new Rng(seed);
        var f = new WorkloadFeatures(BinSeconds, bins);
        int i = 0;
        while (i < bins)
        {
            int idle = 20 + rng.NextInt(120);
            i += idle;
            int batch = 1 + rng.NextInt(16);
            int prefillBins = 2 + rng.NextInt(6);
            int busy = 40 + rng.NextInt(200);
            for (int j = 0; j < busy && i < bins; j++, i++)
            {
                float b = Math.Max(1, batch - j * batch / busy);
                f.ActiveRequests[i] = b;
                f.DecodeBatchSize[i] = j < prefillBins ? 0 : b;
                if (j < prefillBins) f.PromptTokensInFlight[i] = promptScale * (300 + rng.NextInt(900));
            }
        }
        return f;
    }

    /// <summary>Target state for a bin's work: idle, light decode, heavy decode, prefill.</summary>
    public static int Target(WorkloadFeatures f, int i)
    {
        if (f.PromptTokensInFlight[i] > 0) return 3;
        if (f.ActiveRequests[i] <= 0) return 0;
        return f.DecodeBatchSize[i] < 6 ? 1 : 2;
    }

    public static double[] Generate(WorkloadFeatures f, ulong seed, out int[] states)
    {
        var rng = new Rng(seed);
        int n = f.BinCount;
        var w = new double[n];
        states = new int[n];
        int s = Target(f, 0);
        double z = rng.NextGaussian();
        for (int i = 0; i < n; i++)
        {
            if (i > 0)
            {
                double u = rng.NextDouble();
                int t = Target(f, i);
                s = u < 0.8 ? t : u < 0.95 ? s : (t == 0 ? 0 : 1 + rng.NextInt(3));
                z = Phis[s] * z + Math.Sqrt(1 - Phis[s] * Phis[s]) * rng.NextGaussian();
            }
            states[i] = s;
            w[i] = Means[s] + Stds[s] * z;
        }
        return w;
    }

    public static PowerSeries Trace(double[] watts, string name = "truth")
        => new PowerSeries(name, TraceLevel.Node, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), BinSeconds, watts,
            new TraceMetadata("H100-80GB", 1, "Test-8B", 1));
}
