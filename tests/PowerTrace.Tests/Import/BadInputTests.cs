using PowerTrace.Core.Errors;
using PowerTrace.Core.Hardware;
using PowerTrace.Core.Import;
using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Import;

/// <summary>
/// The bad inputs found by trying the module as a new user (issue 12), each on a file that shows it:
/// absurd and negative watts, nvidia-smi's [Not Supported], a final line cut mid-record, GPU names
/// spelled two ways, and Excel's semicolon CSV with decimal commas.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-bad-input").FullName;
    private static string Raw(string f) => TestData.Path_("llmservingsim-a6000", "raw_data", f);

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string content)
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllText(p, content);
        return p;
    }

    private const string Smi = "timestamp, index, power.draw [W]\n";

    [Fact]
    public void HugeReading_IsReadingOutOfRange_NotArgumentException()
    {
        var f = Write("huge.csv", Smi + "2025/01/01 00:00:00.000, 0, 70.5 W\n2025/01/01 00:00:00.200, 0, 1e308 W\n2025/01/01 00:00:00.400, 0, 71 W\n");
        var e = Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(f));
        Assert.Equal(ImportErrorIds.ReadingOutOfRange, e.ErrorId);
        Assert.Equal(3, e.Line);
        Assert.Equal("power.draw", e.Field);
        // kW scaling that overflows is caught the same way, and the row can be skipped on request (and is reported).
        var k = Write("hugekw.csv", "time_s,rack [kW]\n0,1\n1,1e306\n2,1\n");
        Assert.Equal(ImportErrorIds.ReadingOutOfRange, Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(k)).ErrorId);
        var notes = new List<ImportNotice>();
        var t = Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { SkipInvalidRows = true, Notice = notes.Add }));
        Assert.Equal(3, Assert.Single(notes, n => n.Kind == ImportNoticeKind.SkippedRow).Line);
        Assert.All(t.Watts, w => Assert.InRange(w, 70, 72));
    }

    [Fact]
    public void NegativeReading_IsAnError_OrASkippedAndReportedRow()
    {
        var f = Write("neg.txt", "2025/01/01 00:00:00.000, 0, 0, 50\n2025/01/01 00:00:00.200, 0, 0, -40\n2025/01/01 00:00:00.400, 0, 0, 52\n");
        var e = Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(f));
        Assert.Equal(ImportErrorIds.NegativeReading, e.ErrorId);
        Assert.Equal(2, e.Line);
        var notes = new List<ImportNotice>();
        var t = Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { SkipInvalidRows = true, Notice = notes.Add }));
        Assert.Equal(2, Assert.Single(notes, n => n.Kind == ImportNoticeKind.SkippedRow).Line);
        Assert.All(t.Watts, w => Assert.True(w >= 50));
        // Zero and negative zero are readings, not errors.
        var z = Write("zero.txt", "2025/01/01 00:00:00.000, 0, 0, 0\n2025/01/01 00:00:00.200, 0, 0, -0.0\n2025/01/01 00:00:00.400, 0, 0, 0\n");
        Assert.All(Assert.Single(PowerTraceReader.Read(z)).Watts, w => Assert.Equal(0.0, w));
    }

    [Fact]
    public void NotSupported_IsAGap_LikeNA()
    {
        string body(string missing) => Smi + "2025/01/01 00:00:00.000, 0, 50 W\n2025/01/01 00:00:00.000, 1, 60 W\n"
            + "2025/01/01 00:00:00.200, 0, 51 W\n2025/01/01 00:00:00.200, 1, " + missing + "\n"
            + "2025/01/01 00:00:00.400, 0, 52 W\n2025/01/01 00:00:00.400, 1, 61 W\n";
        var na = PowerTraceReader.Read(Write("na.csv", body("[N/A]")), new PowerImportOptions { PerGpu = true });
        foreach (var missing in new[] { "[Not Supported]", "Not Supported", "[Unknown Error]" })
        {
            var notes = new List<ImportNotice>();
            var ns = PowerTraceReader.Read(Write("ns.csv", body(missing)), new PowerImportOptions { PerGpu = true, Notice = notes.Add });
            Assert.Equal(na.Count, ns.Count);
            for (int i = 0; i < na.Count; i++) Assert.Equal(na[i].Watts, ns[i].Watts);
            Assert.Equal(5, Assert.Single(notes, n => n.Kind == ImportNoticeKind.EmptyReading).Line);
        }
    }

    [Fact]
    public void FinalLineCutMidRecord_ImportsEverythingBefore_AndNamesTheLine()
    {
        // The real A6000 log, its writer killed in the middle of the last record.
        string src = Raw("gpu_power_log_tp1.txt");
        string text = File.ReadAllText(src);
        var lines = text.TrimEnd('\n').Split('\n');
        string full = Write("full.txt", string.Join("\n", lines.Take(lines.Length - 1)) + "\n");
        foreach (int keep in new[] { 5, 12, 27 })  // inside the timestamp, after it, inside the watts
        {
            string cut = Write($"cut{keep}.txt", string.Join("\n", lines.Take(lines.Length - 1)) + "\n" + lines[^1].Substring(0, keep));
            var notes = new List<ImportNotice>();
            var a = Assert.Single(PowerTraceReader.Read(cut, new PowerImportOptions { Notice = notes.Add }));
            var b = Assert.Single(PowerTraceReader.Read(full));
            Assert.Equal(b.StartUtc, a.StartUtc);
            Assert.Equal(b.Watts, a.Watts);
            var n = Assert.Single(notes, x => x.Kind == ImportNoticeKind.TruncatedLine);
            Assert.Equal(lines.Length, n.Line);
        }
        // Cut inside a unit ("71.2 k" of "71.2 kW"): the same.
        var unitCut = Write("unit.csv", Smi + "2025/01/01 00:00:00.000, 0, 0.0702 kW\n2025/01/01 00:00:00.200, 0, 0.0712 kW\n2025/01/01 00:00:00.400, 0, 0.0712 k");
        var un = new List<ImportNotice>();
        Assert.Equal(new[] { 70.2, 71.2 }, Assert.Single(PowerTraceReader.Read(unitCut, new PowerImportOptions { BinSeconds = 0.2, Notice = un.Add })).Watts);
        Assert.Equal(4, Assert.Single(un, x => x.Kind == ImportNoticeKind.TruncatedLine).Line);
        // A bad final line that does end with a line end was written whole: still an error.
        var bad = Write("bad.txt", "2025/01/01 00:00:00.000, 0, 0, 50\n2025/01/01 00:00:00.200, 0, 0, 51\n2025/01/01 00:00:00.400, 0\n");
        Assert.Equal(ImportErrorIds.WrongFieldCount, Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(bad)).ErrorId);
    }

    [Fact]
    public void FinalLineCut_InRequestAndEngineLogs()
    {
        var notes = new List<ImportNotice>();
        var csv = Write("req.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.1,10,2\n2023-11-16 18:17:04.1,20,3\n2023-11-16 18:17:0");
        var r = RequestTraceReader.Read(csv, new RequestImportOptions { Notice = notes.Add });
        Assert.Equal(2, r.Count);
        Assert.Equal(4, Assert.Single(notes, n => n.Kind == ImportNoticeKind.TruncatedLine).Line);
        notes.Clear();
        var jsonl = Write("m.jsonl", "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n{\"timestamp\": 3, \"input_length\": 5,");
        Assert.Equal(1, RequestTraceReader.Read(jsonl, new RequestImportOptions { Notice = notes.Add }).Count);
        Assert.Equal(2, Assert.Single(notes, n => n.Kind == ImportNoticeKind.TruncatedLine).Line);
        notes.Clear();
        const string L = "INFO 12-11 13:08:{0} [loggers.py:236] Engine 000: Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.5%, Prefix cache hit rate: 0.0%";
        string log = string.Format(L, "28") + "\n" + string.Format(L, "29") + "\n" + string.Format(L, "30").Substring(0, 110);
        var e = VllmLogReader.Read(Write("v.log", log), new VllmLogOptions { Year = 2025, Notice = notes.Add });
        Assert.Equal(2, e.Count);
        Assert.Equal(3, Assert.Single(notes, n => n.Kind == ImportNoticeKind.TruncatedLine).Line);
    }

    [Fact]
    public void VllmMonthGoingDown_IsBackwards_NotANewYear()
    {
        const string L = "INFO {0} 13:08:28 [loggers.py:236] Engine 000: Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.5%, Prefix cache hit rate: 0.0%\n";
        var flipped = Write("flip.log", string.Format(L, "12-11") + string.Format(L, "02-11") + string.Format(L, "12-11"));
        Assert.Equal(ImportErrorIds.TimestampsGoBackwards,
            Assert.Throws<InputFormatException>(() => VllmLogReader.Read(flipped, new VllmLogOptions { Year = 2025 })).ErrorId);
        var newYear = Write("ny.log", string.Format(L, "12-31") + string.Format(L, "01-01"));
        var s = VllmLogReader.Read(newYear, new VllmLogOptions { Year = 2025 });
        Assert.Equal(new DateTime(2025, 12, 31, 13, 8, 28, DateTimeKind.Utc), s.StartUtc);
        Assert.Equal(86400.0, s.TimeSeconds[1]);
    }

    [Fact]
    public void CorruptYear_IsTraceTooLong_NotAnAllocation()
    {
        var f = Write("year.txt", "2025/01/01 00:00:00.000, 0, 0, 50\n2025/01/01 00:00:00.200, 0, 0, 51\n7025/01/01 00:00:00.400, 0, 0, 52\n2025/01/01 00:00:00.600, 0, 0, 52\n");
        var e = Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(f));
        Assert.Equal(ImportErrorIds.TraceTooLong, e.ErrorId);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void GpuNames_GoThroughTheCatalog()
    {
        var f = Write("h.txt", "2025/01/01 00:00:00.000, 0, 0, 50\n2025/01/01 00:00:00.200, 0, 0, 51\n");
        Assert.Equal("H100-SXM-80GB", Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { GpuType = "H100" })).Metadata.GpuType);
        Assert.Equal("H100-SXM-80GB", Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { GpuType = "h100-80gb" })).Metadata.GpuType);
        Assert.Equal("My GPU", Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { GpuType = " My GPU " })).Metadata.GpuType);
        Assert.True(GpuCatalog.SameGpu("H100", "H100-SXM-80GB"));
        Assert.True(GpuCatalog.SameGpu("RTX A6000", "RTX-A6000-48GB"));
        Assert.False(GpuCatalog.SameGpu("H100", "H200"));
        Assert.False(GpuCatalog.SameGpu("A100", "A100-40GB"));
        Assert.True(GpuCatalog.SameGpu("my gpu", "My-GPU"));
        // The fitter's (and the evaluator's) configuration check: one GPU spelled two ways is one configuration.
        PowerModelFitter.CheckSameConfiguration(new TraceMetadata("H100-SXM-80GB"), new TraceMetadata("H100"), "t");
        Assert.Equal("ConfigurationMismatch", Assert.Throws<InvalidSettingException>(() =>
            PowerModelFitter.CheckSameConfiguration(new TraceMetadata("H200"), new TraceMetadata("H100"), "t")).ErrorId);
    }

    [Fact]
    public void SemicolonCsvWithDecimalCommas_ReadsLikeTheInvariantOne()
    {
        var comma = Write("c.csv", "timestamp,rack power [kW]\n2025-01-01 00:00:00.000,1.5\n2025-01-01 00:00:00.500,2.25\n2025-01-01 00:00:01.000,2\n");
        var semi = Write("s.csv", "timestamp;rack power [kW]\n2025-01-01 00:00:00,000;1,5\n2025-01-01 00:00:00,500;2,25\n2025-01-01 00:00:01,000;2\n");
        var a = Assert.Single(PowerTraceReader.Read(comma));
        var b = Assert.Single(PowerTraceReader.Read(semi));
        Assert.Equal(a.StartUtc, b.StartUtc);
        Assert.Equal(a.Watts, b.Watts);
        Assert.Equal(1500.0, b.Watts[0]);
        // Header-less server log in the same dialect.
        var srv = Assert.Single(PowerTraceReader.Read(Write("srv.csv", "2025-12-11 21:08:18;390,5\n2025-12-11 21:08:19;387\n"), new PowerImportOptions { BinSeconds = 1 }));
        Assert.Equal(390.5, srv.Watts[0]);
        // Request logs, too.
        var r = RequestTraceReader.Read(Write("r.csv", "arrival_s;input_tokens;output_tokens;ttft_s\n0,5;10;2;0,125\n1,25;20;3;0,25\n"));
        Assert.Equal(new[] { 0.5, 1.25 }, r.ArrivalSeconds);
        Assert.Equal(0.125, r.TtftSeconds![0]);
    }
}
