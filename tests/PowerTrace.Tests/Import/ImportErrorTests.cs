using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Import;

/// <summary>Each bad input gets its stable id, the file, the 1-based line and the field.</summary>
public sealed class ImportErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-import-err").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string content)
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllText(p, content);
        return p;
    }

    private static InputFormatException Power(string path, PowerImportOptions? o = null)
        => Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(path, o));

    [Fact]
    public void InvalidTimestamp_NamesLineAndField()
    {
        var f = Write("a.csv", "2025-01-01 00:00:00,100\n2025-01-01 00:00:01,101\n2025-13-01 00:00:02,102\n");
        var e = Power(f);
        Assert.Equal(ImportErrorIds.InvalidTimestamp, e.ErrorId);
        Assert.Equal(f, e.File);
        Assert.Equal(3, e.Line);
        Assert.Equal("timestamp", e.Field);
    }

    [Fact]
    public void InvalidNumber_InNvidiaSmiPower()
    {
        var f = Write("b.csv", "timestamp, index, power.draw [W]\n2025/01/01 00:00:00.000, 0, 70.5 W\n2025/01/01 00:00:00.100, 0, seventy W\n");
        var e = Power(f);
        Assert.Equal(ImportErrorIds.InvalidNumber, e.ErrorId);
        Assert.Equal(3, e.Line);
        Assert.Equal("power.draw", e.Field);
    }

    [Fact]
    public void UnknownUnit_InHeaderAndInValue()
    {
        var h = Write("c.csv", "timestamp, index, power.draw [kWh]\n2025/01/01 00:00:00.000, 0, 70.5\n");
        var e = Power(h);
        Assert.Equal(ImportErrorIds.UnknownUnit, e.ErrorId);
        Assert.Equal(1, e.Line);
        var v = Write("d.csv", "timestamp, index, power.draw [W]\n2025/01/01 00:00:00.000, 0, 70.5 W\n2025/01/01 00:00:00.100, 0, 70.5 A\n");
        var e2 = Power(v, new PowerImportOptions { SkipInvalidRows = true }); // a unit problem is never skipped
        Assert.Equal(ImportErrorIds.UnknownUnit, e2.ErrorId);
        Assert.Equal(3, e2.Line);
        Assert.Equal("power.draw", e2.Field);
    }

    [Fact]
    public void KnownUnits_AreConverted()
    {
        var f = Write("kw.csv", "time_s,rack_power [kW]\n0,1.5\n1,2\n2,2.5\n");
        var t = Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { BinSeconds = 1 }));
        Assert.Equal(new[] { 1500.0, 2000.0, 2500.0 }, t.Watts);
        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), t.StartUtc);
    }

    [Fact]
    public void TimestampsGoBackwards_PerGpu_EvenWhenSkipping()
    {
        var f = Write("e.txt", "2025/01/01 00:00:00.000, 0, 0, 50\n2025/01/01 00:00:00.000, 1, 0, 60\n2025/01/01 00:00:00.200, 0, 0, 50\n2025/01/01 00:00:00.100, 0, 0, 50\n");
        var e = Power(f, new PowerImportOptions { SkipInvalidRows = true });
        Assert.Equal(ImportErrorIds.TimestampsGoBackwards, e.ErrorId);
        Assert.Equal(4, e.Line);
        Assert.Equal("timestamp", e.Field);
    }

    [Fact]
    public void EmptyFile_AndHeaderOnly()
    {
        Assert.Equal(ImportErrorIds.EmptyFile, Power(Write("f.csv", "")).ErrorId);
        Assert.Equal(ImportErrorIds.EmptyFile, Power(Write("g.csv", "\n  \n")).ErrorId);
        Assert.Equal(ImportErrorIds.EmptyFile, Power(Write("h.csv", "timestamp, index, power.draw [W]\n")).ErrorId);
        Assert.Equal(ImportErrorIds.EmptyFile, Assert.Throws<InputFormatException>(() => RequestTraceReader.Read(Write("i.csv", "arrival_s,input_tokens,output_tokens\n"))).ErrorId);
        Assert.Equal(ImportErrorIds.EmptyFile, Assert.Throws<InputFormatException>(() => VllmLogReader.Read(Write("j.log", ""), new VllmLogOptions { Year = 2025 })).ErrorId);
    }

    [Fact]
    public void UnknownFormat_ForAHeaderlessThreeFieldFile()
    {
        var e = Power(Write("k.txt", "2025-01-01 00:00:00,1,2\n"));
        Assert.Equal(ImportErrorIds.UnknownFormat, e.ErrorId);
        Assert.Equal(1, e.Line);
        Assert.Equal(ImportErrorIds.UnknownFormat, Power(Write("k2.txt", "hello world\nmore text\n")).ErrorId);
    }

    [Fact]
    public void MissingColumn_GenericCsvWithoutWatts_AndNamedColumnAbsent()
    {
        var e = Power(Write("l.csv", "time,temperature\n0,40\n"));
        Assert.Equal(ImportErrorIds.MissingColumn, e.ErrorId);
        var e2 = Power(Write("m.csv", "time,watts\n0,40\n"), new PowerImportOptions { WattsColumn = new[] { "kw" } });
        Assert.Equal(ImportErrorIds.MissingColumn, e2.ErrorId);
        Assert.Equal("kw", e2.Field);
        var e3 = Assert.Throws<InputFormatException>(() => RequestTraceReader.Read(Write("n.csv", "arrival_s,input_tokens\n0,5\n")));
        Assert.Equal(ImportErrorIds.MissingColumn, e3.ErrorId);
        Assert.Equal("OutputTokens", e3.Field);
    }

    [Fact]
    public void WrongFieldCount_StrictByDefault_SkippedAndReportedOnRequest()
    {
        var f = Write("o.csv", "2025-01-01 00:00:00,100\n2025-01-01 00:00:01\n2025-01-01 00:00:02,102\n");
        var e = Power(f);
        Assert.Equal(ImportErrorIds.WrongFieldCount, e.ErrorId);
        Assert.Equal(2, e.Line);
        var notes = new List<ImportNotice>();
        var t = Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { SkipInvalidRows = true, BinSeconds = 1, Notice = notes.Add }));
        Assert.Equal(2, Assert.Single(notes, n => n.Kind == ImportNoticeKind.SkippedRow).Line);
        // 100 W held over [0,2) (the one interval, 2 s, is the median); the last sample holds one median interval.
        Assert.Equal(new[] { 100.0, 100.0, 102.0, 102.0 }, t.Watts);
    }

    [Fact]
    public void RequestErrors_InvalidNumber_Backwards_InvalidJson()
    {
        var a = Assert.Throws<InputFormatException>(() => RequestTraceReader.Read(Write("p.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.1,10,2\n2023-11-16 18:17:04.1,-3,2\n")));
        Assert.Equal(ImportErrorIds.InvalidNumber, a.ErrorId);
        Assert.Equal(3, a.Line);
        Assert.Equal("ContextTokens", a.Field);
        var b = Assert.Throws<InputFormatException>(() => RequestTraceReader.Read(Write("q.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.1,10,2\n2023-11-16 18:17:02.1,10,2\n")));
        Assert.Equal(ImportErrorIds.TimestampsGoBackwards, b.ErrorId);
        Assert.Equal("TIMESTAMP", b.Field);
        var c = Assert.Throws<InputFormatException>(() => RequestTraceReader.Read(Write("r.jsonl", "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n{\"timestamp\": 3, \"input_length\": 5,\n")));
        Assert.Equal(ImportErrorIds.InvalidJson, c.ErrorId);
        Assert.Equal(2, c.Line);
        var d = Assert.Throws<InputFormatException>(() => RequestTraceReader.Read(Write("s.jsonl", "{\"timestamp\": 0, \"input_length\": 5}\n")));
        Assert.Equal(ImportErrorIds.MissingColumn, d.ErrorId);
        Assert.Equal("output_length", d.Field);
    }

    [Fact]
    public void VllmErrors_YearRequired_NoEngineState_Backwards()
    {
        var log = Write("v.log", "INFO 12-11 13:08:29 [loggers.py:236] Engine 000: Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.5%, Prefix cache hit rate: 0.0%\n"
                                  + "INFO 12-11 13:08:28 [loggers.py:236] Engine 000: Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.5%, Prefix cache hit rate: 0.0%\n");
        Assert.Equal(ImportErrorIds.YearRequired, Assert.Throws<InvalidSettingException>(() => VllmLogReader.Read(log, new VllmLogOptions())).ErrorId);
        var e = Assert.Throws<InputFormatException>(() => VllmLogReader.Read(log, new VllmLogOptions { Year = 2025 }));
        Assert.Equal(ImportErrorIds.TimestampsGoBackwards, e.ErrorId);
        Assert.Equal(2, e.Line);
        var none = Write("w.log", "INFO 12-11 13:08:29 [api_server.py:1] starting\n");
        Assert.Equal(ImportErrorIds.NoEngineState, Assert.Throws<InputFormatException>(() => VllmLogReader.Read(none, new VllmLogOptions { Year = 2025 })).ErrorId);
    }

    [Fact]
    public void InvalidSettings_BinSecondsAndGroupSize()
    {
        var f = Write("x.txt", "2025/01/01 00:00:00.000, 0, 0, 50\n2025/01/01 00:00:00.000, 1, 0, 60\n2025/01/01 00:00:00.000, 2, 0, 60\n");
        Assert.Equal("BinSeconds", Assert.Throws<InvalidSettingException>(() => PowerTraceReader.Read(f, new PowerImportOptions { BinSeconds = 0 })).Parameter);
        var g = Assert.Throws<InvalidSettingException>(() => PowerTraceReader.Read(f, new PowerImportOptions { GroupSize = 2 }));
        Assert.Equal(ImportErrorIds.InvalidImportSetting, g.ErrorId);
        Assert.Equal("GroupSize", g.Parameter);
    }

    [Fact]
    public void ExportGridMismatch()
    {
        var a = new PowerSeries("a", TraceLevel.Node, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), 0.25, new double[] { 1, 2 });
        var b = new PowerSeries("b", TraceLevel.Node, new DateTime(2025, 1, 1, 0, 0, 1, DateTimeKind.Utc), 0.25, new double[] { 1, 2 });
        var c = new PowerSeries("c", TraceLevel.Node, a.StartUtc, 1.0, new double[] { 1, 2 });
        Assert.Equal(ImportErrorIds.TraceGridMismatch, Assert.Throws<InvalidSettingException>(() => PowerTraceWriter.CheckSameGrid(new[] { a, b })).ErrorId);
        Assert.Equal(ImportErrorIds.TraceGridMismatch, Assert.Throws<InvalidSettingException>(() => PowerTraceWriter.CheckSameGrid(new[] { a, c })).ErrorId);
    }
}
