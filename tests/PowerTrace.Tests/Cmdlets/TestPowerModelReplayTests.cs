using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Analysis;
using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using PowerTrace.Tests.Derivation;
using PowerTrace.Tests.Synthesis;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>
/// Test-PowerModel -Requests and Invoke-TraceSynthesis -Requests -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1, hosted
/// in-process on the measured A6000 recording, the shipped anchor model and a real Azure request log: the report is
/// computed from exactly the traces the synthesis cmdlet writes.
/// </summary>
public class TestPowerModelReplayTests
{
    private static PowerShell Shell()
    {
        var iss = InitialSessionState.CreateDefault2();
        foreach (var (name, type) in new[] {
            ("Import-PowerTrace", typeof(ImportPowerTraceCommand)), ("Import-PowerModel", typeof(ImportPowerModelCommand)),
            ("Import-EngineState", typeof(ImportEngineStateCommand)),
            ("Invoke-TraceSynthesis", typeof(InvokeTraceSynthesisCommand)), ("Test-PowerModel", typeof(TestPowerModelCommand)) })
            iss.Commands.Add(new SessionStateCmdletEntry(name, type, null));
        return PowerShell.Create(iss);
    }

    private static string Raw => TestData.Path_("llmservingsim-a6000", "raw_data");

    [Fact]
    public void The_report_is_the_metrics_of_the_Invoke_TraceSynthesis_output_seed_for_seed()
    {
        var probe = SingleServerReplayTests.A6000();
        var log = SingleServerReplayTests.Azure(probe.StartUtc.AddSeconds(12.4), 150);
        using var ps = Shell();
        ps.AddScript($@"
            param($log)
            $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000' -ModelName 'Llama-3.1-8B-Instruct' -TensorParallel 1
            $m = Import-PowerModel -LiteralPath '{AnchorTests.AssetPath}'
            $rows = $t | Test-PowerModel -Model $m -Requests $log -Seeds 3 -Seed 21 -Verbose 4>&1
            $j0 = [math]::Floor(($log.ArrivalUtc(0) - $t.StartUtc).TotalSeconds / 0.25)
            $h = ($t.BinCount - $j0) * 0.25
            $syn = 21..23 | ForEach-Object {{ Invoke-TraceSynthesis -Model $m -Requests $log -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 -Resolution '250ms' -HorizonSeconds $h -Seed $_ }}
            [pscustomobject]@{{ Trace = $t; J0 = [int]$j0; Rows = @($rows); Syn = @($syn) }}").AddArgument(log);
        var result = ps.Invoke();
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
        var o = Assert.Single(result);
        var trace = (PowerSeries)((PSObject)o.Properties["Trace"].Value).BaseObject;
        int j0 = (int)o.Properties["J0"].Value;
        Assert.Equal(49, j0); // 12.4 s / 0.25 s
        var all = ((object[])o.Properties["Rows"].Value).Select(x => x is PSObject p ? p.BaseObject : x).ToList();
        var rows = all.OfType<PowerModelFidelity>().ToList();
        var verbose = all.OfType<VerboseRecord>().Select(v => v.Message).ToList();
        var syn = ((object[])o.Properties["Syn"].Value).Select(x => (PowerSeries)((PSObject)x).BaseObject).ToList();

        Assert.Equal(3, syn.Count);
        Assert.All(syn, s => Assert.Equal(TraceLevel.Site, s.Level));
        Assert.All(syn, s => Assert.Equal(log.ArrivalUtc(0), s.StartUtc));
        Assert.All(syn, s => Assert.Equal(trace.BinCount - j0, s.BinCount));
        double[] measured = trace.Watts.Skip(j0).ToArray();
        var median = FidelityMetrics.Median(syn.Select(s => FidelityMetrics.Compare(measured, s.Watts)));

        Assert.Equal(new[] { "PowerModel", "ConstantTdp", "ConstantMean" }, rows.Select(r => r.Method));
        Assert.All(rows, r => Assert.Equal("Replay", r.Path));
        var m = rows[0];
        Assert.Equal(measured.Length, m.Bins);
        PowerTrace.Tests.Synthesis.SingleServerReplayTests.AssertSameMetrics(median, m);
        // Each seed on its own is that seed's Invoke-TraceSynthesis output, not the median of a lucky mix.
        var one = InvokeSingleSeed(log, 22);
        Assert.Equal(FidelityMetrics.Compare(measured, syn[1].Watts).P99ErrorPercent, one.P99ErrorPercent);
        Assert.Equal(FidelityMetrics.Compare(measured, syn[1].Watts).KsStatistic, one.KsStatistic);
        Assert.Equal(FidelityMetrics.Compare(measured, syn[1].Watts).EnergyErrorPercent, one.EnergyErrorPercent);

        Assert.Contains(verbose, v => v.StartsWith("Path Replay:", StringComparison.Ordinal) && v.Contains("-Seed 21 .. 23"));
        Assert.Contains(verbose, v => v.Contains($"(measured bin {j0},") && v.Contains($"for {(trace.BinCount - j0) * 0.25:0.###} s (-HorizonSeconds)"));
    }

    private static PowerModelFidelity InvokeSingleSeed(Core.Workload.RequestTrace log, ulong seed)
    {
        using var ps = Shell();
        ps.AddScript($@"
            param($log)
            $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000'
            $t | Test-PowerModel -Model (Import-PowerModel -LiteralPath '{AnchorTests.AssetPath}') -Requests $log -Seeds 1 -Seed {seed}").AddArgument(log);
        var rows = ps.Invoke().Select(r => (PowerModelFidelity)r.BaseObject).ToList();
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
        return rows[0];
    }

    [Fact]
    public void Engine_state_rows_say_they_come_from_features_and_the_lag_belongs_to_that_path()
    {
        using var ps = Shell();
        ps.AddScript($@"
            $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000'
            $e = Import-EngineState -Path '{Raw}/vllm_pulse_power_tp1.txt' -Year 2025 -TimeOffset '08:00:00'
            $t | Test-PowerModel -Model (Import-PowerModel -LiteralPath '{AnchorTests.AssetPath}') -EngineState $e -Seeds 1 -WorkloadLagSeconds 1 -WarningAction SilentlyContinue");
        var rows = ps.Invoke().Select(r => (PowerModelFidelity)r.BaseObject).ToList();
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal("Features", r.Path));

        // A replay applies no lag (no synthesis does): -WorkloadLagSeconds does not go with -Requests.
        var log = SingleServerReplayTests.Azure(SingleServerReplayTests.A6000().StartUtc.AddSeconds(5), 30);
        using var bad = Shell();
        bad.AddScript($@"
            param($log)
            $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000'
            $t | Test-PowerModel -Model (Import-PowerModel -LiteralPath '{AnchorTests.AssetPath}') -Requests $log -WorkloadLagSeconds 1").AddArgument(log);
        Assert.Empty(bad.Invoke());
        var err = Assert.Single(bad.Streams.Error);
        Assert.StartsWith("AmbiguousParameterSet", err.FullyQualifiedErrorId);
    }
}
