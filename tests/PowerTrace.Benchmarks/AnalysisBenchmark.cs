using Stopwatch = System.Diagnostics.Stopwatch;
using PowerTrace.Core.Analysis;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Traces;

namespace PowerTrace.Benchmarks;

/// <summary>
/// Oversubscription on synthetic rack pools (60 and 100 racks x 14,400 bins, 200 trials, 600 kW row, 26 kW racks),
/// plus a load profile and a cap on their sum. `dotnet run -c Release --project tests/PowerTrace.Benchmarks -- analysis`.
/// </summary>
public static class AnalysisBenchmark
{
    public static int Run(string[] args)
    {
        Console.WriteLine($"{"racks",6} {"bins",7} {"trials",6} {"threads",7} {"counts",6} {"fit",4} {"nameplate",9} {"meanPow",7} {"seconds",8}");
        foreach (int racks in new[] { 60, 100 })
        {
            var pool = Pool(racks, 14400, 42);
            foreach (var (threads, full) in new[] { (1, false), (-1, false), (1, true), (-1, true) })
            {
                // full: the whole curve up to the pool size (MaxCount), not only up to where the summed mean surely exceeds the limit.
                var settings = new OversubscriptionSettings { LimitKW = 600, NameplateKW = 26, Trials = 200, Seed = 1, MaxDegreeOfParallelism = threads, MaxCount = full ? racks : (int?)null };
                Oversubscription.Measure(pool, settings); // warm-up (JIT)
                var sw = Stopwatch.StartNew();
                var r = Oversubscription.Measure(pool, settings);
                sw.Stop();
                Console.WriteLine($"{racks,6} {14400,7} {200,6} {(threads < 0 ? Environment.ProcessorCount : threads),7} {r.Curve.Count,6} {r.UnitsThatFit,4} {r.NameplateCount,9} {r.MeanPowerCount,7} {sw.Elapsed.TotalSeconds,8:0.000}");
            }
            var sum = new double[14400];
            foreach (var p in pool) for (int i = 0; i < sum.Length; i++) sum[i] += p.Watts[i];
            var site = new PowerSeries("sum", TraceLevel.Row, pool[0].StartUtc, pool[0].BinSeconds, sum);
            var sw2 = Stopwatch.StartNew();
            var prof = LoadProfileAnalysis.Measure(new[] { site });
            var cap = PowerCap.MeasureKeepingEnergyShare(site, 0.999);
            Console.WriteLine($"   load profile + cap on the {racks}-rack sum: {sw2.Elapsed.TotalMilliseconds:0} ms (peak {prof.PeakKW:0} kW, LF {prof.LoadFactor:0.###}, 99.9 % cap {cap.CapKW:0} kW)");
        }
        Console.WriteLine($"peak working set {Program.PeakWorkingSetMB():0} MB");
        return 0;
    }

    /// <summary>Racks of 8 servers (~1-3 kW each): a shared slow swing, per-rack AR(1) load and prefill bursts; 1 s bins.</summary>
    internal static List<PowerSeries> Pool(int racks, int bins, ulong seed)
    {
        var start = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var list = new List<PowerSeries>(racks);
        for (int r = 0; r < racks; r++)
        {
            var rng = Rng.ForStream(seed, (ulong)r);
            var w = new double[bins];
            double ar = 0;
            for (int i = 0; i < bins; i++)
            {
                ar = 0.98 * ar + 0.2 * rng.NextGaussian();
                double swing = Math.Sin(2 * Math.PI * i / bins);
                double burst = rng.NextDouble() < 0.01 ? 4000 * rng.NextDouble() : 0;
                w[i] = Math.Max(8000, 12000 + 2500 * swing + 1500 * ar + burst);
            }
            list.Add(new PowerSeries($"rack {r}", TraceLevel.Rack, start, 1, w));
        }
        return list;
    }
}
