using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Model;
using PowerTrace.Core.Workload;
using PowerTrace.Tests.Import;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>Import-EngineState on Prometheus CSV, and the models learned from it, hosted in-process.</summary>
public sealed class EngineStateCsvCmdletTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-prom-cmd").FullName;
    private static string Raw => TestData.Path_("llmservingsim-a6000", "raw_data");

    public void Dispose() => Directory.Delete(_dir, true);

    private static PowerShell Shell()
    {
        var iss = InitialSessionState.CreateDefault2();
        foreach (var (name, type) in new[] {
            ("Import-PowerTrace", typeof(ImportPowerTraceCommand)), ("Import-EngineState", typeof(ImportEngineStateCommand)),
            ("New-PowerModel", typeof(NewPowerModelCommand)), ("Test-PowerModel", typeof(TestPowerModelCommand)) })
            iss.Commands.Add(new SessionStateCmdletEntry(name, type, null));
        return PowerShell.Create(iss);
    }

    [Fact]
    public void NewPowerModel_FromTheScrapedCsv_LearnsTheSameServingProfileAsFromTheLog()
    {
        string csv = Path.Combine(_dir, "vllm_metrics_tp1.csv");
        PrometheusCsvFixture.Write(PrometheusCsvFixture.Tp1Log(), csv, iso: true);
        using var ps = Shell();
        ps.AddScript($@"
            $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000'
            $log = Import-EngineState -Path '{Raw}/vllm_pulse_power_tp1.txt' -Year 2025 -TimeOffset '08:00:00'
            $csv = Import-EngineState -LiteralPath '{csv}'
            $t | New-PowerModel -EngineState $log -Seed 3
            $t | New-PowerModel -EngineState $csv -Seed 3
            $csv
            $m = $t | New-PowerModel -EngineState $csv -Seed 3
            $t | Test-PowerModel -Model $m -EngineState $csv -Seeds 2 -WarningAction SilentlyContinue");
        var results = ps.Invoke();
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
        var fromLog = Assert.IsType<PowerModel>(results[0].BaseObject).ServingProfile;
        var fromCsv = Assert.IsType<PowerModel>(results[1].BaseObject).ServingProfile;
        var series = Assert.IsType<EngineStateSeries>(results[2].BaseObject);
        Assert.Equal(137, series.Count);
        Assert.Contains("vllm_metrics_tp1", fromCsv.LearnedFrom);
        Assert.Equal(fromLog.PrefillTokensPerSecond, fromCsv.PrefillTokensPerSecond, fromLog.PrefillTokensPerSecond * 0.01);
        Assert.Equal(fromLog.DecodeStepsPerSecond, fromCsv.DecodeStepsPerSecond, fromLog.DecodeStepsPerSecond * 0.01);
        foreach (int b in new[] { 1, 5, 10 })
            Assert.Equal(fromLog.GenerationTokensPerSecond(b), fromCsv.GenerationTokensPerSecond(b), fromLog.GenerationTokensPerSecond(b) * 0.01);
        Assert.Equal(fromLog.PrefillRateIsLowerBound, fromCsv.PrefillRateIsLowerBound);
        // Test-PowerModel takes the CSV's engine state as it takes the log's.
        var rows = results.Skip(3).Select(r => Assert.IsType<PowerModelFidelity>(r.BaseObject)).ToList();
        Assert.Equal("PowerModel", rows[0].Method);
        Assert.InRange(rows[0].EnergyErrorPercent, 0, 10);
    }

    [Fact]
    public void ImportEngineState_DetectsEachFilesFormat_AndNamesBadInputByIdLineAndField()
    {
        File.Copy(Path.Combine(Raw, "vllm_pulse_power_tp1.txt"), Path.Combine(_dir, "a_vllm.txt"));
        File.WriteAllText(Path.Combine(_dir, "b_bad.csv"), "timestamp,vllm:num_requests_running,vllm:prompt_tokens_total\n1765487307,0,10\n1765487308,lots,20\n");
        File.WriteAllText(Path.Combine(_dir, "c_metrics.csv"),
            "timestamp,\"vllm:num_requests_running{engine=\"\"0\"\"}\",\"vllm:num_requests_running{engine=\"\"1\"\"}\",\"vllm:prompt_tokens_total{engine=\"\"0\"\"}\",\"vllm:prompt_tokens_total{engine=\"\"1\"\"}\"\n"
            + "2025-12-11T21:08:27Z,0,0,100,0\n2025-12-11T21:08:29Z,3,1,700,40\n");
        using var ps = Shell();
        ps.AddScript("Get-ChildItem -LiteralPath $dir | Sort-Object Name | Import-EngineState -Year 2025 -Verbose");
        ps.Runspace.SessionStateProxy.SetVariable("dir", _dir);
        var series = ps.Invoke().Select(o => (EngineStateSeries)o.BaseObject).ToList();
        Assert.Equal(new[] { "a_vllm", "c_metrics" }, series.Select(s => s.Name));
        Assert.Equal(46, series[0].Count);
        Assert.Equal(new[] { 300.0 }, series[1].PromptTokensPerSecond);
        Assert.Equal(new[] { 3 }, series[1].Running);
        var err = Assert.Single(ps.Streams.Error);
        Assert.Equal("InvalidNumber,PowerTrace.Commands.ImportEngineStateCommand", err.FullyQualifiedErrorId);
        Assert.Contains("b_bad.csv, line 3, field 'vllm:num_requests_running'", err.Exception.Message);
        var verbose = ps.Streams.Verbose.Select(v => v.Message).ToList();
        Assert.Contains(verbose, v => v == "Format VllmLog (detected from the first line).");
        Assert.Contains(verbose, v => v == "Format PrometheusCsv (detected from the first line).");
        Assert.Contains(verbose, v => v.StartsWith("-Year is not used"));
        Assert.Contains(verbose, v => v.Contains("Columns of engine 0 are read"));

        using var ps2 = Shell();
        ps2.AddScript(@"
            Import-EngineState -LiteralPath (Join-Path $dir 'c_metrics.csv') -Engine 1
            Import-EngineState -LiteralPath (Join-Path $dir 'c_metrics.csv') -Format VllmLog -Year 2025
            Import-EngineState -LiteralPath (Join-Path $dir 'a_vllm.txt') -Format PrometheusCsv
            Import-EngineState -LiteralPath (Join-Path $dir 'a_vllm.txt')");
        ps2.Runspace.SessionStateProxy.SetVariable("dir", _dir);
        var one = Assert.Single(ps2.Invoke()).BaseObject as EngineStateSeries;
        Assert.Equal(new[] { 20.0 }, one!.PromptTokensPerSecond);
        Assert.Equal(new[] { "NoEngineState", "MissingColumn", "YearRequired" },
            ps2.Streams.Error.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
    }
}
