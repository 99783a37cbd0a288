using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Import;
using PowerTrace.Core.Model;
using PowerTrace.Tests.Workload;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>New-PowerModel -Requests with a log of arrivals and token counts only: rates inferred from the power trace.</summary>
public sealed class RateInferenceCmdletTests
{
    private static string Raw => TestData.Path_("llmservingsim-a6000", "raw_data");

    private static PowerShell Shell()
    {
        var iss = InitialSessionState.CreateDefault2();
        foreach (var (name, type) in new[] {
            ("Import-PowerTrace", typeof(ImportPowerTraceCommand)), ("Import-RequestTrace", typeof(ImportRequestTraceCommand)),
            ("New-PowerModel", typeof(NewPowerModelCommand)), ("Export-PowerModel", typeof(ExportPowerModelCommand)),
            ("Import-PowerModel", typeof(ImportPowerModelCommand)) })
            iss.Commands.Add(new SessionStateCmdletEntry(name, type, null));
        return PowerShell.Create(iss);
    }

    /// <summary>The A6000 TP1 run's requests (rebuilt from its engine log) as an arrivals-only CSV: timestamp, prompt and output tokens.</summary>
    private static string WriteArrivalsCsv(double shiftSeconds = 0)
    {
        var engine = VllmLogReader.Read(Path.Combine(Raw, "vllm_pulse_power_tp1.txt"), new VllmLogOptions { Year = 2025, TimeOffset = TimeSpan.FromHours(8) });
        var log = ServingRateInferenceTests.RequestsFromEngineLog(engine);
        string file = Path.Combine(Path.GetTempPath(), "pt-arrivals-" + Guid.NewGuid().ToString("N") + ".csv");
        var lines = new List<string> { "timestamp,prompt_tokens,output_tokens" };
        for (int i = 0; i < log.Count; i++)
            lines.Add(string.Format(CultureInfo.InvariantCulture, "{0:yyyy-MM-ddTHH:mm:ss.fffZ},{1},{2}",
                log.ArrivalUtc(i)!.Value.AddSeconds(shiftSeconds), log.PromptTokens[i], log.OutputTokens[i]));
        File.WriteAllLines(file, lines);
        return file;
    }

    [Fact]
    public void New_PowerModel_fits_from_an_arrivals_only_log_and_names_the_inferred_rates()
    {
        string csv = WriteArrivalsCsv();
        string json = Path.ChangeExtension(csv, ".json");
        try
        {
            using var ps = Shell();
            ps.AddScript($@"
                $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000'
                $r = Import-RequestTrace -Path '{csv}'
                $m = New-PowerModel -Trace $t -Requests $r -ModelName 'Llama-3.1-8B-Instruct' -Seed 5 -Verbose
                $m | Export-PowerModel -Path '{json}'
                Import-PowerModel -LiteralPath '{json}'");
            var output = ps.Invoke().Select(o => o.BaseObject).ToList();
            Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
            var verbose = ps.Streams.Verbose.Select(v => v.Message).ToList();
            var model = Assert.IsType<PowerModel>(Assert.Single(output));
            string all = string.Join("\n", verbose);
            Assert.True(verbose.Any(v => v.Contains("no measured TTFT and end-to-end latency: inferring the serving rates from the power trace") && v.Contains("derived prior for RTX-A6000-48GB")), all);
            Assert.Contains(verbose, v => v.StartsWith("Serving rates inferred from power: DecodeStepsPerSecond"));
            Assert.Contains(verbose, v => v.Contains("DecodeStepsPerSecond") && v.Contains("inferred (within tolerance over"));
            Assert.Contains(verbose, v => v.Contains("PrefillTokensPerSecond") && v.Contains("from the prior (not determined"));
            // The provenance travels with the model (through JSON).
            var sp = model.ServingProfile;
            Assert.Contains("inferred from power (ServingRateInference)", sp.LearnedFrom);
            Assert.Contains("inferred: DecodeStepsPerSecond", sp.LearnedFrom);
            Assert.Contains(Path.GetFileName(csv), sp.LearnedFrom);
            Assert.InRange(sp.DecodeStepsPerSecond, 36, 46);
            Assert.NotNull(model.WorkPower);
            Assert.Contains(model.States, st => st.Name == "idle");
        }
        finally { File.Delete(csv); File.Delete(json); }
    }

    [Fact]
    public void An_arrivals_only_log_outside_the_trace_stops_with_WorkloadDoesNotOverlapTrace_naming_the_file()
    {
        string csv = WriteArrivalsCsv(shiftSeconds: 3 * 3600);
        try
        {
            using var ps = Shell();
            ps.AddScript($@"
                $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000'
                $r = Import-RequestTrace -Path '{csv}'
                New-PowerModel -Trace $t -Requests $r");
            ps.Invoke();
            var err = Assert.Single(ps.Streams.Error);
            Assert.StartsWith("WorkloadDoesNotOverlapTrace,", err.FullyQualifiedErrorId);
            Assert.Contains(Path.GetFileName(csv), err.ToString());
        }
        finally { File.Delete(csv); }
    }

    [Fact]
    public void A_log_with_TTFT_and_latency_keeps_the_least_squares_path()
    {
        // The same requests with TTFT and latency from the emulator at the engine log's own rates.
        var engine = VllmLogReader.Read(Path.Combine(Raw, "vllm_pulse_power_tp1.txt"), new VllmLogOptions { Year = 2025, TimeOffset = TimeSpan.FromHours(8) });
        var log = ServingRateInferenceTests.RequestsFromEngineLog(engine);
        var profile = PowerTrace.Core.Workload.ServingProfileLearner.FromEngineState(engine);
        int n = log.Count;
        var adm = new double[n]; var ft = new double[n]; var fin = new double[n];
        new PowerTrace.Core.Workload.ServingEmulator(profile).EmulateRequests(
            new PowerTrace.Core.Synthesis.ServerWorkload(new ArraySegment<double>(log.ArrivalSeconds), new ArraySegment<int>(log.PromptTokens), new ArraySegment<int>(log.OutputTokens)), adm, ft, fin);
        string csv = Path.Combine(Path.GetTempPath(), "pt-latency-" + Guid.NewGuid().ToString("N") + ".csv");
        var lines = new List<string> { "timestamp,prompt_tokens,output_tokens,ttft_s,latency_s" };
        for (int i = 0; i < n; i++)
            lines.Add(string.Format(CultureInfo.InvariantCulture, "{0:yyyy-MM-ddTHH:mm:ss.fffZ},{1},{2},{3:0.###},{4:0.###}",
                log.ArrivalUtc(i)!.Value, log.PromptTokens[i], log.OutputTokens[i], ft[i] - log.ArrivalSeconds[i], fin[i] - log.ArrivalSeconds[i]));
        File.WriteAllLines(csv, lines);
        try
        {
            using var ps = Shell();
            ps.AddScript($@"
                $t = Import-PowerTrace -Path '{Raw}/gpu_power_log_tp1.txt' -GpuType 'RTX A6000'
                $r = Import-RequestTrace -Path '{csv}'
                New-PowerModel -Trace $t -Requests $r -Seed 5 -Verbose");
            var model = Assert.IsType<PowerModel>(Assert.Single(ps.Invoke()).BaseObject);
            Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
            Assert.DoesNotContain(ps.Streams.Verbose, v => v.Message.Contains("inferring the serving rates from the power"));
            Assert.StartsWith("RequestLog '", model.ServingProfile.LearnedFrom);
        }
        finally { File.Delete(csv); }
    }
}
