using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Import;

/// <summary>Imports every real file in ../shared/data that the importers cover and checks what is known about it.</summary>
public class RealDataImportTests
{
    private static string A6000(string f) => TestData.Path_("llmservingsim-a6000", "raw_data", f);

    [Fact]
    public void Tp1GpuLog_IsDetectedAsHeaderlessNvidiaSmi_IdlesNear33W_AndPeaksFarHigher()
    {
        var notices = new List<ImportNotice>();
        var traces = PowerTraceReader.Read(A6000("gpu_power_log_tp1.txt"), new PowerImportOptions { GpuType = "RTX A6000", Notice = notices.Add });
        var t = Assert.Single(traces);
        Assert.Equal(TraceLevel.Node, t.Level);
        Assert.Equal(0.25, t.BinSeconds);
        Assert.Equal(1, t.Metadata.GpuCount);
        Assert.Equal(new[] { 0 }, t.Metadata.GpuIndices);
        Assert.Equal("RTX-A6000-48GB", t.Metadata.GpuType); // the catalog name of "RTX A6000"
        Assert.Equal(0, t.Metadata.TensorParallel); // not given, not guessed
        // 914 samples every ~200 ms from 21:08:19.444 to 21:11:22.246 (+ one held interval).
        Assert.Equal(new DateTime(2025, 12, 11, 21, 8, 19, 250, DateTimeKind.Utc), t.StartUtc);
        Assert.InRange(t.DurationSeconds, 182.8, 183.5);
        Assert.Equal(0, t.Gaps.Count);
        Assert.Equal(t.BinCount, t.ValidBinCount);
        double idle = Percentile(t.Watts, 0.05);
        Assert.InRange(idle, 30, 36);
        Assert.True(t.PeakWatts > 200, $"peak {t.PeakWatts} W");
        Assert.True(t.PeakWatts < 320, $"peak {t.PeakWatts} W above the A6000's 300 W limit and then some");
        // The first sample is 33.38 W and the grid's first bin holds only that sample.
        Assert.Equal(33.38, t.Watts[0], 10);
        // utilization.gpu is read past, and said so.
        Assert.Contains(notices, n => n.Kind == ImportNoticeKind.IgnoredColumn && n.Field == "utilization.gpu");
    }

    [Fact]
    public void Tp2GpuLog_HoldsOnlyGpu0_SoTheNodeSumsOneGpu_AndPerGpuGivesTheSameWatts()
    {
        // The published TP2 log recorded GPU 0 only (859 rows, index always 0): the node cannot sum two GPUs.
        var node = Assert.Single(PowerTraceReader.Read(A6000("gpu_power_log_tp2.txt")));
        Assert.Equal(1, node.Metadata.GpuCount);
        Assert.Equal(new[] { 0 }, node.Metadata.GpuIndices);
        Assert.InRange(node.DurationSeconds, 171.0, 172.5);
        Assert.InRange(Percentile(node.Watts, 0.05), 30, 36);
        Assert.True(node.PeakWatts > 150);
        var gpu = Assert.Single(PowerTraceReader.Read(A6000("gpu_power_log_tp2.txt"), new PowerImportOptions { PerGpu = true }));
        Assert.Equal(TraceLevel.Gpu, gpu.Level);
        Assert.Equal(node.Watts, gpu.Watts);
        var e = Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(A6000("gpu_power_log_tp2.txt"), new PowerImportOptions { GpuIndex = new[] { 0, 1 } }));
        Assert.Equal(ImportErrorIds.GpuNotFound, e.ErrorId);
    }

    [Fact]
    public void Tp1ServerLog_HasOneGluedLine705_StrictFails_SkipReportsIt()
    {
        var e = Assert.Throws<InputFormatException>(() => PowerTraceReader.Read(A6000("server_power_log_tp1.csv")));
        Assert.Equal(ImportErrorIds.WrongFieldCount, e.ErrorId);
        Assert.Equal(705, e.Line);
        var notices = new List<ImportNotice>();
        var t = Assert.Single(PowerTraceReader.Read(A6000("server_power_log_tp1.csv"), new PowerImportOptions { SkipInvalidRows = true, Notice = notices.Add }));
        var skipped = Assert.Single(notices, n => n.Kind == ImportNoticeKind.SkippedRow);
        Assert.Equal(705, skipped.Line);
        Assert.Equal(TraceLevel.Server, t.Level);
        Assert.Equal(new DateTime(2025, 12, 11, 21, 8, 18, DateTimeKind.Utc), t.StartUtc);
        // 21:08:18 .. 21:11:43 plus the last second held.
        Assert.Equal(206.0, t.DurationSeconds, 6);
        // Whole server: the simulator's fit gives a 219 W base plus GPUs; the log idles near 380 W.
        Assert.InRange(Percentile(t.Watts, 0.05), 360, 400);
        Assert.True(t.PeakWatts > 550, $"peak {t.PeakWatts}");
        // The first second's three readings 390, 387, 384 average to 387.
        Assert.Equal(387.0, t.Watts[0], 9);
    }

    [Fact]
    public void Tp2ServerLog_LastLineHasNoReading_ReportedNotInvented()
    {
        var notices = new List<ImportNotice>();
        var t = Assert.Single(PowerTraceReader.Read(A6000("server_power_log_tp2.csv"), new PowerImportOptions { Notice = notices.Add }));
        var empty = Assert.Single(notices, n => n.Kind == ImportNoticeKind.EmptyReading);
        Assert.Equal(1073, empty.Line); // the last line, without a newline
        Assert.Equal(new DateTime(2025, 12, 11, 21, 11, 43, DateTimeKind.Utc), t.StartUtc);
        Assert.InRange(t.DurationSeconds, 288, 290);
        Assert.InRange(Percentile(t.Watts, 0.05), 360, 400);
        Assert.True(t.PeakWatts > 550, $"peak {t.PeakWatts}");
    }

    [Fact]
    public void VllmTp1_ShiftedByEightHours_StartsAtTheFirstPowerStep()
    {
        var s = VllmLogReader.Read(A6000("vllm_pulse_power_tp1.txt"), new VllmLogOptions { Year = 2025, TimeOffset = TimeSpan.FromHours(8) });
        Assert.Equal(46, s.Count);
        Assert.Equal(new DateTime(2025, 12, 11, 21, 8, 28, DateTimeKind.Utc), s.StartUtc);
        Assert.Equal(1, s.Running[0]);
        Assert.Equal(10, s.Running[1]);
        Assert.Equal(2017.3, s.PromptTokensPerSecond[1], 9);
        Assert.Equal(427.2, s.GenerationTokensPerSecond[1], 9);
        Assert.Equal(1.2, s.KvCacheUsagePercent[1], 9);
        Assert.Equal(136.0, s.TimeSeconds[^1], 6); // 13:08:28 .. 13:10:44
        // The GPU trace's first step above idle lies within a few seconds of the first engine-state line.
        var gpu = PowerTraceReader.Read(A6000("gpu_power_log_tp1.txt"))[0];
        int step = Array.FindIndex(gpu.Watts, w => w > 60);
        Assert.True(step > 0);
        double lag = (gpu.BinStartUtc(step) - s.StartUtc).TotalSeconds;
        Assert.InRange(lag, -3, 3);
    }

    [Fact]
    public void VllmTp2_Reads29EngineLines()
    {
        var s = VllmLogReader.Read(A6000("vllm_pulse_power_tp2.txt"), new VllmLogOptions { Year = 2025, TimeOffset = TimeSpan.FromHours(8) });
        Assert.Equal(29, s.Count);
        Assert.True(s.Running.Max() >= 10);
        var gpu = PowerTraceReader.Read(A6000("gpu_power_log_tp2.txt"))[0];
        Assert.InRange(s.StartUtc, gpu.StartUtc, gpu.EndUtc);
    }

    [Fact]
    public void AzureCode_8819RequestsOver3436s()
    {
        var r = RequestTraceReader.Read(TestData.Path_("azure-llm-2023", "AzureLLMInferenceTrace_code.csv"));
        Assert.Equal("Azure", r.Format);
        Assert.Equal(8819, r.Count);
        Assert.InRange(r.DurationSeconds, 3435, 3437);
        Assert.InRange(r.MeanRatePerSecond, 2.5, 2.6);
        Assert.Equal(new DateTime(2023, 11, 16, 18, 17, 3, DateTimeKind.Utc).AddTicks(9799600), r.StartUtc);
        Assert.Equal(4808, r.PromptTokens[0]);
        Assert.Equal(10, r.OutputTokens[0]);
        Assert.Equal(1469, Median(r.PromptTokens));
        Assert.Equal(13, Median(r.OutputTokens));
        Assert.Null(r.TtftSeconds);
    }

    [Fact]
    public void AzureConv_19366RequestsOver3502s()
    {
        var r = RequestTraceReader.Read(TestData.Path_("azure-llm-2023", "AzureLLMInferenceTrace_conv.csv"), new RequestImportOptions { Format = RequestFileFormat.Azure });
        Assert.Equal(19366, r.Count);
        Assert.InRange(r.DurationSeconds, 3501, 3503);
        Assert.InRange(r.MeanRatePerSecond, 5.5, 5.6);
        Assert.Equal(1020, Median(r.PromptTokens));
        Assert.Equal(129, Median(r.OutputTokens));
    }

    [Fact]
    public void Mooncake_12031RequestsOver3537s_HashIdsReportedAsIgnored()
    {
        var notices = new List<ImportNotice>();
        var r = RequestTraceReader.Read(TestData.Path_("mooncake", "conversation_trace.jsonl"), new RequestImportOptions { Notice = notices.Add });
        Assert.Equal("Mooncake", r.Format);
        Assert.Equal(12031, r.Count);
        Assert.Null(r.StartUtc);
        Assert.Equal(0, r.ArrivalSeconds[0]);
        Assert.Equal(3536.999, r.ArrivalSeconds[^1], 9);
        Assert.Equal(6758, r.PromptTokens[0]);
        Assert.Equal(500, r.OutputTokens[0]);
        Assert.Contains(notices, n => n.Kind == ImportNoticeKind.IgnoredColumn && n.Field == "hash_ids");
    }

    internal static double Percentile(double[] w, double p)
    {
        var v = w.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
        return v[(int)Math.Floor(p * (v.Length - 1))];
    }

    private static double Median(int[] a)
    {
        var s = a.OrderBy(x => x).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2.0;
    }
}
