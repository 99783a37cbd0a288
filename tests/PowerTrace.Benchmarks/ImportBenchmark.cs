using System.Diagnostics;
using System.Globalization;
using System.Text;
using PowerTrace.Core.Import;

namespace PowerTrace.Benchmarks;

/// <summary>
/// Import floor of issue 2: a 1,000,000-row nvidia-smi CSV (8 GPUs interleaved, 100 ms sampling,
/// header and units as `--format=csv` writes them) imported into binned node traces
/// (GroupSize 4: two TP4 nodes, and GroupSize 8: one node). Floors: >= 1,000,000 rows/s, peak < 200 MB.
/// Args: [rows] (default 1000000).
/// </summary>
public static class ImportBenchmark
{
    public static int Run(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        string dir = Path.Combine(Path.GetTempPath(), "powertrace-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "nvsmi-8gpu.csv");
        try
        {
            var gen = Stopwatch.StartNew();
            long bytes = Generate(file, rows, gpus: 8);
            Console.WriteLine($"generated {rows:N0} rows ({bytes / 1048576.0:F1} MB) in {gen.Elapsed.TotalSeconds:F2} s: {file}");

            // Warm-up on a 200,000-row file, twice, so tiered JIT has promoted the hot loop before timing.
            string warm = Path.Combine(dir, "warm.csv");
            Generate(warm, 200_000, 8);
            for (int i = 0; i < 2; i++) PowerTraceReader.Read(warm, new PowerImportOptions { GroupSize = 4 });

            bool ok = true;
            foreach (int group in new[] { 4, 8 })
            {
                GC.Collect();
                var sw = Stopwatch.StartNew();
                var traces = PowerTraceReader.Read(file, new PowerImportOptions { GroupSize = group });
                sw.Stop();
                double rate = rows / sw.Elapsed.TotalSeconds;
                double peak = Program.PeakWorkingSetMB();
                Console.WriteLine($"GroupSize {group}: {traces.Count} node traces x {traces[0].BinCount:N0} bins, mean {traces[0].MeanWatts:F1} W, peak {traces[0].PeakWatts:F1} W");
                Console.WriteLine($"  {sw.Elapsed.TotalSeconds:F3} s, {rate:N0} rows/s, peak working set {peak:F1} MB, managed after {GC.GetTotalMemory(false) / 1048576.0:F1} MB");
                ok &= rate >= 1_000_000 && peak < 200;
            }
            Console.WriteLine(ok ? "floor met (>= 1,000,000 rows/s, < 200 MB)" : "FLOOR MISSED (>= 1,000,000 rows/s, < 200 MB)");
            return ok ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Writes an nvidia-smi-style CSV: bursts of load (prefill spikes near 650 W, decode near 420 W)
    /// over a 70 W idle, per-GPU noise, ~1 ms timestamp jitter between GPUs of one poll.
    /// </summary>
    private static long Generate(string path, int rows, int gpus)
    {
        var rng = new Random(12345);
        var start = new DateTime(2025, 1, 6, 9, 0, 0, DateTimeKind.Utc);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("timestamp, index, power.draw [W], utilization.gpu [%]\n");
        var sb = new StringBuilder(64);
        int polls = (rows + gpus - 1) / gpus;
        int written = 0;
        for (int p = 0; p < polls && written < rows; p++)
        {
            double tSec = p * 0.1;
            int phase = (int)(tSec / 30) % 4; // idle, prefill-heavy, decode, idle
            for (int g = 0; g < gpus && written < rows; g++, written++)
            {
                double baseW = phase switch { 1 => 650, 2 => 420, _ => 70 };
                double watts = baseW + (rng.NextDouble() - 0.5) * (phase == 0 || phase == 3 ? 4 : 60);
                int util = phase switch { 1 => 100, 2 => 85, _ => 0 };
                var ts = start.AddTicks((long)(tSec * TimeSpan.TicksPerSecond) + g * 1000);
                sb.Clear();
                sb.Append(ts.ToString("yyyy/MM/dd HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append(", ")
                  .Append(g.ToString(CultureInfo.InvariantCulture)).Append(", ")
                  .Append(watts.ToString("F2", CultureInfo.InvariantCulture)).Append(" W, ")
                  .Append(util.ToString(CultureInfo.InvariantCulture)).Append(" %\n");
                w.Write(sb);
            }
        }
        w.Flush();
        return w.BaseStream.Length;
    }
}
