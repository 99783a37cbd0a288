using System.Globalization;
using PowerTrace.Core.Import;
using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Import;

/// <summary>Known-truth checks of the grid, the time-weighted mean, gaps, grouping, offsets and export.</summary>
public sealed class BinningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-import-bin").FullName;
    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string content)
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllText(p, content);
        return p;
    }

    private static string Smi(DateTime t) => t.ToString("yyyy/MM/dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    [Fact]
    public void StepAtHalfBin_GivesTimeWeightedMean_OnAnEpochAlignedGrid()
    {
        // 100 W from 10.1 s, 300 W from 10.2 s, ... samples every 0.1 s; bins of 0.25 s start at whole multiples.
        var t0 = new DateTime(2025, 1, 1, 0, 0, 10, 100, DateTimeKind.Utc);
        var lines = new List<string>();
        for (int i = 0; i < 10; i++) lines.Add($"{Smi(t0.AddMilliseconds(100 * i))}, 0, 0, {(i < 1 ? 100 : 300)}");
        var t = Assert.Single(PowerTraceReader.Read(Write("s.txt", string.Join("\n", lines))));
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 10, DateTimeKind.Utc), t.StartUtc);
        // Bin [10.0,10.25): 100 W over [10.1,10.2), 300 W over [10.2,10.25) -> (100*0.1 + 300*0.05)/0.15.
        Assert.Equal((100 * 0.1 + 300 * 0.05) / 0.15, t.Watts[0], 9);
        Assert.Equal(300, t.Watts[1], 9);
        // Last sample at 11.0 held for one 0.1 s interval: [10.0, 11.1) -> 5 bins.
        Assert.Equal(5, t.BinCount);
    }

    [Fact]
    public void TwoGpusSumIntoANode_GroupsOfOne_AndPerGpu()
    {
        var t0 = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var lines = new List<string> { "timestamp, index, power.draw [W], utilization.gpu [%]" };
        for (int i = 0; i < 20; i++)
        {
            lines.Add($"{Smi(t0.AddMilliseconds(100 * i))}, 0, {50 + i}.00 W, 0 %");
            lines.Add($"{Smi(t0.AddMilliseconds(100 * i + 2))}, 1, 200.00 W, 90 %");
        }
        string f = Write("n.csv", string.Join("\n", lines));
        var node = Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { TensorParallel = 2, ModelName = "m" }));
        Assert.Equal(2, node.Metadata.GpuCount);
        Assert.Equal(2, node.Metadata.TensorParallel);
        Assert.Equal("m", node.Metadata.ModelName);
        var gpus = PowerTraceReader.Read(f, new PowerImportOptions { PerGpu = true });
        Assert.Equal(2, gpus.Count);
        Assert.All(gpus, g => Assert.Equal(TraceLevel.Gpu, g.Level));
        var groups = PowerTraceReader.Read(f, new PowerImportOptions { GroupSize = 1 });
        Assert.Equal(2, groups.Count);
        Assert.Equal(1, groups[0].Metadata.TensorParallel);
        // Interior bins: node = gpu0 + gpu1 exactly (both fully covered).
        for (int k = 1; k < node.BinCount - 1; k++)
            Assert.Equal(gpus[0].Watts[k] + gpus[1].Watts[k], node.Watts[k], 9);
        Assert.Equal(200, gpus[1].Watts[3], 9);
        var only1 = Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { GpuIndex = new[] { 1 } }));
        Assert.Equal(new[] { 1 }, only1.Metadata.GpuIndices);
        Assert.Equal(200, only1.MeanWatts, 9);
    }

    [Fact]
    public void Gap_IsNaNAndReported_FillGapsInterpolates()
    {
        var t0 = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var lines = new List<string>();
        for (int i = 0; i < 10; i++) lines.Add($"{t0.AddSeconds(i):yyyy-MM-dd HH:mm:ss},100");
        for (int i = 20; i < 30; i++) lines.Add($"{t0.AddSeconds(i):yyyy-MM-dd HH:mm:ss},200");
        string f = Write("g.csv", string.Join("\n", lines));
        var t = Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { BinSeconds = 1 }));
        Assert.Equal(1, t.Gaps.Count);
        Assert.Equal(11.0, t.Gaps.TotalSeconds, 9); // no sample between 9 s and 20 s
        Assert.False(t.Gaps.Filled);
        Assert.Equal(30, t.BinCount);
        Assert.Equal(100, t.Watts[9]);            // the sample before the gap holds one interval
        for (int k = 10; k < 20; k++) Assert.True(double.IsNaN(t.Watts[k]));
        Assert.Equal(20, t.ValidBinCount);
        var filled = Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { BinSeconds = 1, FillGaps = true }));
        Assert.True(filled.Gaps.Filled);
        Assert.Equal(100 + 100.0 * 1 / 11, filled.Watts[10], 9);
        Assert.Equal(30, filled.ValidBinCount);
    }

    [Fact]
    public void UtcOffset_ShiftsZonelessTimes_ExplicitZonesWin()
    {
        string f = Write("o.csv", "2025-01-01 08:00:00,100\n2025-01-01 08:00:01,100\n");
        var t = Assert.Single(PowerTraceReader.Read(f, new PowerImportOptions { UtcOffset = TimeSpan.FromHours(8) }));
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), t.StartUtc);
        string z = Write("z.csv", "time,watts\n2025-01-01T08:00:00+08:00,100\n2025-01-01T08:00:01+08:00,100\n");
        var tz = Assert.Single(PowerTraceReader.Read(z, new PowerImportOptions { UtcOffset = TimeSpan.FromHours(-5) }));
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), tz.StartUtc);
    }

    [Fact]
    public void ExportThenImport_RoundTripsWattsAndGrid()
    {
        var start = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        var a = new PowerSeries("node a", TraceLevel.Node, start, 0.25, new[] { 100.5, 101.25, double.NaN, 99.0 });
        var b = new PowerSeries("node b", TraceLevel.Node, start, 0.25, new[] { 1.0 / 3, 2, 3, 4 });
        string f = Path.Combine(_dir, "out.csv");
        PowerTraceWriter.WriteFile(f, new[] { a, b }, overwrite: false);
        var text = File.ReadAllLines(f);
        Assert.Equal("timestamp_utc,node a (Node) [W],node b (Node) [W]", text[0]);
        Assert.StartsWith("2025-03-01T12:00:00.000Z,100.5,", text[1]);
        Assert.Equal("2025-03-01T12:00:00.500Z,,3", text[3]);
        Assert.Throws<PowerTrace.Core.Errors.PowerTraceException>(() => PowerTraceWriter.WriteFile(f, new[] { a }, overwrite: false));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
        var notes = new List<ImportNotice>();
        var back = PowerTraceReader.Read(f, new PowerImportOptions { Notice = notes.Add });
        Assert.Equal(2, back.Count);
        Assert.Equal("node a", back[0].Name);
        Assert.Equal(start, back[0].StartUtc);
        Assert.Equal(b.Watts, back[1].Watts);
        Assert.Equal(new[] { 100.5, 101.25 }, back[0].Watts.Take(2));
        Assert.True(double.IsNaN(back[0].Watts[2])); // an empty cell of an exported file is an unmeasured bin
        Assert.Equal(1, back[0].Gaps.Count);
        Assert.DoesNotContain(notes, n => n.Kind == ImportNoticeKind.EmptyReading);
    }

    [Fact]
    public void GenericRequestCsv_AutoDetectsSpellings_ReportsIgnored_MillisecondsColumns()
    {
        string f = Write("r.csv", "request_id,arrival_s,prompt_tokens,output_tokens,ttft_ms,e2e_s\n1,0.5,100,10,120,1.5\n2,1.5,200,20,,2.5\n");
        var notes = new List<ImportNotice>();
        var r = RequestTraceReader.Read(f, new RequestImportOptions { Notice = notes.Add });
        Assert.Equal("Generic", r.Format);
        Assert.Equal(new[] { 0.5, 1.5 }, r.ArrivalSeconds);
        Assert.Null(r.StartUtc);
        Assert.Equal(0.12, r.TtftSeconds![0], 12);
        Assert.True(double.IsNaN(r.TtftSeconds[1]));
        Assert.Equal(new[] { 1.5, 2.5 }, r.LatencySeconds);
        Assert.Equal("request_id", Assert.Single(notes, n => n.Kind == ImportNoticeKind.IgnoredColumn).Field);
        var over = RequestTraceReader.Read(f, new RequestImportOptions { PromptTokensColumn = "output_tokens", OutputTokensColumn = "prompt_tokens" });
        Assert.Equal(10, over.PromptTokens[0]);
    }

    [Fact]
    public void FastNumber_AgreesWithDoubleParse()
    {
        var rng = new Random(7);
        for (int i = 0; i < 20000; i++)
        {
            double v = (rng.NextDouble() - 0.3) * Math.Pow(10, rng.Next(-8, 12));
            foreach (string s in new[] { v.ToString("R", CultureInfo.InvariantCulture), v.ToString("F2", CultureInfo.InvariantCulture), v.ToString("E5", CultureInfo.InvariantCulture) })
            {
                Assert.True(FastNumber.TryParseDouble(s.AsSpan(), out double got), s);
                Assert.Equal(double.Parse(s, CultureInfo.InvariantCulture), got);
            }
        }
        foreach (string bad in new[] { "", "-", ".", "1.2.3", "1e", "abc", "1,5", "NaN", " 1" })
            Assert.False(FastNumber.TryParseDouble(bad.AsSpan(), out _), bad);
        Assert.True(FastNumber.TryParseDouble("12345678901234567890.123".AsSpan(), out double big));
        Assert.Equal(12345678901234567890.123, big);
    }
}
