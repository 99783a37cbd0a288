using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using Xunit;
using Xunit.Abstractions;

namespace PowerTrace.Tests.Import.Fuzz;

/// <summary>
/// Property-based fuzzing (CsCheck) of every importer over damaged copies of the real files in ../shared/data.
/// The property: a damaged file either imports, with what it could not use reported (notices), or stops with a
/// <see cref="PowerTraceException"/> whose id is documented in about_PowerTrace and, for bad content, names the file
/// and the line; never another exception, never a hang (each case has a time limit), never a trace silently
/// shifted in time (where the file's own timestamps can be read independently, the result must start where they do).
/// </summary>
/// <remarks>
/// Each case is one seed: <see cref="Mutator"/> turns it into one damaged file deterministically, so a failure
/// report (the seed and the damage done) reproduces exactly. CI uses a fixed set of seeds per importer; set
/// POWERTRACE_FUZZ_RANDOM=1 to have CsCheck draw fresh ones. The counts below sum to 22,400 cases.
/// </remarks>
public sealed class ImporterFuzzTests : IDisposable
{
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(10);
    private readonly ITestOutputHelper _out;
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-fuzz").FullName;
    private long _counter;

    public ImporterFuzzTests(ITestOutputHelper output) => _out = output;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Raw(string f) => TestData.Path_("llmservingsim-a6000", "raw_data", f);

    private static string Head(string path, int lines)
        => string.Join("\n", File.ReadLines(path).Take(lines)) + "\n";

    /// <summary>Error ids listed in about_PowerTrace (the ERRORS section): the only ones an importer may use.</summary>
    internal static HashSet<string> DocumentedIds { get; } = ReadDocumentedIds();

    internal static HashSet<string> ReadDocumentedIds()
    {
        string about = File.ReadAllText(Path.Combine(TestData.RepoRoot, "src", "PowerTrace", "help", "about_PowerTrace.help.txt"));
        int a = about.IndexOf("\nERRORS", StringComparison.Ordinal);
        Assert.True(a >= 0, "about_PowerTrace has an ERRORS section");
        int b = about.IndexOf("\n\n", about.IndexOf("ERROR IDS", a, StringComparison.Ordinal), StringComparison.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(about.Substring(a, (b < 0 ? about.Length : b) - a), @"^\s{4,}([A-Z][A-Za-z0-9]+)\s{2,}", RegexOptions.Multiline))
            ids.Add(m.Groups[1].Value);
        return ids;
    }

    // Ids about one line: the exception must name a line (>= 1).
    private static readonly HashSet<string> LineIds = new()
    {
        ImportErrorIds.InvalidTimestamp, ImportErrorIds.InvalidNumber, ImportErrorIds.WrongFieldCount, ImportErrorIds.TimestampsGoBackwards,
        ImportErrorIds.NegativeReading, ImportErrorIds.ReadingOutOfRange, ImportErrorIds.TraceTooLong, ImportErrorIds.InvalidJson,
    };

    private sealed class Stats
    {
        public long Cases, Imported, Rejected;
        public long SlowestTicks;
        public string Slowest = "";
        public readonly ConcurrentDictionary<string, int> Ids = new();
    }

    /// <summary>Runs <paramref name="iterations"/> damaged copies of <paramref name="seedText"/> through <paramref name="import"/>.</summary>
    private void Fuzz(string name, string seedText, int iterations, string extension, Func<string, List<ImportNotice>, object> import,
        Action<string, object, List<ImportNotice>>? oracle = null, char delimiter = ',')
    {
        var stats = new Stats();
        var clock = Stopwatch.StartNew();
        void Case(ulong seed)
        {
            var (bytes, what) = Mutator.Mutate(seedText, seed, delimiter);
            string path = Path.Combine(_dir, $"{name}-{Interlocked.Increment(ref _counter)}{extension}");
            File.WriteAllBytes(path, bytes);
            try
            {
                var sw = Stopwatch.StartNew();
                var notices = new List<ImportNotice>();
                // A thread of its own per case, so a hang is caught by the time limit and no case waits for a pool thread.
                var task = Task.Factory.StartNew(() =>
                {
                    try { return (object?)import(path, notices); }
                    catch (PowerTraceException e) { return e; }
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                if (!task.Wait(CaseLimit)) throw new TimeoutException($"{name}: no answer within {CaseLimit.TotalSeconds} s ({what}).");
                sw.Stop();
                lock (stats)
                {
                    stats.Cases++;
                    if (sw.ElapsedTicks > stats.SlowestTicks) { stats.SlowestTicks = sw.ElapsedTicks; stats.Slowest = what; }
                }
                if (task.Result is PowerTraceException ex)
                {
                    Interlocked.Increment(ref stats.Rejected);
                    stats.Ids.AddOrUpdate(ex.ErrorId, 1, (_, c) => c + 1);
                    Assert.True(DocumentedIds.Contains(ex.ErrorId), $"Error id '{ex.ErrorId}' is not listed in about_PowerTrace ({what}): {ex.Message}");
                    if (ex is InputFormatException f)
                    {
                        Assert.Equal(path, f.File);
                        Assert.Contains(Path.GetFileName(path), f.Message);
                        if (LineIds.Contains(f.ErrorId)) Assert.True(f.Line >= 1, $"{f.ErrorId} names no line ({what}): {f.Message}");
                        if (f.Line > 0) Assert.Contains($"line {f.Line}", f.Message);
                    }
                }
                else
                {
                    Interlocked.Increment(ref stats.Imported);
                    oracle?.Invoke(Mutator.Decode(bytes), task.Result!, notices);
                }
            }
            catch (Exception e) when (e is not TimeoutException)
            {
                throw new Xunit.Sdk.XunitException($"{name}, seed {seed}: {what}\n{e}");
            }
            finally { File.Delete(path); }
        }
        // CI runs a fixed set of seeds per importer (the same damaged files every run, so a green build stays green and a
        // red one reproduces); POWERTRACE_FUZZ_RANDOM=1 lets CsCheck draw fresh seeds to explore further.
        if (Environment.GetEnvironmentVariable("POWERTRACE_FUZZ_RANDOM") == "1")
            Gen.ULong.Sample(Case, iter: iterations, threads: Environment.ProcessorCount);
        else
        {
            ulong baseSeed = 0x9E3779B97F4A7C15UL;
            foreach (char ch in name) baseSeed = (baseSeed ^ ch) * 0x100000001B3UL;
            Parallel.For(0, iterations, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                ulong x = baseSeed + (ulong)i * 0x9E3779B97F4A7C15UL;
                x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL; x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL; x ^= x >> 31;
                Case(x);
            });
        }
        clock.Stop();
        Assert.Equal(iterations, stats.Cases);
        _out.WriteLine($"{name}: {stats.Cases} cases in {clock.Elapsed.TotalSeconds:0.0} s; {stats.Imported} imported, {stats.Rejected} rejected "
                       + $"({string.Join(", ", stats.Ids.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"))}); "
                       + $"slowest {stats.SlowestTicks * 1000.0 / Stopwatch.Frequency:0.0} ms ({stats.Slowest}).");
        FuzzLedger.Record(name, stats.Cases, clock.Elapsed, stats.SlowestTicks * 1000.0 / Stopwatch.Frequency, stats.Slowest);
        // Damage must be caught sometimes and survived sometimes; a run where every case lands on one side tests nothing.
        Assert.True(stats.Imported > 0 && stats.Rejected > 0, $"{name}: {stats.Imported} imported, {stats.Rejected} rejected.");
    }

    private static bool Dropped(List<ImportNotice> n) => n.Any(x => x.Kind == ImportNoticeKind.TruncatedLine || x.Kind == ImportNoticeKind.SkippedRow);

    private static IEnumerable<string> DataLines(string text)
        => text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0);

    // An independent reading of a log timestamp (nvidia-smi, ISO, Azure); null when it is not one.
    private static readonly Regex Stamp = new(@"^(\d{4})([/-])(\d\d)\2(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,7})\d*)?(Z|z)?$", RegexOptions.CultureInvariant);

    internal static DateTime? OracleTime(string s)
    {
        var m = Stamp.Match(s.Trim().Trim('"'));
        if (!m.Success) return null;
        try
        {
            int I(int g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
            var t = new DateTime(I(1), I(3), I(4), I(5), I(6), I(7), DateTimeKind.Utc);
            if (m.Groups[8].Success) t = t.AddTicks(long.Parse(m.Groups[8].Value.PadRight(7, '0'), CultureInfo.InvariantCulture));
            return t;
        }
        catch (ArgumentOutOfRangeException) { return null; }
    }

    // nvidia-smi without header (timestamp, index, utilization, power): the trace starts in the bin of the first
    // reading and ends after the last one, as the file says.
    private static void SmiOracle(string text, object result, List<ImportNotice> notices)
    {
        if (Dropped(notices)) return;
        var traces = (IReadOnlyList<PowerSeries>)result;
        DateTime? first = null, last = null;
        string? gpu = null;
        foreach (var line in DataLines(text))
        {
            var f = line.Split(',');
            if (f.Length != 4) return; // not the shape this oracle reads
            if ((gpu ??= f[1].Trim()) != f[1].Trim()) return; // one GPU only (several are trimmed to their common span)
            var t = OracleTime(f[0]);
            if (t == null) return;
            string w = f[3].Trim();
            if (w.EndsWith(" W", StringComparison.Ordinal)) w = w[..^2].Trim();
            if (!double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue; // an empty reading
            first ??= t;
            last = t;
        }
        if (first == null || traces.Count != 1) return;
        var tr = traces[0];
        long bin = (long)(tr.BinSeconds * TimeSpan.TicksPerSecond);
        Assert.Equal(first.Value.Ticks / bin * bin, tr.StartUtc.Ticks);
        Assert.True(tr.EndUtc > last!.Value, $"trace ends {tr.EndUtc:o}, before the last reading {last:o}");
    }

    // Azure request CSV: every data line is one request; the trace starts at the first one's timestamp.
    private static void AzureOracle(string text, object result, List<ImportNotice> notices)
    {
        if (Dropped(notices)) return;
        var trace = (RequestTrace)result;
        var lines = DataLines(text).ToList();
        Assert.Equal(lines.Count - 1, trace.Count);
        var t0 = OracleTime(lines[1].Split(',')[0]);
        if (t0 != null && trace.StartUtc != null) Assert.Equal(t0.Value, trace.StartUtc.Value);
    }

    // Mooncake JSONL: every non-blank line is one request.
    private static void MooncakeOracle(string text, object result, List<ImportNotice> notices)
    {
        if (Dropped(notices)) return;
        Assert.Equal(DataLines(text).Count(), ((RequestTrace)result).Count);
    }

    // vLLM log: one sample per engine-state line of the engine read; the series starts at the first one.
    private static void VllmOracle(string text, object result, List<ImportNotice> notices)
    {
        if (Dropped(notices) || notices.Any(n => n.Field == "Engine")) return;
        var s = (EngineStateSeries)result;
        var engine = DataLines(text).Select(l => Regex.Replace(l, @"\x1B\[[0-9;?]*[A-Za-z]", "")).Where(l => l.Contains("Avg prompt throughput: ")).ToList();
        Assert.Equal(engine.Count, s.Count);
        var m = Regex.Match(engine[0], @"(?<![0-9])(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?![0-9])");
        if (m.Success && m.Index < engine[0].IndexOf("Avg prompt", StringComparison.Ordinal))
        {
            var t = new DateTime(2025, int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value),
                int.Parse(m.Groups[4].Value), int.Parse(m.Groups[5].Value), DateTimeKind.Utc).AddHours(8);
            if (m.Groups[6].Success) t = t.AddTicks(long.Parse(m.Groups[6].Value.PadRight(7, '0'), CultureInfo.InvariantCulture));
            Assert.Equal(t, s.StartUtc);
        }
    }

    [Fact]
    public void NvidiaSmiLogs()
    {
        // The first 450 records (90 s: idle, the first pulse's prefill and decode) keep each case cheap; the bugs live in the shape, not the length.
        string tp1 = Head(Raw("gpu_power_log_tp1.txt"), 450);
        Fuzz("nvidia-smi tp1", tp1, 4000, ".txt", (p, n) => PowerTraceReader.Read(p, new PowerImportOptions { Notice = n.Add }), SmiOracle);
        // With a header, units and two GPUs (the TP2 log's rows, a second GPU added one watt apart): the header path.
        var rows = File.ReadLines(Raw("gpu_power_log_tp2.txt")).Take(300).SelectMany(l =>
        {
            var f = l.Split(',');
            return new[] { $"{f[0]}, {f[1].Trim()}, {f[2].Trim()} %, {f[3].Trim()} W", $"{f[0]}, 1, {f[2].Trim()} %, {double.Parse(f[3], CultureInfo.InvariantCulture) + 1} W" };
        });
        string withHeader = "timestamp, index, utilization.gpu [%], power.draw [W]\n" + string.Join("\n", rows) + "\n";
        Fuzz("nvidia-smi header 2 GPUs", withHeader, 3000, ".csv", (p, n) => PowerTraceReader.Read(p, new PowerImportOptions { Notice = n.Add }));
    }

    [Fact]
    public void ServerAndGenericCsvLogs()
    {
        Fuzz("IPMI server log", File.ReadAllText(Raw("server_power_log_tp2.csv")), 2500, ".csv",
            (p, n) => PowerTraceReader.Read(p, new PowerImportOptions { Notice = n.Add }));
        Fuzz("generic CSV sec,power", File.ReadAllText(TestData.Path_("llmservingsim-a6000", "server_power_log_tp1.csv")), 1500, ".csv",
            (p, n) => PowerTraceReader.Read(p, new PowerImportOptions { BinSeconds = 1, Notice = n.Add }));
        // The same readings as Excel writes them in much of Europe: semicolons, decimal commas.
        string euro = "timestamp;power [W]\n" + string.Join("\n", File.ReadLines(Raw("server_power_log_tp2.csv")).Take(400)
            .Select(l => l.Replace(',', ';') + ",5")) + "\n";
        Fuzz("semicolon CSV", euro, 1500, ".csv", (p, n) => PowerTraceReader.Read(p, new PowerImportOptions { Notice = n.Add }), delimiter: ';');
    }

    [Fact]
    public void RequestLogs()
    {
        Fuzz("Azure conv", Head(TestData.Path_("azure-llm-2023", "AzureLLMInferenceTrace_conv.csv"), 250), 3000, ".csv",
            (p, n) => RequestTraceReader.Read(p, new RequestImportOptions { Notice = n.Add }), AzureOracle);
        Fuzz("Mooncake", Head(TestData.Path_("mooncake", "conversation_trace.jsonl"), 60), 2000, ".jsonl",
            (p, n) => RequestTraceReader.Read(p, new RequestImportOptions { Notice = n.Add }), MooncakeOracle);
    }

    [Fact]
    public void EngineLogs()
    {
        Fuzz("vLLM log", File.ReadAllText(Raw("vllm_pulse_power_tp1.txt")), 2000, ".txt",
            (p, n) => VllmLogReader.Read(p, new VllmLogOptions { Year = 2025, TimeOffset = TimeSpan.FromHours(8), Notice = n.Add }), VllmOracle);
    }

    [Fact]
    public void PrometheusCsvEngineLogs()
    {
        // The real TP1 vLLM log as a Prometheus scrape of the same engine would have recorded it (see PrometheusCsvFixture).
        string seed = Path.Combine(_dir, "scrape-seed.csv");
        PrometheusCsvFixture.Write(PrometheusCsvFixture.Tp1Log(), seed);
        Fuzz("Prometheus CSV", File.ReadAllText(seed), 1500, ".csv", (p, n) => PrometheusCsvReader.Read(p, new PrometheusCsvOptions { Notice = n.Add }));
    }

    [Fact]
    public void ModelJson()
    {
        // The shipped model, fitted to the real A6000 recording.
        string json = File.ReadAllText(Path.Combine(TestData.RepoRoot, "src", "PowerTrace", "models", "a6000-tp1-llama3.1-8b.json"));
        Fuzz("model JSON", json, 1400, ".json", (p, n) => PowerModelJson.Load(p));
    }
}

/// <summary>Case counts and timings of the fuzz runs of this process (written to out/fuzz-summary.txt and the xunit log).</summary>
internal static class FuzzLedger
{
    private static readonly ConcurrentDictionary<string, (long Cases, TimeSpan Time, double SlowestMs, string Slowest)> Runs = new();

    public static void Record(string name, long cases, TimeSpan time, double slowestMs, string slowest)
    {
        Runs[name] = (cases, time, slowestMs, slowest);
        string path = Path.Combine(TestData.RepoRoot, "out", "fuzz-summary.txt");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            lock (Runs)
            {
                var lines = Runs.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}\t{kv.Value.Cases}\t{kv.Value.Time.TotalSeconds:0.0} s\tslowest {kv.Value.SlowestMs:0.0} ms\t{kv.Value.Slowest}").ToList();
                lines.Add($"total\t{Runs.Values.Sum(v => v.Cases)}\t{Runs.Values.Sum(v => v.Time.TotalSeconds):0.0} s\tslowest {Runs.Values.Max(v => v.SlowestMs):0.0} ms");
                File.WriteAllLines(path, lines);
            }
        }
        catch (IOException) { }
    }
}
