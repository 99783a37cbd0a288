using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Workload;
using Xunit;

namespace PowerTrace.Tests.Import;

/// <summary>vLLM's Prometheus metrics scraped to CSV: rates from counters, resets, labels, times, errors.</summary>
public sealed class PrometheusCsvReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-prom").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string content)
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllText(p, content);
        return p;
    }

    private static EngineStateSeries Read(string path, List<ImportNotice>? notices = null, int? engine = null, TimeSpan offset = default)
        => PrometheusCsvReader.Read(path, new PrometheusCsvOptions { Notice = n => notices?.Add(n), Engine = engine, TimeOffset = offset });

    private static InputFormatException Fails(string path, int? engine = null)
        => Assert.Throws<InputFormatException>(() => Read(path, engine: engine));

    private const string Header = "timestamp,vllm:num_requests_running,vllm:num_requests_waiting,vllm:prompt_tokens_total,vllm:generation_tokens_total,vllm:kv_cache_usage_perc\n";

    // Four scrapes at 21:08:27, :28, :30, :31.5 UTC. Increases: prompt 300, 0, 150; generation 40, 160, 60.
    private static readonly string[] Rows = { "0,0,1000,500,0", "2,1,1300,540,0.05", "3,0,1300,700,0.125", "1,0,1450,760,0.02" };
    private static readonly DateTime T0 = new(2025, 12, 11, 21, 8, 27, DateTimeKind.Utc);
    private static readonly double[] Offsets = { 0, 1, 3, 4.5 };

    private string Csv(string name, Func<DateTime, string> time, string header = Header)
        => Write(name, header + string.Concat(Rows.Select((r, i) => time(T0.AddSeconds(Offsets[i])) + "," + r + "\n")));

    private static void AssertKnownSeries(EngineStateSeries s)
    {
        Assert.Equal(T0.AddSeconds(1), s.StartUtc);
        Assert.Equal(DateTimeKind.Utc, s.StartUtc.Kind);
        Assert.Equal(new[] { 0.0, 2.0, 3.5 }, s.TimeSeconds);
        Assert.Equal(new[] { 2, 3, 1 }, s.Running);
        Assert.Equal(new[] { 1, 0, 0 }, s.Waiting);
        Assert.Equal(new[] { 300.0, 0.0, 100.0 }, s.PromptTokensPerSecond);
        Assert.Equal(new[] { 40.0, 80.0, 40.0 }, s.GenerationTokensPerSecond);
        Assert.Equal(5.0, s.KvCacheUsagePercent[0], 12);
        Assert.Equal(12.5, s.KvCacheUsagePercent[1], 12);
        Assert.Equal(2.0, s.KvCacheUsagePercent[2], 12);
        Assert.Null(s.RequestsCompletedPerSecond);
    }

    [Fact]
    public void ExactRatesFromKnownCounters_IsoTimesWithZOrOffset()
    {
        var notices = new List<ImportNotice>();
        var z = Read(Csv("z.csv", t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'Z'")), notices);
        AssertKnownSeries(z);
        Assert.Equal("z", z.Name);
        Assert.Contains(notices, n => n.Message.Contains("ISO 8601 times") && n.Message.Contains("baseline") && n.Message.Contains("2025-12-11 21:08:28.000 UTC"));
        // The same instants written at +08:00 and -05:30 are the same UTC series.
        AssertKnownSeries(Read(Csv("east.csv", t => t.AddHours(8).ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'+08:00'"))));
        AssertKnownSeries(Read(Csv("west.csv", t => t.AddHours(-5.5).ToString("yyyy-MM-dd HH:mm:ss.FFF'-0530'"))));
        // Without a zone: UTC, and the notice says so.
        var zoneless = new List<ImportNotice>();
        AssertKnownSeries(Read(Csv("local.csv", t => t.ToString("yyyy-MM-dd HH:mm:ss.FFF")), zoneless));
        Assert.Contains(zoneless, n => n.Message.Contains("without a zone, read as UTC"));
        // TimeOffset moves everything: UTC = file time + TimeOffset.
        var shifted = Read(Csv("skew.csv", t => t.AddHours(-8).ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'Z'")), offset: TimeSpan.FromHours(8));
        AssertKnownSeries(shifted);
    }

    [Fact]
    public void UnixSecondsAndMilliseconds_AreDetectedAndGiveTheSameSeries()
    {
        long S(DateTime t) => (t.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
        long Ms(DateTime t) => (t.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
        var secs = new List<ImportNotice>();
        AssertKnownSeries(Read(Csv("s.csv", t => (Ms(t) / 1000.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)), secs));
        Assert.Contains(secs, n => n.Message.Contains("Unix times in seconds"));
        var ms = new List<ImportNotice>();
        AssertKnownSeries(Read(Csv("ms.csv", t => Ms(t).ToString(System.Globalization.CultureInfo.InvariantCulture)), ms));
        Assert.Contains(ms, n => n.Message.Contains("Unix times in milliseconds"));
        // Exponent notation (pandas, spreadsheets) and a column whose name says the unit.
        AssertKnownSeries(Read(Csv("e.csv", t => (Ms(t) / 1000.0).ToString("E12", System.Globalization.CultureInfo.InvariantCulture))));
        AssertKnownSeries(Read(Csv("named.csv", t => Ms(t).ToString(System.Globalization.CultureInfo.InvariantCulture), Header.Replace("timestamp,", "time_ms,"))));
        Assert.True(S(T0) > 1_700_000_000);
        // Sub-millisecond Unix seconds are exact to 100 ns.
        Assert.True(PrometheusCsvReader.TryParseUnixTicks("1765487307.1234567".AsSpan(), false, out long ticks));
        Assert.Equal(new DateTime(2025, 12, 11, 21, 8, 27, DateTimeKind.Utc).Ticks + 1234567, ticks);
    }

    [Fact]
    public void CounterReset_CountsFromZeroAsPrometheusRateDoes_AndIsReported()
    {
        var notices = new List<ImportNotice>();
        var s = Read(Write("reset.csv", "time,num_requests_running,generation_tokens_total\n"
            + "2025-01-01T00:00:00Z,1,100\n2025-01-01T00:00:01Z,1,200\n2025-01-01T00:00:02Z,1,50\n2025-01-01T00:00:04Z,1,150\n"), notices);
        Assert.Equal(new[] { 100.0, 50.0, 50.0 }, s.GenerationTokensPerSecond);
        var reset = Assert.Single(notices, n => n.Message.Contains("reset"));
        Assert.Equal(4, reset.Line);
        Assert.Equal("generation_tokens_total", reset.Field);
        Assert.Contains("from 200 (line 3) to 50", reset.Message);
        // Missing optional columns read 0 and are named.
        Assert.Equal(new[] { 0.0, 0.0, 0.0 }, s.PromptTokensPerSecond);
        Assert.Equal(new[] { 0, 0, 0 }, s.Waiting);
        Assert.Contains(notices, n => n.Field == "prompt_tokens_total" && n.Message.Contains("reads 0"));
        Assert.Contains(notices, n => n.Field == "num_requests_waiting");
    }

    [Fact]
    public void LabelsPrefixesAndEngines()
    {
        // Grafana-style: every field quoted, label quotes doubled; two engines; request_success_total per finished_reason;
        // the deprecated gpu_cache_usage_perc beside kv_cache_usage_perc; a histogram bucket that is not read.
        string H(string name, string labels) => "\"" + (name + "{" + labels + "}").Replace("\"", "\"\"") + "\"";
        string e0 = "engine=\"0\",model_name=\"m\"", e1 = "engine=\"1\",model_name=\"m\"";
        string header = string.Join(",", "\"Time\"",
            H("vllm:num_requests_running", e0), H("vllm:num_requests_running", e1),
            H("vllm:num_requests_waiting", e0), H("vllm:num_requests_waiting", e1),
            H("vllm:prompt_tokens_total", e0), H("vllm:prompt_tokens_total", e1),
            H("vllm:generation_tokens_total", e0), H("vllm:generation_tokens_total", e1),
            H("vllm:request_success_total", e0 + ",finished_reason=\"stop\""), H("vllm:request_success_total", e0 + ",finished_reason=\"length\""),
            H("vllm:gpu_cache_usage_perc", e0), H("vllm:kv_cache_usage_perc", e0),
            H("vllm:e2e_request_latency_seconds_bucket", e0 + ",le=\"1.0\""));
        string Row(string t, params double[] v) => "\"" + t + "\"," + string.Join(",", v.Select(x => "\"" + x.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\""));
        var file = Write("grafana.csv", header + "\n"
            + Row("2025-06-01 10:00:00", 0, 0, 0, 0, 10, 20, 30, 40, 5, 1, 0.9, 0.1, 7) + "\n"
            + Row("2025-06-01 10:00:02", 4, 6, 1, 2, 410, 620, 90, 140, 9, 3, 0.9, 0.3, 7) + "\n"
            + Row("2025-06-01 10:00:04", 3, 5, 0, 0, 410, 620, 190, 240, 10, 6, 0.9, 0.2, 8) + "\n");
        Assert.Equal(EngineStateFormat.PrometheusCsv, PrometheusCsvReader.DetectFormat(file));
        var notices = new List<ImportNotice>();
        var s0 = Read(file, notices);
        Assert.Equal(new[] { 4, 3 }, s0.Running);
        Assert.Equal(new[] { 1, 0 }, s0.Waiting);
        Assert.Equal(new[] { 200.0, 0.0 }, s0.PromptTokensPerSecond);
        Assert.Equal(new[] { 30.0, 50.0 }, s0.GenerationTokensPerSecond);
        Assert.Equal(new[] { 3.0, 2.0 }, s0.RequestsCompletedPerSecond!); // (4+2)/2 s, (1+3)/2 s: stop and length summed
        Assert.Equal(30.0, s0.KvCacheUsagePercent[0], 12); // kv_cache_usage_perc, not the deprecated gauge
        Assert.Contains(notices, n => n.Message.Contains("engine 0 are read") && n.Message.Contains("engine 1"));
        var ignored = Assert.Single(notices, n => n.Kind == ImportNoticeKind.IgnoredColumn);
        Assert.Contains("e2e_request_latency_seconds_bucket", ignored.Message);
        Assert.Contains("gpu_cache_usage_perc", ignored.Message);

        var s1 = Read(file, engine: 1);
        Assert.Equal(new[] { 6, 5 }, s1.Running);
        Assert.Equal(new[] { 300.0, 0.0 }, s1.PromptTokensPerSecond);
        Assert.Null(s1.RequestsCompletedPerSecond);
        var none = Fails(file, engine: 5);
        Assert.Equal(ImportErrorIds.NoEngineState, none.ErrorId);
        Assert.Contains("engines 0, 1", none.Message);

        // Unquoted label sets (commas inside braces do not split), no prefix, the vllm_ prefix of exporters that
        // replace ':', and counters written without _total.
        var plain = Read(Write("plain.csv",
            "ts,num_requests_running{model_name=\"a,b\",engine=\"0\"},vllm_num_requests_waiting,prompt_tokens{model_name=\"a,b\"},vllm:generation_tokens\n"
            + "1748772000,1,0,0,0\n1748772001,2,1,50,20\n"));
        Assert.Equal(new[] { 2 }, plain.Running);
        Assert.Equal(new[] { 1 }, plain.Waiting);
        Assert.Equal(new[] { 50.0 }, plain.PromptTokensPerSecond);
        Assert.Equal(new[] { 20.0 }, plain.GenerationTokensPerSecond);
        // Tab-separated.
        var tabs = Read(Write("tabs.tsv", "time\tvllm:num_requests_running\tvllm:prompt_tokens_total\n2025-01-01T00:00:00Z\t0\t0\n2025-01-01T00:00:02Z\t1\t8\n"));
        Assert.Equal(new[] { 4.0 }, tabs.PromptTokensPerSecond);
    }

    [Fact]
    public void EmptyAndNaNCellsAndGaps_KeepTheirTime()
    {
        var notices = new List<ImportNotice>();
        var s = Read(Write("holes.csv", "time,num_requests_running,prompt_tokens_total,generation_tokens_total\n"
            + "2025-01-01T00:00:00Z,1,0,0\n"
            + "2025-01-01T00:00:01Z,,10,5\n"          // running missing: holds 1
            + "2025-01-01T00:00:02Z,3,NaN,10\n"       // prompt missing: the increase 10 -> 70 is spread over :01-:04
            + "2025-01-01T00:00:03Z,NaN,null,15\n"
            + "2025-01-01T00:00:03Z,9,99,99\n"        // same time as the row before: skipped, reported
            + "2025-01-01T00:00:04Z,2,70,20\n"
            + "2025-01-01T00:00:05Z,2,80,\n"          // generation missing at the end: reads 0, reported
            + "\n"
            + "2025-01-01T00:00:15Z,0,80,\n"),       // a long gap: a rate over the whole interval, reported
            notices);
        Assert.Equal(new[] { 0.0, 1, 2, 3, 4, 14 }, s.TimeSeconds);
        Assert.Equal(new[] { 1, 3, 3, 2, 2, 0 }, s.Running);
        Assert.Equal(new[] { 10.0, 20, 20, 20, 10, 0 }, s.PromptTokensPerSecond);
        Assert.Equal(new[] { 5.0, 5, 5, 5, 0, 0 }, s.GenerationTokensPerSecond);
        Assert.Contains(notices, n => n.Kind == ImportNoticeKind.SkippedRow && n.Line == 6);
        Assert.Contains(notices, n => n.Field == "prompt_tokens_total" && n.Message.StartsWith("2 empty or NaN cells") && n.Line == 4);
        Assert.Contains(notices, n => n.Field == "generation_tokens_total" && n.Message.Contains("last 2 samples"));
        Assert.Contains(notices, n => n.Field == "num_requests_running" && n.Message.StartsWith("2 empty or NaN cells"));
        Assert.Contains(notices, n => n.Message.Contains("longer than 2.5 x the usual 1 s") && n.Line == 10);
        // A counter whose first reading comes late: the samples before it have no rate.
        var late = new List<ImportNotice>();
        var l = Read(Write("late.csv", "time,num_requests_running,prompt_tokens_total\n2025-01-01T00:00:00Z,0,\n2025-01-01T00:00:01Z,0,\n2025-01-01T00:00:02Z,0,40\n2025-01-01T00:00:03Z,0,48\n"), late);
        Assert.Equal(new[] { 0.0, 0, 8 }, l.PromptTokensPerSecond);
        Assert.Contains(late, n => n.Message.Contains("first reading is at line 4") && n.Message.Contains("2 samples"));
        // Non-whole gauge readings (a recording rule's average) are rounded and reported.
        var avg = new List<ImportNotice>();
        Assert.Equal(new[] { 3 }, Read(Write("avg.csv", "time,num_requests_running,prompt_tokens_total\n2025-01-01T00:00:00Z,0,0\n2025-01-01T00:00:01Z,2.5,1\n"), avg).Running);
        Assert.Contains(avg, n => n.Message.Contains("rounded"));
    }

    [Fact]
    public void DetectsTheFormatByContent()
    {
        var csv = Csv("d.csv", t => t.ToString("o"));
        Assert.Equal(EngineStateFormat.PrometheusCsv, PrometheusCsvReader.DetectFormat(csv));
        Assert.Equal(EngineStateFormat.VllmLog, PrometheusCsvReader.DetectFormat(TestData.Path_("llmservingsim-a6000", "raw_data", "vllm_pulse_power_tp1.txt")));
        Assert.Equal(EngineStateFormat.VllmLog, PrometheusCsvReader.DetectFormat(Write("empty.csv", "")));
        // A header with a time column but no vLLM metric is still this format, so the error names what is missing.
        var near = Write("near.csv", "# scraped by a script\n\ntimestamp,cpu\n2025-01-01T00:00:00Z,1\n");
        Assert.Equal(EngineStateFormat.PrometheusCsv, PrometheusCsvReader.DetectFormat(near));
        var e = Fails(near);
        Assert.Equal(ImportErrorIds.MissingColumn, e.ErrorId);
        Assert.Equal(3, e.Line);
        Assert.Equal("num_requests_running", e.Field);
        Assert.Contains("'cpu'", e.Message);
    }

    [Fact]
    public void EachBadInputHasItsIdLineAndField()
    {
        void Is(string id, long line, string? field, InputFormatException e)
        {
            Assert.Equal(id, e.ErrorId);
            Assert.Equal(line, e.Line);
            Assert.Equal(field, e.Field);
            Assert.Contains(_dir, e.File);
        }
        const string H = "time,vllm:num_requests_running,vllm:prompt_tokens_total\n";
        const string A = "2025-01-01T00:00:00Z,1,10\n";
        const string B = "2025-01-01T00:00:01Z,1,20\n";
        Is(ImportErrorIds.EmptyFile, 0, null, Fails(Write("e1.csv", "")));
        Is(ImportErrorIds.EmptyFile, 0, null, Fails(Write("e2.csv", H)));
        var one = Fails(Write("e3.csv", H + A));
        Is(ImportErrorIds.EmptyFile, 0, null, one);
        Assert.Contains("two rows", one.Message);
        Is(ImportErrorIds.MissingColumn, 1, "time", Fails(Write("m1.csv", "when,vllm:num_requests_running,vllm:prompt_tokens_total\n" + A)));
        Is(ImportErrorIds.MissingColumn, 1, "num_requests_running", Fails(Write("m2.csv", "time,vllm:num_requests_waiting,vllm:prompt_tokens_total\n" + A)));
        Is(ImportErrorIds.MissingColumn, 1, "prompt_tokens_total", Fails(Write("m3.csv", "time,vllm:num_requests_running,vllm:num_requests_waiting\n" + A)));
        var dup = Fails(Write("dup.csv", "time,vllm:num_requests_running{model_name=\"a\"},vllm:num_requests_running{model_name=\"b\"},vllm:prompt_tokens_total\n"));
        Is(ImportErrorIds.DuplicateColumn, 1, "vllm:num_requests_running{model_name=\"b\"}", dup);
        Assert.Contains("model_name=\"a\"", dup.Message);
        Is(ImportErrorIds.DuplicateColumn, 1, "vllm:request_success_total{finished_reason=\"stop\"}",
            Fails(Write("dup2.csv", "time,num_requests_running,prompt_tokens_total,vllm:request_success_total{finished_reason=\"stop\"},vllm:request_success_total{finished_reason=\"stop\"}\n")));
        Is(ImportErrorIds.WrongFieldCount, 3, null, Fails(Write("w.csv", H + A + "2025-01-01T00:00:01Z,1\n")));
        Is(ImportErrorIds.InvalidTimestamp, 3, "time", Fails(Write("t1.csv", H + A + "yesterday,1,20\n")));
        Is(ImportErrorIds.InvalidTimestamp, 3, "time", Fails(Write("t2.csv", H + A + ",1,20\n")));
        Is(ImportErrorIds.InvalidTimestamp, 3, "time", Fails(Write("t3.csv", H + A + "1735689601,1,20\n")));            // Unix after ISO
        Is(ImportErrorIds.InvalidTimestamp, 3, "time", Fails(Write("t4.csv", H + "1735689600,1,10\n2025-01-01T00:00:01Z,1,20\n"))); // ISO after Unix
        Is(ImportErrorIds.InvalidTimestamp, 2, "time", Fails(Write("t5.csv", H + "1735689600000000,1,10\n" + B)));       // microseconds
        Is(ImportErrorIds.InvalidTimestamp, 2, "time", Fails(Write("t6.csv", H + "2025-02-30T00:00:00Z,1,10\n" + B)));   // no such day
        Is(ImportErrorIds.TimestampsGoBackwards, 4, "time", Fails(Write("b.csv", H + A + B + "2025-01-01T00:00:00.5Z,1,30\n")));
        Is(ImportErrorIds.InvalidNumber, 3, "vllm:num_requests_running", Fails(Write("n1.csv", H + A + "2025-01-01T00:00:01Z,abc,20\n")));
        Is(ImportErrorIds.InvalidNumber, 3, "vllm:prompt_tokens_total", Fails(Write("n2.csv", H + A + "2025-01-01T00:00:01Z,1,-5\n")));
        Is(ImportErrorIds.InvalidNumber, 2, "vllm:prompt_tokens_total", Fails(Write("n3.csv", H + "2025-01-01T00:00:00Z,1,+Inf\n" + B)));
        Is(ImportErrorIds.NoEngineState, 1, "engine", Fails(Write("ne.csv", H + A + B), engine: 2));
    }

    [Fact]
    public void RealVllmLog_ScrapedToCsv_GivesTheSameEngineState()
    {
        var log = PrometheusCsvFixture.Tp1Log();
        string file = Path.Combine(_dir, "vllm_metrics_tp1.csv");
        PrometheusCsvFixture.Write(log, file);
        Assert.Equal(EngineStateFormat.PrometheusCsv, PrometheusCsvReader.DetectFormat(file));
        var notices = new List<ImportNotice>();
        var csv = Read(file, notices);
        Assert.Equal(log.StartUtc, csv.StartUtc);
        Assert.Equal(137, csv.Count); // a scrape every second from the first log line to the last, idle ones too
        Assert.Equal(log.TimeSeconds[^1], csv.TimeSeconds[^1], 9);
        var atLog = new HashSet<int>();
        for (int i = 0; i < log.Count; i++)
        {
            int j = (int)Math.Round(log.TimeSeconds[i]);
            atLog.Add(j);
            Assert.Equal(log.TimeSeconds[i], csv.TimeSeconds[j], 9);
            Assert.Equal(log.Running[i], csv.Running[j]);
            Assert.Equal(log.Waiting[i], csv.Waiting[j]);
            Assert.Equal(log.KvCacheUsagePercent[i], csv.KvCacheUsagePercent[j], 9);
            // Counters are whole tokens: each rate is within one token per second of the logged throughput.
            Assert.InRange(csv.PromptTokensPerSecond[j] - log.PromptTokensPerSecond[i], -1.0, 1.0);
            Assert.InRange(csv.GenerationTokensPerSecond[j] - log.GenerationTokensPerSecond[i], -1.0, 1.0);
        }
        for (int j = 0; j < csv.Count; j++)
            if (!atLog.Contains(j))
            {
                Assert.Equal(0, csv.Running[j]);
                Assert.Equal(0.0, csv.PromptTokensPerSecond[j]);
                Assert.Equal(0.0, csv.GenerationTokensPerSecond[j]);
            }
        // Token totals agree to the rounding of the last counter value.
        Assert.Equal(log.PromptTokensPerSecond.Sum(), csv.PromptTokensPerSecond.Sum(), 0.5 + 1e-9);
        Assert.Equal(log.GenerationTokensPerSecond.Sum(), csv.GenerationTokensPerSecond.Sum(), 0.5 + 1e-9);
        Assert.Contains(notices, n => n.Kind == ImportNoticeKind.IgnoredColumn && n.Message.Contains("time_to_first_token_seconds_bucket"));
        Assert.DoesNotContain(notices, n => n.Message.Contains("reset") || n.Kind == ImportNoticeKind.EmptyReading);

        // The serving profile learned from either agrees within 1 %: prefill rate, decode steps per second, and the
        // generation rate at 1 and 10 running (the slowdown coefficient alone is small, 0.003 per request, and moves
        // by about 2 % of itself with whole-token counters; its effect on the step time stays under 0.1 %).
        var a = ServingProfileLearner.FromEngineState(log);
        var b = ServingProfileLearner.FromEngineState(csv);
        Assert.Equal(a.PrefillTokensPerSecond, b.PrefillTokensPerSecond, a.PrefillTokensPerSecond * 0.01);
        Assert.Equal(a.DecodeStepsPerSecond, b.DecodeStepsPerSecond, a.DecodeStepsPerSecond * 0.01);
        Assert.Equal(a.GenerationTokensPerSecond(1), b.GenerationTokensPerSecond(1), a.GenerationTokensPerSecond(1) * 0.01);
        Assert.Equal(a.GenerationTokensPerSecond(10), b.GenerationTokensPerSecond(10), a.GenerationTokensPerSecond(10) * 0.01);
        Assert.Equal(a.PrefillRateIsLowerBound, b.PrefillRateIsLowerBound);
    }
}
