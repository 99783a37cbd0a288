using System.Diagnostics;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Workload;

namespace PowerTrace.Benchmarks;

/// <summary>
/// Serving emulator throughput for synthesis: one server, one day at 250 ms (345,600 bins), Poisson traffic
/// at a few rates (tens of thousands of requests). `dotnet run -c Release --project tests/PowerTrace.Benchmarks -- emulator`.
/// </summary>
public static class EmulatorBenchmark
{
    public static int Run(string[] args)
    {
        const double binSeconds = 0.25;
        const int bins = 345_600;
        var profile = new ServingProfile(6000, 45, 0.01, 256, 2048);
        var emulator = new ServingEmulator(profile);
        var features = new WorkloadFeatures(binSeconds, bins);
        foreach (double rate in new[] { 0.25, 1.0, 4.0 })
        {
            var work = Poisson(rate, bins * binSeconds, 11);
            emulator.Emulate(work, features, bins); // warm-up
            int reps = 5;
            var sw = Stopwatch.StartNew();
            for (int r = 0; r < reps; r++) emulator.Emulate(work, features, bins);
            sw.Stop();
            double s = sw.Elapsed.TotalSeconds / reps;
            double active = 0; for (int i = 0; i < bins; i++) active += features.ActiveRequests[i];
            Console.WriteLine($"rate {rate,4} req/s: {work.Count,7} requests, {bins} bins in {s * 1000,7:0.0} ms  => {bins / s / 1e6,6:0.00} M bins/s, {work.Count / s / 1e6,6:0.00} M requests/s (mean active {active / bins:0.00})");
        }
        Console.WriteLine($"peak working set {Program.PeakWorkingSetMB():0} MB");
        return 0;
    }

    private static ServerWorkload Poisson(double rate, double horizon, ulong seed)
    {
        var rng = new Rng(seed);
        var a = new List<double>(); var p = new List<int>(); var o = new List<int>();
        double t = 0;
        while (true)
        {
            t += -Math.Log(rng.NextDoubleNonZero()) / rate;
            if (t >= horizon) break;
            a.Add(t); p.Add(100 + rng.NextInt(3000)); o.Add(1 + rng.NextInt(500));
        }
        return new ServerWorkload(new ArraySegment<double>(a.ToArray()), new ArraySegment<int>(p.ToArray()), new ArraySegment<int>(o.ToArray()));
    }
}
