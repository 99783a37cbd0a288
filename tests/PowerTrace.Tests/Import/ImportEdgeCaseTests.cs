using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Import;

/// <summary>
/// Review fixes: GpuNotFound before EmptyFile, engines named in NoEngineState, the first timestamp in
/// UTC reported for checking the offset sign, the export/import round trip of names and levels,
/// and cancellation of the writer.
/// </summary>
public sealed class ImportEdgeCaseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-import-fix").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string content)
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllText(p, content);
        return p;
    }

    private static string Vllm(string time, int engine)
        => $"INFO {time} [loggers.py:236] Engine {engine:000}: Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.5%\n";

    [Fact]
    public void GpuIndexAbsentFromFile_IsGpuNotFound_NotEmptyFile()
    {
        var f = Write("gpu0.txt", "2025/01/01 00:00:00.000, 0, 0, 50\n2025/01/01 00:00:00.200, 0, 0, 51\n");
        var only1 = Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(f, new PowerImportOptions { GpuIndex = new[] { 1 } }));
        Assert.Equal(ImportErrorIds.GpuNotFound, only1.ErrorId);
        Assert.Contains("GPU 1 does not occur", only1.Message);
        Assert.Contains("GPUs in the file: 0", only1.Message);
        var both = Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(f, new PowerImportOptions { GpuIndex = new[] { 0, 1 } }));
        Assert.Equal(ImportErrorIds.GpuNotFound, both.ErrorId);
        // A GPU present only with empty readings is named as such.
        var na = Write("na.txt", "2025/01/01 00:00:00.000, 0, 0, 50\n2025/01/01 00:00:00.000, 1, 0, [N/A]\n2025/01/01 00:00:00.200, 0, 0, 51\n");
        var e = Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(na, new PowerImportOptions { GpuIndex = new[] { 1 } }));
        Assert.Equal(ImportErrorIds.GpuNotFound, e.ErrorId);
        Assert.Contains("all its readings are empty", e.Message);
        // EmptyFile only when there truly are no data rows (or no readings at all).
        var header = Write("h.csv", "timestamp, index, power.draw [W]\n");
        Assert.Equal(ImportErrorIds.EmptyFile, Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(header, new PowerImportOptions { GpuIndex = new[] { 1 } })).ErrorId);
        var allNa = Write("allna.csv", "timestamp, index, power.draw [W]\n2025/01/01 00:00:00.000, 0, [N/A]\n");
        Assert.Equal(ImportErrorIds.EmptyFile, Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(allNa)).ErrorId);
        Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { GpuIndex = new[] { 0 } }));
    }

    [Fact]
    public void NoEngineState_ForAnAbsentEngine_NamesTheEnginesTheFileHas()
    {
        var log = Write("e.log", Vllm("12-11 13:08:28", 0) + Vllm("12-11 13:08:28", 1) + Vllm("12-11 13:08:29", 0));
        var e = Assert.Throws<InputFormatException>(() => VllmLogReader.Read(log, new VllmLogOptions { Year = 2025, Engine = 3 }));
        Assert.Equal(ImportErrorIds.NoEngineState, e.ErrorId);
        Assert.Contains("engine 3", e.Message);
        Assert.Contains("engines 0, 1", e.Message);
        Assert.Equal(2, VllmLogReader.Read(log, new VllmLogOptions { Year = 2025, Engine = 0 }).Count);
    }

    [Fact]
    public void FirstTimestampIsReportedInUtc_WithTheSignRuleOfEachImporter()
    {
        var notes = new List<ImportNotice>();
        var p = Write("p.csv", "2025-01-01 08:00:00,100\n2025-01-01 08:00:01,100\n");
        var t = Assert.Single(PowerTraceReader.Read(p, new PowerImportOptions { UtcOffset = TimeSpan.FromHours(8), BinSeconds = 1, Notice = notes.Add }));
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), t.StartUtc);
        var n = Assert.Single(notes, x => x.Kind == ImportNoticeKind.Information && x.Message.StartsWith("First timestamp"));
        Assert.Contains("'2025-01-01 08:00:00' is 2025-01-01 00:00:00.000 UTC", n.Message);
        Assert.Contains("UTC = local time - UtcOffset +08:00", n.Message);

        notes.Clear();
        var r = Write("r.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.1,10,2\n2023-11-16 18:17:04.1,10,2\n");
        RequestTraceReader.Read(r, new RequestImportOptions { UtcOffset = TimeSpan.FromHours(-5), Notice = notes.Add });
        Assert.Contains(notes, x => x.Message.Contains("'2023-11-16 18:17:03.1' is 2023-11-16 23:17:03.100 UTC") && x.Message.Contains("UtcOffset -05:00"));

        notes.Clear();
        var rel = Write("rel.csv", "arrival_s,input_tokens,output_tokens\n1.5,1,2\n");
        RequestTraceReader.Read(rel, new RequestImportOptions { StartUtc = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), Notice = notes.Add });
        Assert.Contains(notes, x => x.Message.Contains("first request arrives at 2025-01-01 00:00:01.500 UTC"));

        notes.Clear();
        var log = Write("v.log", Vllm("12-11 13:08:28", 0));
        VllmLogReader.Read(log, new VllmLogOptions { Year = 2025, TimeOffset = TimeSpan.FromHours(8), Notice = notes.Add });
        Assert.Contains(notes, x => x.Message.Contains("'12-11 13:08:28' (2025) is 2025-12-11 21:08:28.000 UTC (UTC = log time + TimeOffset +08:00)"));
    }

    [Fact]
    public void ExportThenImport_GivesBackNamesLevelsAndValues()
    {
        var start = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        var traces = new[]
        {
            new PowerSeries("rack 3", TraceLevel.Rack, start, 60, new[] { 12345.678901234, 12000.5, double.NaN, 11999.25 }),
            new PowerSeries("node a, (east)", TraceLevel.Node, start, 60, new[] { 1.0 / 3, 2, 3 }),
            new PowerSeries("gpu 7", TraceLevel.Gpu, start, 60, new[] { 300.125, 301, 299.5, 298 }),
        };
        string f = Path.Combine(_dir, "site.csv");
        PowerTraceWriter.WriteFile(f, traces, overwrite: false);
        Assert.Equal("timestamp_utc,rack 3 (Rack) [W],\"node a, (east) (Node) [W]\",gpu 7 (Gpu) [W]", File.ReadLines(f).First());
        var back = PowerTraceReader.Read(f, new PowerImportOptions { BinSeconds = 60 });
        Assert.Equal(traces.Select(t => t.Name), back.Select(t => t.Name));
        Assert.Equal(traces.Select(t => t.Level), back.Select(t => t.Level));
        for (int i = 0; i < traces.Length; i++)
        {
            Assert.Equal(traces[i].StartUtc, back[i].StartUtc);
            Assert.Equal(traces[i].Watts, back[i].Watts); // "R" formatting: exact; the NaN bin comes back NaN
        }
        Assert.Equal(1, back[0].Gaps.Count);
        Assert.Equal(60, back[0].Gaps.TotalSeconds);
        // -Level still overrides the hints.
        Assert.All(PowerTraceReader.Read(f, new PowerImportOptions { BinSeconds = 60, Level = TraceLevel.Site }), t => Assert.Equal(TraceLevel.Site, t.Level));

        // One exported trace keeps its own name, not the file's.
        string one = Path.Combine(_dir, "one.csv");
        PowerTraceWriter.WriteFile(one, new[] { traces[2] }, overwrite: false);
        var single = Assert.Single(PowerTraceReader.Read(one, new PowerImportOptions { BinSeconds = 60 }));
        Assert.Equal("gpu 7", single.Name);
        Assert.Equal(TraceLevel.Gpu, single.Level);
        // A single generic column without a hint is still named after the file, and a number in parentheses is no level.
        var plain = Assert.Single(PowerTraceReader.Read(Write("plain.csv", "time_s,power (3) [W]\n0,1\n1,2\n"), new PowerImportOptions { BinSeconds = 1 }));
        Assert.Equal("plain", plain.Name);
        Assert.Equal(TraceLevel.Server, plain.Level);
        Assert.Equal("power (3)", PowerTraceReader.SplitLevelHint("power (3)", out var none));
        Assert.Null(none);
        Assert.Equal("x (east)", PowerTraceReader.SplitLevelHint("x (east) (rack)", out var rack));
        Assert.Equal(TraceLevel.Rack, rack);
        // A hand-written hint without a [unit] is a level, not an unknown unit.
        var hand = Assert.Single(PowerTraceReader.Read(Write("hand.csv", "time_s,row 2 power (Row)\n0,1\n1,2\n"), new PowerImportOptions { BinSeconds = 1 }));
        Assert.Equal(("row 2 power", TraceLevel.Row), (hand.Name, hand.Level));
    }

    [Fact]
    public void Writer_ObservesCancellation_AndLeavesNoFile()
    {
        var t = new PowerSeries("n", TraceLevel.Node, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), 1, new double[10000]);
        string f = Path.Combine(_dir, "c.csv");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => PowerTraceWriter.WriteFile(f, new[] { t }, overwrite: false, cts.Token));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Fields_quoted_as_Export_Csv_writes_them_are_read()
    {
        // PowerShell's Export-Csv quotes every field, numbers and timestamps included.
        var log = RequestTraceReader.Read(Write("quoted-requests.csv",
            "\"TIMESTAMP\",\"ContextTokens\",\"GeneratedTokens\"\n\"2023-11-16 18:15:46.6805900\",\"374\",\"44\"\n\"2023-11-16 18:15:50.9951690\",\"396\",\"109\"\n"),
            new RequestImportOptions());
        Assert.Equal(2, log.Count);
        Assert.Equal(new[] { 374, 396 }, log.PromptTokens);
        Assert.Equal(new[] { 44, 109 }, log.OutputTokens);
        Assert.Equal(4.314579, log.ArrivalSeconds[1], 6);
        var power = PowerTraceReader.Read(Write("quoted-power.csv",
            "\"time\",\"watts\"\n\"2025-01-01 00:00:00\",\"100.5\"\n\"2025-01-01 00:00:01\",\"200\"\n\"2025-01-01 00:00:02\",\"150\"\n"),
            new PowerImportOptions())[0];
        Assert.True(power.ValidBinCount > 0);
        Assert.InRange(power.Watts.Where(w => !double.IsNaN(w)).Max(), 199.9, 200.1);
    }
}
