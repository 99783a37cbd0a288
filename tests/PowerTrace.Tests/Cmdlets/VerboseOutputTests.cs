using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>-Verbose says what each step did: the choices made (states by BIC, lag, layout, seed) and the sizes read and written.</summary>
public sealed class VerboseOutputTests
{
    private static string Raw => TestData.Path_("llmservingsim-a6000", "raw_data");

    private static PowerShell Shell()
    {
        var iss = InitialSessionState.CreateDefault2();
        foreach (var (name, type) in new[] {
            ("Import-PowerTrace", typeof(ImportPowerTraceCommand)), ("Import-EngineState", typeof(ImportEngineStateCommand)),
            ("Import-RequestTrace", typeof(ImportRequestTraceCommand)), ("New-PowerModel", typeof(NewPowerModelCommand)),
            ("Get-PowerModel", typeof(GetPowerModelCommand)), ("Invoke-TraceSynthesis", typeof(InvokeTraceSynthesisCommand)),
            ("Export-PowerTrace", typeof(ExportPowerTraceCommand)) })
            iss.Commands.Add(new SessionStateCmdletEntry(name, type, null));
        return PowerShell.Create(iss);
    }

    private static (List<object> Output, List<string> Verbose) Run(string script)
    {
        using var ps = Shell();
        ps.AddScript(script);
        var output = ps.Invoke().Select(o => o.BaseObject).ToList();
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
        return (output, ps.Streams.Verbose.Select(v => v.Message).ToList());
    }

    [Fact]
    public void New_PowerModel_reports_the_inputs_the_state_count_chosen_by_BIC_and_the_lag()
    {
        var (output, verbose) = Run($@"
            $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000' -TensorParallel 1
            $e = Import-EngineState -Path '{Raw}/vllm_pulse_power_tp1.txt' -Year 2025 -TimeOffset 8:00:00
            New-PowerModel -Trace $t -EngineState $e -Seed 5 -Verbose");
        var model = Assert.IsType<PowerModel>(Assert.Single(output));
        Assert.Contains($"States: {model.StateCount}, chosen by BIC over 3..12 (seed 5).", verbose);
        Assert.Contains(verbose, v => v.StartsWith("Training trace 1 of 1: 'gpu_power_log_tp1'", StringComparison.Ordinal) && v.Contains("engine-state samples"));
        Assert.Contains(verbose, v => v.StartsWith($"Workload lag: {model.WorkloadLagSeconds} s (estimated", StringComparison.Ordinal));
        Assert.Equal(model.StateCount, verbose.Count(v => v.StartsWith("  State ", StringComparison.Ordinal)));
    }

    [Fact]
    public void New_PowerModel_says_when_the_state_count_was_fixed()
    {
        var (output, verbose) = Run($@"
            $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000' -TensorParallel 1
            $e = Import-EngineState -Path '{Raw}/vllm_pulse_power_tp1.txt' -Year 2025 -TimeOffset 8:00:00
            New-PowerModel -Trace $t -EngineState $e -StateCount 4 -Verbose");
        Assert.Equal(4, Assert.IsType<PowerModel>(Assert.Single(output)).StateCount);
        Assert.Contains("States: 4 (fixed by -StateCount; seed 1).", verbose);
    }

    [Fact]
    public void Invoke_TraceSynthesis_reports_layout_seed_levels_and_the_server_bins_synthesized()
    {
        var (output, verbose) = Run(@"
            $m = Get-PowerModel -Name H100-TP4-70B
            Invoke-TraceSynthesis -Model $m -RatePerSecond 2 -Servers 4 -Duration 0:01:00 -Level Server, Site -Resolution 1 -Seed 7 -Verbose");
        var traces = output.Cast<PowerSeries>().ToList();
        Assert.Equal(5, traces.Count);
        long serverBins = 4L * (long)Math.Round(60 / 0.25);
        Assert.Contains(verbose, v => v.StartsWith($"Synthesized {serverBins:N0} server-bins", StringComparison.Ordinal));
        Assert.Contains(verbose, v => v.StartsWith("Layout 1 rows x 1 racks x 4 servers = 4 servers; shard 1 of 1", StringComparison.Ordinal) && v.Contains("seed 7"));
        Assert.Contains("Levels: Server at 1 s, Site at 1 s.", verbose);
        Assert.Contains(verbose, v => v.StartsWith("Workload: Poisson 2 req/s", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_and_export_report_what_was_read_and_written()
    {
        string file = Path.Combine(Path.GetTempPath(), "pt-verbose-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            var (output, verbose) = Run($@"
                Import-RequestTrace -Path '{TestData.Path_("azure-llm-2023", "AzureLLMInferenceTrace_code.csv")}' -Verbose
                Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -Verbose | Export-PowerTrace -Path '{file}' -Verbose");
            var requests = Assert.IsType<RequestTrace>(Assert.Single(output));
            Assert.Contains(verbose, v => v.StartsWith($"Read {requests.Count:N0} requests (", StringComparison.Ordinal));
            Assert.Contains(verbose, v => v.StartsWith("Read 1 trace(s) from gpu_power_log_tp1.txt", StringComparison.Ordinal));
            int rows = File.ReadAllLines(file).Length - 1;
            Assert.Contains(verbose, v => v.StartsWith($"Wrote 1 trace column(s) x {rows:N0} row(s) to {file}", StringComparison.Ordinal));
        }
        finally { File.Delete(file); }
    }
}
