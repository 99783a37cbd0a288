using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Parquet;
using PowerTrace.Commands;
using Parquet.Schema;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Export;

/// <summary>
/// Export-PowerTrace -Format Parquet: the files are read back with Parquet.Net (an independent reader) and give
/// back the timestamps, the watts bit for bit, nulls for unmeasured bins, and the level of every column.
/// </summary>
public sealed class ParquetExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-parquet").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    internal sealed record Table(DateTime[] Times, List<(string Name, double?[] Values)> Columns, IReadOnlyDictionary<string, string> Metadata, int RowGroups);

    internal static async Task<Table> ReadBack(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal("timestamp_utc", fields[0].Name);
        Assert.False(fields[0].IsNullable);
        var times = new List<DateTime>();
        var cols = fields.Skip(1).Select(f => (f.Name, new List<double?>())).ToList();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            var t = new DateTime[rg.RowCount];
            await rg.ReadAsync<DateTime>(fields[0], t.AsMemory());
            times.AddRange(t);
            for (int c = 1; c < fields.Length; c++)
            {
                Assert.True(fields[c].IsNullable);
                var v = new double?[rg.RowCount];
                await rg.ReadAsync<double>(fields[c], v.AsMemory());
                cols[c - 1].Item2.AddRange(v);
            }
        }
        return new Table(times.ToArray(), cols.Select(c => (c.Name, c.Item2.ToArray())).ToList(), reader.CustomMetadata, reader.RowGroupCount);
    }

    [Fact]
    public async Task RealTracesRoundTripThroughParquetNet()
    {
        var raw = TestData.Path_("llmservingsim-a6000", "raw_data");
        var node = PowerTraceReader.Read(Path.Combine(raw, "gpu_power_log_tp1.txt"), new PowerImportOptions { BinSeconds = 60 })[0];
        var server = PowerTraceReader.Read(Path.Combine(raw, "server_power_log_tp1.csv"), new PowerImportOptions { BinSeconds = 60, SkipInvalidRows = true })[0];
        Assert.Equal(node.StartUtc, server.StartUtc);
        string path = Path.Combine(_dir, "tp1.parquet");
        ParquetTraceWriter.WriteFile(path, new[] { node, server }, overwrite: false);
        var t = await ReadBack(path);
        int rows = Math.Max(node.BinCount, server.BinCount);
        Assert.Equal(rows, t.Times.Length);
        for (int i = 0; i < rows; i++) Assert.Equal(node.StartUtc.AddMinutes(i), t.Times[i].ToUniversalTime());
        Assert.Equal(new[] { "gpu_power_log_tp1 (Node) [W]", "server_power_log_tp1 (Server) [W]" }, t.Columns.Select(c => c.Name));
        foreach (var (trace, col) in new[] { (node, t.Columns[0]), (server, t.Columns[1]) })
            for (int i = 0; i < rows; i++)
            {
                double? expected = i < trace.BinCount && !double.IsNaN(trace.Watts[i]) ? trace.Watts[i] : null;
                Assert.Equal(expected, col.Values[i]);
            }
        Assert.Equal("Node", t.Metadata["powertrace.level.gpu_power_log_tp1 (Node) [W]"]);
        Assert.Equal("60", t.Metadata["powertrace.binSeconds"]);
    }

    [Fact]
    public async Task LongTracesSpanRowGroups_GapsAreNulls_AndFineGridsUseNanoseconds()
    {
        int n = ParquetTraceWriter.RowGroupRows + 12345;
        var w = new double[n];
        var rng = new Random(5);
        for (int i = 0; i < n; i++) w[i] = i % 1000 < 3 ? double.NaN : 100 + rng.NextDouble() * 400;
        var start = new DateTime(2025, 12, 11, 21, 8, 18, DateTimeKind.Utc);
        var a = new PowerSeries("site", TraceLevel.Site, start, 0.25, w);
        var b = new PowerSeries("short", TraceLevel.Rack, start, 0.25, w.Take(10).ToArray());
        string path = Path.Combine(_dir, "long.parquet");
        ParquetTraceWriter.WriteFile(path, new[] { a, b }, overwrite: false);
        var t = await ReadBack(path);
        Assert.Equal(2, t.RowGroups);
        Assert.Equal(n, t.Times.Length);
        Assert.Equal(start.AddTicks((n - 1) * 2_500_000L), t.Times[^1].ToUniversalTime());
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(w[i])) Assert.Null(t.Columns[0].Values[i]);
            else Assert.Equal(BitConverter.DoubleToInt64Bits(w[i]), BitConverter.DoubleToInt64Bits(t.Columns[0].Values[i]!.Value));
        }
        Assert.All(t.Columns[1].Values.Skip(10), v => Assert.Null(v));

        // A 100 ns grid cannot be written in microseconds: nanoseconds, still exact.
        var fine = new PowerSeries("fine", TraceLevel.Gpu, start.AddTicks(3), 1e-7, new double[] { 1, 2, 3 });
        string fp = Path.Combine(_dir, "fine.parquet");
        ParquetTraceWriter.WriteFile(fp, new[] { fine }, overwrite: false);
        var f = await ReadBack(fp);
        Assert.Equal(new[] { start.AddTicks(3), start.AddTicks(4), start.AddTicks(5) }, f.Times.Select(x => x.ToUniversalTime()));
    }

    [Fact]
    public void ExistingFileAndGridMismatchAreStableErrors()
    {
        var a = new PowerSeries("a", TraceLevel.Node, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), 0.25, new double[] { 1, 2 });
        var b = new PowerSeries("b", TraceLevel.Node, a.StartUtc, 1.0, new double[] { 1, 2 });
        string path = Path.Combine(_dir, "x.parquet");
        Assert.Equal(ImportErrorIds.TraceGridMismatch, Assert.Throws<InvalidSettingException>(() => ParquetTraceWriter.WriteFile(path, new[] { a, b }, false)).ErrorId);
        Assert.False(File.Exists(path));
        ParquetTraceWriter.WriteFile(path, new[] { a }, false);
        Assert.Equal(ImportErrorIds.FileExists, Assert.Throws<PowerTraceException>(() => ParquetTraceWriter.WriteFile(path, new[] { a }, false)).ErrorId);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public async Task ExportPowerTraceCmdlet_WritesParquetByFormatOrExtension()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("Import-PowerTrace", typeof(ImportPowerTraceCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Export-PowerTrace", typeof(ExportPowerTraceCommand), null));
        using var ps = PowerShell.Create(iss);
        string raw = TestData.Path_("llmservingsim-a6000", "raw_data", "gpu_power_log_tp1.txt");
        ps.Runspace.SessionStateProxy.SetVariable("raw", raw);
        ps.Runspace.SessionStateProxy.SetVariable("dir", _dir);
        ps.AddScript("$t = Import-PowerTrace -LiteralPath $raw; $t | Export-PowerTrace (Join-Path $dir 'a.parquet'); $t | Export-PowerTrace (Join-Path $dir 'b.bin') -Format Parquet; $t | Export-PowerTrace (Join-Path $dir 'c.csv'); $t");
        var trace = (PowerSeries)ps.Invoke().Single().BaseObject;
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
        foreach (var f in new[] { "a.parquet", "b.bin" })
        {
            var t = await ReadBack(Path.Combine(_dir, f));
            Assert.Equal(trace.BinCount, t.Times.Length);
            Assert.Equal(trace.StartUtc, t.Times[0].ToUniversalTime());
            Assert.Equal(trace.Watts.Select(w => double.IsNaN(w) ? (double?)null : w), t.Columns[0].Values);
        }
        Assert.StartsWith("timestamp_utc,", File.ReadLines(Path.Combine(_dir, "c.csv")).First());
    }
}
