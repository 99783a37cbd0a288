using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Model;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>The model cmdlets hosted in-process, on the real A6000 TP2 recording.</summary>
public class ModelCmdletTests
{
    private static PowerShell Shell()
    {
        var iss = InitialSessionState.CreateDefault2();
        foreach (var (name, type) in new[] {
            ("Import-PowerTrace", typeof(ImportPowerTraceCommand)), ("Import-EngineState", typeof(ImportEngineStateCommand)),
            ("New-PowerModel", typeof(NewPowerModelCommand)), ("Export-PowerModel", typeof(ExportPowerModelCommand)),
            ("Import-PowerModel", typeof(ImportPowerModelCommand)), ("Test-PowerModel", typeof(TestPowerModelCommand)) })
            iss.Commands.Add(new SessionStateCmdletEntry(name, type, null));
        return PowerShell.Create(iss);
    }

    [Fact]
    public void New_export_import_and_test_a_model_through_the_pipeline()
    {
        string raw = TestData.Path_("llmservingsim-a6000", "raw_data");
        string file = Path.Combine(Path.GetTempPath(), "pt-cmd-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using var ps = Shell();
            ps.AddScript($@"
                $t = Import-PowerTrace -Path '{raw}/gpu_power_log_tp2.txt' -GpuType 'RTX A6000'
                $e = Import-EngineState -Path '{raw}/vllm_pulse_power_tp2.txt' -Year 2025 -TimeOffset '08:00:00'
                $m = $t | New-PowerModel -EngineState $e -TensorParallel 2 -Seed 3
                $m | Export-PowerModel -Path '{file}'
                $back = Import-PowerModel -LiteralPath '{file}'
                $back
                $t | Test-PowerModel -Model $back -EngineState $e -Seeds 3");
            var results = ps.Invoke();
            Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
            var model = Assert.IsType<PowerModel>(results[0].BaseObject);
            Assert.Equal(2, model.Configuration.TensorParallel);
            Assert.Equal(1, model.GpuCount); // the published TP2 log recorded GPU 0 only: the trace sums one GPU
            Assert.Equal("idle", model.States[0].Name);
            var rows = results.Skip(1).Select(r => Assert.IsType<PowerModelFidelity>(r.BaseObject)).ToList();
            Assert.Equal(new[] { "PowerModel", "ConstantTdp", "ConstantMean" }, rows.Select(r => r.Method));
            Assert.InRange(rows[0].EnergyErrorPercent, 0, 5);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Import_of_a_non_model_file_gives_NotAPowerModel()
    {
        string file = Path.Combine(Path.GetTempPath(), "pt-cmd-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, "{\"a\": 1}");
        try
        {
            using var ps = Shell();
            ps.AddCommand("Import-PowerModel").AddParameter("Path", file);
            ps.Invoke();
            Assert.Equal("NotAPowerModel,PowerTrace.Commands.ImportPowerModelCommand", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
        }
        finally { File.Delete(file); }
    }

    private static string Raw => TestData.Path_("llmservingsim-a6000", "raw_data");

    private static string Load => $@"
        $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp2.txt' -GpuType 'RTX A6000'
        $e = Import-EngineState -Path '{Raw}/vllm_pulse_power_tp2.txt' -Year 2025 -TimeOffset '08:00:00'";

    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pt-cmd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void New_PowerModel_Path_needs_Force_to_replace_a_file_and_honours_WhatIf()
    {
        string dir = TempDir();
        try
        {
            string existing = Path.Combine(dir, "m.json"), fresh = Path.Combine(dir, "new.json");
            File.WriteAllText(existing, "keep");

            using var ps = Shell();
            ps.AddScript(Load + $"\n$t | New-PowerModel -EngineState $e -StateCount 3 -Path '{existing}'");
            Assert.Empty(ps.Invoke());
            Assert.Equal("FileExists,PowerTrace.Commands.NewPowerModelCommand", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
            Assert.Equal("keep", File.ReadAllText(existing));

            using var whatIf = Shell();
            whatIf.AddScript(Load + $"\n$t | New-PowerModel -EngineState $e -StateCount 3 -Path '{fresh}' -WhatIf\n$t | New-PowerModel -EngineState $e -StateCount 3 -Path '{existing}' -WhatIf");
            var models = whatIf.Invoke();
            Assert.False(whatIf.HadErrors, string.Join("; ", whatIf.Streams.Error));
            Assert.Equal(2, models.Count(m => m.BaseObject is PowerModel)); // the model is still fitted and returned
            Assert.False(File.Exists(fresh));
            Assert.Equal("keep", File.ReadAllText(existing));

            using var force = Shell();
            force.AddScript(Load + $"\n$t | New-PowerModel -EngineState $e -StateCount 3 -Path '{existing}' -Force");
            Assert.IsType<PowerModel>(Assert.Single(force.Invoke()).BaseObject);
            Assert.False(force.HadErrors, string.Join("; ", force.Streams.Error));
            Assert.Contains("PowerTrace.PowerModel", File.ReadAllText(existing));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Export_PowerModel_WhatIf_on_an_existing_file_only_says_what_if()
    {
        string dir = TempDir();
        try
        {
            string existing = Path.Combine(dir, "m.json");
            File.WriteAllText(existing, "keep");
            using var ps = Shell();
            ps.AddScript(Load + $"\n$m = $t | New-PowerModel -EngineState $e -StateCount 3\n$m | Export-PowerModel -Path '{existing}' -WhatIf");
            Assert.Empty(ps.Invoke());
            Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
            Assert.Equal("keep", File.ReadAllText(existing));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Test_PowerModel_warns_when_a_trace_was_in_the_training_set()
    {
        using var ps = Shell();
        ps.AddScript(Load + @"
            $half = [int]($t.BinCount / 2)
            $first = $t.Slice(0, $half, 'first half')
            $second = $t.Slice($half, $t.BinCount - $half, 'second half')
            $m = $first | New-PowerModel -EngineState $e -StateCount 3
            $null = $second | Test-PowerModel -Model $m -EngineState $e -Seeds 1
            'held-out done'
            $null = $first | Test-PowerModel -Model $m -EngineState $e -Seeds 1");
        var output = ps.Invoke();
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
        Assert.Equal("held-out done", Assert.Single(output).BaseObject);
        var warning = Assert.Single(ps.Streams.Warning);
        Assert.Contains("'first half'", warning.Message);
        Assert.Contains("gpu_power_log_tp2.txt", warning.Message);
        Assert.Contains("in-sample", warning.Message);
    }
}
