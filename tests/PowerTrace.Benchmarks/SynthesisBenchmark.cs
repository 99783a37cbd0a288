using TraceLevel = PowerTrace.Core.Traces.TraceLevel;
using System.Globalization;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using PowerTrace.Testing;

namespace PowerTrace.Benchmarks;

/// <summary>
/// Synthesis throughput (server-bins per second) and peak working set across site sizes, one hour and one
/// day at 250 ms, Poisson traffic at 0.5 req/s per server with random routing, Site at 250 ms and Row at
/// 1 min. Uses the stand-in power model until the real one is merged (swap <see cref="CreateModel"/>).
/// Args: "quick" skips the day runs above 1,000 servers; "study" runs the facility study only.
/// </summary>
public static class SynthesisBenchmark
{
    /// <summary>The model benchmarked. Switch to the real PowerTrace.Core.Model.PowerModel once merged.</summary>
    public static IServerPowerModel CreateModel() => new StandInPowerModel();

    public static int Run(string[] args)
    {
        if (args.Contains("study", StringComparer.OrdinalIgnoreCase)) return FacilityStudy();
        bool quick = args.Contains("quick", StringComparer.OrdinalIgnoreCase);
        var model = CreateModel();
        Console.WriteLine($"model: {model.GetType().Name}, bin {model.BinSeconds} s; threads: {Environment.ProcessorCount}");
        Console.WriteLine("| servers | horizon | server-bins | seconds | M server-bins/s | M server-bins per CPU-s | peak WS MB |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        int rc = 0;
        Warmup(model);
        foreach (double horizon in new[] { 3600.0, 86400.0 })
            foreach (int n in new[] { 10, 100, 1000, 10000 })
            {
                if (quick && horizon > 3600 && n > 1000) continue;
                var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                var r = SynthesisEngine.Run(Settings(model, n, horizon, null));
                double cpu = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                double rate = r.ServerBinsPerSecond / 1e6, ws = Program.PeakWorkingSetMB();
                Console.WriteLine($"| {n:N0} | {(horizon > 3600 ? "1 day" : "1 h")} | {r.ServerBins:N0} | {r.ElapsedSeconds:0.00} | {rate:0.0} | {r.ServerBins / cpu / 1e6:0.0} | {ws:0} |");
                if (n >= 1000 && rate < 100) { Console.WriteLine($"   FLOOR MISSED: {rate:0.0} M server-bins/s < 100"); rc = 1; }
                if (n == 10000 && horizon > 3600 && ws >= 400) { Console.WriteLine($"   FLOOR MISSED: peak working set {ws:0} MB >= 400"); rc = 1; }
            }

        // Engine alone (a model that only writes its idle power): the engine's own share of the cost.
        var idle = new IdleModel();
        var e = SynthesisEngine.Run(Settings(idle, 10000, 3600, null));
        Console.WriteLine($"engine only (idle model), 10,000 servers x 1 h: {e.ServerBinsPerSecond / 1e6:0} M server-bins/s");

        // Rack traces of a 10,000-server site at 250 ms do not fit in memory: they stream to CSV.
        string dir = Path.Combine(Path.GetTempPath(), "pt-synth-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var s = Settings(model, 10000, 3600, Path.Combine(dir, "racks.csv"));
            s.Outputs = new List<OutputLevel> { new(TraceLevel.Rack, 0.25) };
            var f = SynthesisEngine.Run(s);
            Console.WriteLine($"-OutFile: 10,000 servers x 1 h, 1,000 racks at 250 ms -> {f.Files[0].SizeBytes / 1048576.0:0} MB CSV in {f.ElapsedSeconds:0.0} s, peak WS so far {Program.PeakWorkingSetMB():0} MB");
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
        return rc;
    }

    private static void Warmup(IServerPowerModel model) => SynthesisEngine.Run(Settings(model, 10, 600, null));

    private static SynthesisSettings Settings(IServerPowerModel model, int servers, double horizon, string? outFile) => new()
    {
        Model = model,
        Workload = SynthesisWorkload.Poisson(new ConstantRate(0.5 * servers), LognormalTokenLengths.AzureConversation),
        Layout = servers >= 100 ? new SiteLayout(10, 10, servers / 100) : SiteLayout.Flat(servers),
        HorizonSeconds = horizon,
        Seed = 2026,
        Outputs = new List<OutputLevel> { new(TraceLevel.Site, 0.25), new(TraceLevel.Row, 60) },
        OutFile = outFile,
    };

    /// <summary>
    /// The published facility study: 240 servers (10 rows x 6 racks x 4 servers), one hour of the Azure
    /// conversation trace replayed with random routing, 1000 W non-GPU per server, PUE 1.3; peak, mean,
    /// peak-to-average and coefficient of variation per level at 250 ms.
    /// </summary>
    public static int FacilityStudy()
    {
        string path = Path.Combine(Program.SharedData(), "azure-llm-2023", "AzureLLMInferenceTrace_conv.csv");
        RequestTrace trace = ReadAzure(path); // switch to RequestTraceReader.Read(path) once the import branch is merged
        var model = CreateModel();
        var s = new SynthesisSettings
        {
            Model = model,
            Workload = SynthesisWorkload.FromReplay(new RequestReplay(trace)),
            Layout = new SiteLayout(4, 6, 10),
            Router = RouterKind.Random,
            NonGpu = NonGpuPower.Constant(1000),
            Pue = 1.3,
            HorizonSeconds = 3600,
            StartUtc = trace.StartUtc ?? new DateTime(2023, 11, 16, 18, 15, 46, DateTimeKind.Utc),
            Seed = 2026,
            Outputs = new List<OutputLevel>
            {
                new(TraceLevel.Server, 0.25), new(TraceLevel.Rack, 0.25), new(TraceLevel.Row, 0.25),
                new(TraceLevel.Site, 0.25), new(TraceLevel.Facility, 0.25),
            },
        };
        var r = SynthesisEngine.Run(s);
        Console.WriteLine($"facility study: {trace.Count} requests in the log, {r.RequestCount} served over 1 h by 240 servers; model {model.GetType().Name}");
        Console.WriteLine($"TDP sizing: 240 x ({model.NameplateWatts:0} + 1000) W x 1.3 = {240 * (model.NameplateWatts + 1000) * 1.3 / 1e6:0.000} MW");
        Console.WriteLine("| level | traces | peak kW (max) | mean kW | peak/mean | CV |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var level in new[] { TraceLevel.Server, TraceLevel.Rack, TraceLevel.Row, TraceLevel.Site, TraceLevel.Facility })
        {
            var ts = r.Series.Where(t => t.Level == level).ToList();
            double cv = ts.Average(t => { double m = t.MeanWatts; return Math.Sqrt(t.Watts.Select(w => (w - m) * (w - m)).Average()) / m; });
            Console.WriteLine($"| {level} | {ts.Count} | {ts.Max(t => t.PeakWatts) / 1e3:0.00} | {ts.Average(t => t.MeanWatts) / 1e3:0.00} | {ts.Average(t => t.PeakWatts / t.MeanWatts):0.000} | {cv:0.0000} |");
        }
        return 0;
    }

    /// <summary>Minimal reader for the Azure 2023 CSV (TIMESTAMP,ContextTokens,GeneratedTokens), for this study only.</summary>
    private static RequestTrace ReadAzure(string path)
    {
        var a = new List<double>(); var p = new List<int>(); var o = new List<int>();
        DateTime? t0 = null;
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            var c = line.Split(',');
            if (c.Length < 3) continue;
            var t = DateTime.SpecifyKind(DateTime.Parse(c[0], CultureInfo.InvariantCulture), DateTimeKind.Utc);
            t0 ??= t;
            a.Add((t - t0.Value).TotalSeconds);
            p.Add(int.Parse(c[1], CultureInfo.InvariantCulture));
            o.Add(int.Parse(c[2], CultureInfo.InvariantCulture));
        }
        return new RequestTrace(Path.GetFileName(path), "Azure", t0, a.ToArray(), p.ToArray(), o.ToArray(), null, null, path);
    }

    private sealed class IdleModel : IServerPowerModel
    {
        public double BinSeconds => 0.25;
        public double IdleWatts => 400;
        public double NameplateWatts => 2800;
        public int GpuCount => 4;
        public double EstimateServiceSeconds(int promptTokens, int outputTokens) => 1;
        public IServerSynthesizer CreateSynthesizer() => new Synth();
        private sealed class Synth : IServerSynthesizer
        {
            public void Synthesize(ServerWorkload work, ref Rng rng, Span<float> gpuWatts) => gpuWatts.Fill(400f + work.Count % 7);
        }
    }
}
