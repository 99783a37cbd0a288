using System.Diagnostics;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Aggregate;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using TraceLevel = PowerTrace.Core.Traces.TraceLevel;

namespace PowerTrace.Benchmarks;

/// <summary>
/// Issue 11's floors, each printed PASS/FAIL:
/// "aggregate": (1) a 30,000-server site-year at 15 min by aggregate synthesis, cold (calibration included): &lt; 60 s and
/// &lt; 400 MB peak working set (run first, so the process peak is this run's); (2) aggregate against exact synthesis of the
/// same 1,000-server site over 7 days, facility at 15 min, 5 seeds: energy within 0.5 % and 15-min peak within 1 % for
/// every seed, P95 of the 15-min ramps (|change between consecutive 15-min bins|, pooled over the 5 seeds) within 5 %.
/// "longhorizon": a 240-server site-year at 1 h, exact, Site and Facility: &lt; 400 MB peak working set (run alone).
/// Model: the built-in H100-TP4-70B reference model; diurnal Poisson traffic (0.11..0.375 req/s per server, the planning
/// study's per-server rates), Azure-conversation token lengths, random routing, 1000 W non-GPU, PUE 1.3.
/// Args after the name: "seeds=N", "days=N", "servers=N" change the comparison.
/// </summary>
public static class ScaleBenchmark
{
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static int RunAggregate(string[] args)
    {
        int seeds = IntArg(args, "seeds", 5), days = IntArg(args, "days", 7), servers = IntArg(args, "servers", 1000);
        var model = ReferenceModels.Get("H100-TP4-70B");
        Console.WriteLine($"model {model}; threads {Environment.ProcessorCount}; load average before: {LoadAverage()}");
        int rc = 0;

        // (1) 30,000 servers x 1 year at 15 min, cold.
        if (args.Contains("compare", StringComparer.OrdinalIgnoreCase)) goto Compare;
        var big = Settings(model, 30000, 365 * 86400.0, 1, SynthesisMethod.Aggregate, 900);
        var sw = Stopwatch.StartNew();
        var r = SynthesisEngine.Run(big);
        sw.Stop();
        double ws = Program.PeakWorkingSetMB();
        var fac = r.Series.First(t => t.Level == TraceLevel.Facility);
        Console.WriteLine($"| 30,000 servers x 365 d at 15 min, Aggregate (cold) | {sw.Elapsed.TotalSeconds:0.0} s | peak WS {ws:0} MB | facility peak {fac.PeakWatts / 1e6:0.00} MW, energy {fac.MeanWatts * 365 * 24 / 1e6:0} MWh | load average {LoadAverage()} |");
        rc |= Floor("30,000-server site-year at 15 min", sw.Elapsed.TotalSeconds < 60, $"{sw.Elapsed.TotalSeconds:0.0} s < 60 s");
        rc |= Floor("30,000-server site-year peak working set", ws < 400, $"{ws:0} MB < 400 MB");
        Console.WriteLine("   provenance: " + fac.Metadata.Provenance);

        // (2) Aggregate against exact, same site, same model.
        Compare:
        Console.WriteLine($"\n{servers} servers x {days} d, facility at 15 min, {seeds} seeds (exact is 250 ms per server; timings on a shared machine)");
        Console.WriteLine("| seed | exact s | aggregate s | energy err % | 15-min peak err % | P95 ramp exact kW | P95 ramp aggregate kW |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var rampsE = new List<double>(); var rampsA = new List<double>();
        double worstEnergy = 0, worstPeak = 0;
        for (int seed = 1; seed <= seeds; seed++)
        {
            var se = Settings(model, servers, days * 86400.0, (ulong)seed, SynthesisMethod.Exact, 900);
            var sa = Settings(model, servers, days * 86400.0, (ulong)seed, SynthesisMethod.Aggregate, 900);
            var e = SynthesisEngine.Run(se); var a = SynthesisEngine.Run(sa);
            var fe = e.Series.First(t => t.Level == TraceLevel.Facility); var fa = a.Series.First(t => t.Level == TraceLevel.Facility);
            double energyErr = 100 * Math.Abs(fa.Watts.Sum() - fe.Watts.Sum()) / fe.Watts.Sum();
            double peakErr = 100 * Math.Abs(fa.PeakWatts - fe.PeakWatts) / fe.PeakWatts;
            var re = Ramps(fe); var ra = Ramps(fa);
            rampsE.AddRange(re); rampsA.AddRange(ra);
            worstEnergy = Math.Max(worstEnergy, energyErr); worstPeak = Math.Max(worstPeak, peakErr);
            Console.WriteLine($"| {seed} | {e.ElapsedSeconds:0.0} | {a.ElapsedSeconds:0.00} | {energyErr:0.000} | {peakErr:0.000} | {P95(re) / 1e3:0.0} | {P95(ra) / 1e3:0.0} |");
        }
        double p95e = P95(rampsE), p95a = P95(rampsA), rampErr = 100 * Math.Abs(p95a - p95e) / p95e;
        Console.WriteLine($"pooled over {seeds} seeds: P95 of |15-min ramp| exact {p95e / 1e3:0.0} kW, aggregate {p95a / 1e3:0.0} kW ({rampErr:0.00} % off); load average after: {LoadAverage()}");
        rc |= Floor("facility energy, every seed", worstEnergy < 0.5, $"worst {worstEnergy:0.000} % < 0.5 %");
        rc |= Floor("15-min peak, every seed", worstPeak < 1, $"worst {worstPeak:0.000} % < 1 %");
        rc |= Floor("P95 of 15-min ramps, pooled over seeds", rampErr < 5, $"{rampErr:0.00} % < 5 %");
        return rc;
    }

    public static int RunLongHorizon(string[] args)
    {
        var model = ReferenceModels.Get("H100-TP4-70B");
        Console.WriteLine($"model {model}; threads {Environment.ProcessorCount}; load average before: {LoadAverage()}");
        var s = Settings(model, 240, 365 * 86400.0, 1, SynthesisMethod.Exact, 3600);
        var sw = Stopwatch.StartNew();
        var r = SynthesisEngine.Run(s);
        sw.Stop();
        double ws = Program.PeakWorkingSetMB();
        var fac = r.Series.First(t => t.Level == TraceLevel.Facility);
        Console.WriteLine($"| 240 servers x 365 d at 1 h, Exact | {sw.Elapsed.TotalSeconds:0.0} s | {r.ServerBinsPerSecond / 1e6:0.0} M server-bins/s | peak WS {ws:0} MB | facility peak {fac.PeakWatts / 1e3:0} kW | load average after {LoadAverage()} |");
        return Floor("240-server site-year at 1 h, exact, peak working set", ws < 400, $"{ws:0} MB < 400 MB");
    }

    private static SynthesisSettings Settings(IServerPowerModel model, int servers, double horizon, ulong seed, SynthesisMethod method, double res) => new()
    {
        Model = model,
        Workload = SynthesisWorkload.Poisson(new DiurnalRate(0.375 * servers, 0.11 * servers), LognormalTokenLengths.AzureConversation),
        Layout = new SiteLayout(4, 25, Math.Max(1, servers / 100)),
        HorizonSeconds = horizon,
        StartUtc = Start,
        Seed = seed,
        Method = method,
        Outputs = new List<OutputLevel> { new(TraceLevel.Site, res), new(TraceLevel.Facility, res) },
    };

    private static List<double> Ramps(PowerSeries t)
    {
        var w = t.Watts;
        var r = new List<double>(w.Length);
        for (int i = 1; i < w.Length; i++) r.Add(Math.Abs(w[i] - w[i - 1]));
        return r;
    }

    private static double P95(List<double> v)
    {
        var s = v.OrderBy(x => x).ToArray();
        double h = (s.Length - 1) * 0.95;
        int lo = (int)Math.Floor(h);
        return lo + 1 < s.Length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
    }

    private static int Floor(string what, bool ok, string detail)
    {
        Console.WriteLine($"   {(ok ? "PASS" : "FAIL")}: {what}: {detail}");
        return ok ? 0 : 1;
    }

    private static int IntArg(string[] args, string name, int fallback)
        => args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase)) is string s ? int.Parse(s.Substring(name.Length + 1)) : fallback;

    internal static string LoadAverage()
    {
        try { return File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a"; }
        catch (IOException) { return "n/a"; }
    }
}
