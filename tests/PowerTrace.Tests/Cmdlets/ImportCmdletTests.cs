using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>The import/export cmdlets hosted in-process.</summary>
public sealed class ImportCmdletTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-import-cmd").FullName;
    private static string A6000 => TestData.Path_("llmservingsim-a6000", "raw_data");

    public void Dispose() => Directory.Delete(_dir, true);

    private static PowerShell Shell()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("Import-PowerTrace", typeof(ImportPowerTraceCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Import-RequestTrace", typeof(ImportRequestTraceCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Import-EngineState", typeof(ImportEngineStateCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Export-PowerTrace", typeof(ExportPowerTraceCommand), null));
        return PowerShell.Create(iss);
    }

    private static List<T> Run<T>(PowerShell ps, string script, params (string, object)[] vars)
    {
        foreach (var (n, v) in vars) ps.Runspace.SessionStateProxy.SetVariable(n, v);
        ps.AddScript(script);
        return ps.Invoke().Select(o => o.BaseObject).OfType<T>().ToList();
    }

    [Fact]
    public void GetChildItemPipesIntoImportPowerTrace_GpuLogsByWildcard()
    {
        using var ps = Shell();
        var traces = Run<PowerSeries>(ps, "Get-ChildItem -LiteralPath $dir -Filter 'gpu_power_log_tp*.txt' | Import-PowerTrace -GpuType 'RTX A6000'", ("dir", A6000));
        Assert.False(ps.HadErrors);
        Assert.Equal(2, traces.Count);
        Assert.All(traces, t => Assert.Equal("RTX-A6000-48GB", t.Metadata.GpuType)); // the catalog name of "RTX A6000"
        using var ps2 = Shell();
        var byWildcard = Run<PowerSeries>(ps2, "Import-PowerTrace -Path (Join-Path $dir 'gpu_power_log_tp?.txt')", ("dir", A6000));
        Assert.Equal(traces.Select(t => t.Name), byWildcard.Select(t => t.Name));
    }

    [Fact]
    public void OneBadFileWritesAnErrorWithItsId_TheOthersGoOn()
    {
        File.WriteAllText(Path.Combine(_dir, "a.csv"), "2025-01-01 00:00:00,100\n2025-01-01 00:00:01,101\n");
        File.WriteAllText(Path.Combine(_dir, "b.csv"), "2025-01-01 00:00:00,100\n2025-01-01 00:00:01,oops\n");
        File.WriteAllText(Path.Combine(_dir, "c.csv"), "2025-01-01 00:00:00,300\n2025-01-01 00:00:01,301\n");
        using var ps = Shell();
        var traces = Run<PowerSeries>(ps, "Get-ChildItem -LiteralPath $dir -Filter *.csv | Sort-Object Name | Import-PowerTrace -BinSeconds 1", ("dir", _dir));
        Assert.Equal(new[] { "a", "c" }, traces.Select(t => t.Name));
        var err = Assert.Single(ps.Streams.Error);
        Assert.StartsWith("InvalidNumber", err.FullyQualifiedErrorId);
        Assert.Contains("line 2", err.Exception.Message);
        Assert.Contains("watts", err.Exception.Message);
    }

    [Fact]
    public void LiteralPathTakesBracketsLiterally_MissingFileIsPathNotFound()
    {
        string odd = Path.Combine(_dir, "log[1].csv");
        File.WriteAllText(odd, "2025-01-01 00:00:00,100\n2025-01-01 00:00:01,101\n");
        using var ps = Shell();
        var t = Run<PowerSeries>(ps, "Import-PowerTrace -LiteralPath $p; Import-PowerTrace -LP (Join-Path $dir 'nope.csv')", ("p", odd), ("dir", _dir));
        Assert.Single(t);
        Assert.StartsWith("PathNotFound", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
    }

    [Fact]
    public void SkipInvalidRowsAndEmptyReadingsBecomeWarnings_GapsToo()
    {
        using var ps = Shell();
        var t = Run<PowerSeries>(ps, "Import-PowerTrace -LiteralPath (Join-Path $dir 'server_power_log_tp1.csv'), (Join-Path $dir 'server_power_log_tp2.csv') -SkipInvalidRows", ("dir", A6000));
        Assert.Equal(2, t.Count);
        Assert.All(t, x => Assert.Equal(TraceLevel.Server, x.Level));
        Assert.Contains(ps.Streams.Warning, w => w.Message.Contains("line 705"));
        Assert.Contains(ps.Streams.Warning, w => w.Message.Contains("empty reading"));
        File.WriteAllText(Path.Combine(_dir, "gap.csv"), "2025-01-01 00:00:00,1\n2025-01-01 00:00:01,1\n2025-01-01 00:00:02,1\n2025-01-01 00:00:20,1\n");
        using var ps2 = Shell();
        var g = Assert.Single(Run<PowerSeries>(ps2, "Import-PowerTrace -LiteralPath $p", ("p", Path.Combine(_dir, "gap.csv"))));
        Assert.Equal(1, g.Gaps.Count);
        Assert.Contains(ps2.Streams.Warning, w => w.Message.Contains("1 gap"));
    }

    [Fact]
    public void ImportRequestTrace_VerboseNamesIgnoredColumns_AndReadsRealLogs()
    {
        File.WriteAllText(Path.Combine(_dir, "r.csv"), "arrival_s,input_tokens,output_tokens,user\n0,1,2,x\n1,3,4,y\n");
        using var ps = Shell();
        var r = Run<RequestTrace>(ps, "Import-RequestTrace -Path $p -Verbose; Import-RequestTrace -LiteralPath $m", ("p", Path.Combine(_dir, "r.csv")),
            ("m", TestData.Path_("mooncake", "conversation_trace.jsonl")));
        Assert.Equal(2, r.Count);
        Assert.Equal(12031, r[1].Count);
        Assert.Contains(ps.Streams.Verbose, v => v.Message.Contains("ignored column 'user'"));
        using var ps2 = Shell();
        Run<RequestTrace>(ps2, "Import-RequestTrace -Path $p -Format Azure", ("p", Path.Combine(_dir, "r.csv")));
        Assert.StartsWith("MissingColumn", Assert.Single(ps2.Streams.Error).FullyQualifiedErrorId);
    }

    [Fact]
    public void ImportEngineState_WithOffset()
    {
        using var ps = Shell();
        var s = Assert.Single(Run<EngineStateSeries>(ps, "Import-EngineState -Path (Join-Path $dir 'vllm_pulse_power_tp1.txt') -Year 2025 -TimeOffset 08:00", ("dir", A6000)));
        Assert.Equal(new DateTime(2025, 12, 11, 21, 8, 28, DateTimeKind.Utc), s.StartUtc);
    }

    [Fact]
    public void ExportPowerTrace_RoundTrip_WhatIfWritesNothing_ForceNeeded_GridMismatchId()
    {
        string outFile = Path.Combine(_dir, "node.csv");
        using var ps = Shell();
        Run<object>(ps, "Import-PowerTrace -LiteralPath $g | Export-PowerTrace -Path $o -WhatIf", ("g", Path.Combine(A6000, "gpu_power_log_tp1.txt")), ("o", outFile));
        Assert.False(ps.HadErrors);
        Assert.False(File.Exists(outFile));
        Assert.Empty(Directory.GetFiles(_dir));
        using var ps2 = Shell();
        var back = Run<PowerSeries>(ps2, "$t = Import-PowerTrace -LiteralPath $g; $t | Export-PowerTrace -Path $o; Import-PowerTrace -LiteralPath $o -Level Node",
            ("g", Path.Combine(A6000, "gpu_power_log_tp1.txt")), ("o", outFile));
        Assert.False(ps2.HadErrors);
        var original = PowerTrace.Core.Import.PowerTraceReader.Read(Path.Combine(A6000, "gpu_power_log_tp1.txt"))[0];
        var b = Assert.Single(back);
        Assert.Equal(original.StartUtc, b.StartUtc);
        Assert.Equal(original.Watts, b.Watts);
        Assert.Equal(original.Name, b.Name);
        using var ps3 = Shell();
        Run<object>(ps3, "Import-PowerTrace -LiteralPath $g | Export-PowerTrace -Path $o", ("g", Path.Combine(A6000, "gpu_power_log_tp1.txt")), ("o", outFile));
        Assert.StartsWith("FileExists", Assert.Single(ps3.Streams.Error).FullyQualifiedErrorId);
        using var ps4 = Shell();
        Run<object>(ps4, "Import-PowerTrace -LiteralPath $a, $b | Export-PowerTrace -Path $o -Force",
            ("a", Path.Combine(A6000, "gpu_power_log_tp1.txt")), ("b", Path.Combine(A6000, "gpu_power_log_tp2.txt")), ("o", outFile));
        Assert.StartsWith("TraceGridMismatch", Assert.Single(ps4.Streams.Error).FullyQualifiedErrorId);
        Assert.Equal(original.BinCount + 1, File.ReadAllLines(outFile).Length); // untouched by the failed export
    }

    [Fact]
    public void ExportPowerTrace_WhatIfOnAnExistingFileWithoutForce_OnlyReports()
    {
        string outFile = Path.Combine(_dir, "exists.csv");
        File.WriteAllText(outFile, "keep me");
        using var ps = Shell();
        Run<object>(ps, "Import-PowerTrace -LiteralPath $g | Export-PowerTrace -Path $o -WhatIf", ("g", Path.Combine(A6000, "gpu_power_log_tp1.txt")), ("o", outFile));
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
        Assert.Equal("keep me", File.ReadAllText(outFile));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void ExportThenImport_WithoutLevel_GivesBackNameAndLevel()
    {
        string outFile = Path.Combine(_dir, "tp1-export.csv");
        using var ps = Shell();
        var back = Run<PowerSeries>(ps, "Import-PowerTrace -LiteralPath $g -BinSeconds 1 | Export-PowerTrace -Path $o; Import-PowerTrace -LiteralPath $o -BinSeconds 1",
            ("g", Path.Combine(A6000, "gpu_power_log_tp1.txt")), ("o", outFile));
        Assert.False(ps.HadErrors);
        var b = Assert.Single(back);
        Assert.Equal("gpu_power_log_tp1", b.Name);
        Assert.Equal(TraceLevel.Node, b.Level);
    }

    [Fact]
    public void Importers_VerboseNameTheFileAndTheFirstTimestampInUtc()
    {
        using var ps = Shell();
        Run<object>(ps, "Import-EngineState -LiteralPath (Join-Path $dir 'vllm_pulse_power_tp1.txt') -Year 2025 -TimeOffset 08:00 -Verbose;" +
                        "Import-PowerTrace -LiteralPath (Join-Path $dir 'gpu_power_log_tp1.txt') -UtcOffset 01:00 -Verbose",
            ("dir", A6000));
        Assert.False(ps.HadErrors);
        var verbose = ps.Streams.Verbose.Select(v => v.Message).ToList();
        Assert.Contains(verbose, v => v.StartsWith("Reading ") && v.EndsWith("vllm_pulse_power_tp1.txt"));
        Assert.Contains(verbose, v => v.Contains("'12-11 13:08:28' (2025) is 2025-12-11 21:08:28.000 UTC (UTC = log time + TimeOffset +08:00)"));
        Assert.Contains(verbose, v => v.Contains("First timestamp '2025/12/11 21:08:19.444' is 2025-12-11 20:08:19.444 UTC") && v.Contains("UtcOffset +01:00"));
        File.WriteAllText(Path.Combine(_dir, "r.csv"), "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.1,10,2\n");
        using var ps2 = Shell();
        Run<object>(ps2, "Import-RequestTrace -LiteralPath $p -UtcOffset -05:00 -Verbose", ("p", Path.Combine(_dir, "r.csv")));
        Assert.Contains(ps2.Streams.Verbose, v => v.Message.Contains("is 2023-11-16 23:17:03.100 UTC"));
    }

    [Fact]
    public void GpuIndexAndEngineNotInFile_GiveGpuNotFoundAndNoEngineStateNamingWhatIsThere()
    {
        using var ps = Shell();
        Run<object>(ps, "Import-PowerTrace -LiteralPath (Join-Path $dir 'gpu_power_log_tp1.txt') -GpuIndex 1; Import-EngineState -LiteralPath (Join-Path $dir 'vllm_pulse_power_tp1.txt') -Year 2025 -Engine 3",
            ("dir", A6000));
        Assert.Equal(2, ps.Streams.Error.Count);
        Assert.StartsWith("GpuNotFound", ps.Streams.Error[0].FullyQualifiedErrorId);
        Assert.Contains("GPUs in the file: 0", ps.Streams.Error[0].Exception.Message);
        Assert.StartsWith("NoEngineState", ps.Streams.Error[1].FullyQualifiedErrorId);
        Assert.Contains("engine 0", ps.Streams.Error[1].Exception.Message);
    }

    [Fact]
    public void ImportRequestTrace_StartUtcWithoutKindIsUtc()
    {
        var unspecified = new DateTime(2025, 12, 11, 21, 8, 28, DateTimeKind.Unspecified);
        var u = ImportRequestTraceCommand.AsUtc(unspecified);
        Assert.Equal((unspecified.Ticks, DateTimeKind.Utc), (u.Ticks, u.Kind));
        var local = new DateTime(2025, 12, 11, 21, 8, 28, DateTimeKind.Local);
        Assert.Equal(local.ToUniversalTime(), ImportRequestTraceCommand.AsUtc(local));
        File.WriteAllText(Path.Combine(_dir, "rel.csv"), "arrival_s,input_tokens,output_tokens\n0,1,2\n");
        using var ps = Shell();
        var r = Assert.Single(Run<RequestTrace>(ps, "Import-RequestTrace -LiteralPath $p -StartUtc '2025-12-11 21:08:28'", ("p", Path.Combine(_dir, "rel.csv"))));
        Assert.Equal(new DateTime(2025, 12, 11, 21, 8, 28, DateTimeKind.Utc), r.StartUtc);
        Assert.Equal(DateTimeKind.Utc, r.StartUtc!.Value.Kind);
    }
}
