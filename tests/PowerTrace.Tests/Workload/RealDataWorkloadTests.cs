using PowerTrace.Core.Import;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
using Xunit;
using Xunit.Abstractions;

namespace PowerTrace.Tests.Workload;

/// <summary>The A6000 / vLLM recording in ../shared/data/llmservingsim-a6000 (TP1): engine log vs measured power.</summary>
public class RealDataWorkloadTests
{
    private readonly ITestOutputHelper _out;
    public RealDataWorkloadTests(ITestOutputHelper output) => _out = output;

    private static string A6000(string file) => TestData.Path_("llmservingsim-a6000", "raw_data", file);

    private static EngineStateSeries Log(string tp) =>
        VllmLogReader.Read(A6000($"vllm_pulse_power_{tp}.txt"), new VllmLogOptions { Year = 2025, TimeOffset = TimeSpan.FromHours(8) });

    [Theory]
    [InlineData("tp1")]
    [InlineData("tp2")]
    public void EngineStateFeaturesLineUpWithThePowerSteps(string tp)
    {
        PowerSeries power = Assert.Single(PowerTraceReader.Read(A6000($"gpu_power_log_{tp}.txt")));
        var log = Log(tp);
        // The power log runs before the first and after the last engine line: vLLM prints nothing while idle.
        Assert.Throws<PowerTrace.Core.Errors.InvalidSettingException>(() =>
            WorkloadFeatureBuilder.FromEngineState(log, power.StartUtc, power.BinSeconds, power.BinCount));
        var f = WorkloadFeatureBuilder.FromEngineState(log, power.StartUtc, power.BinSeconds, power.BinCount, idleOutsideSpan: true);

        // Busy = something running; hot = power above the midpoint of idle and busy levels.
        double idle = Percentile(power.Watts, 10), busyW = Percentile(power.Watts, 95);
        double threshold = 0.5 * (idle + busyW);
        int best = 0; double bestAgree = 0, agreeAt0 = 0;
        for (int lag = -12; lag <= 12; lag++)
        {
            int agree = 0, n = 0;
            for (int i = 0; i < power.BinCount; i++)
            {
                int j = i + lag;
                if (j < 0 || j >= power.BinCount || double.IsNaN(power.Watts[j])) continue;
                n++;
                if ((f.ActiveRequests[i] > 0.5) == (power.Watts[j] > threshold)) agree++;
            }
            double frac = (double)agree / n;
            if (lag == 0) agreeAt0 = frac;
            if (frac > bestAgree) { bestAgree = frac; best = lag; }
        }
        double tokens = f.PromptTokensInFlight.Take(f.BinCount).Sum(x => (double)x);
        double logged = 0;
        double interval = WorkloadFeatureBuilder.NominalInterval(log.TimeSeconds);
        for (int i = 0; i < log.Count; i++) logged += log.PromptTokensPerSecond[i] * interval;
        _out.WriteLine($"{tp}: idle {idle:0} W, busy {busyW:0} W, agreement {agreeAt0:P1} at lag 0, best {bestAgree:P1} at lag {best * power.BinSeconds:+0.00;-0.00} s; prompt tokens {tokens:0} of {logged:0} logged");
        // Aligned with +8 h, busy bins coincide with high power. Power trails the log by about 1.25-1.75 s: vLLM truncates
        // its times to the second (the interval really ends up to 1 s later) and NVML's power.draw is a ~1 s average.
        // A clock error of hours or minutes would leave no agreement at all.
        Assert.True(agreeAt0 > 0.9, $"agreement {agreeAt0:P1}");
        Assert.InRange(best * power.BinSeconds, 0.0, 3.0);
        Assert.True(bestAgree > 0.98, $"best agreement {bestAgree:P1}");
        Assert.Equal(logged, tokens, logged * 1e-6);
        // Three pulses of 10 requests: three bursts of arrivals.
        Assert.InRange(f.NewArrivals.Sum(), 25, 31);
    }

    [Fact]
    public void LearnsAServingProfileFromTheEngineLog()
    {
        var profile = ServingProfileLearner.FromEngineState(Log("tp1"));
        _out.WriteLine(profile.ToString());
        _out.WriteLine(profile.LearnedFrom);
        _out.WriteLine($"generation at 10 running: {profile.GenerationTokensPerSecond(10):0} tok/s; at 1: {profile.GenerationTokensPerSecond(1):0} tok/s");
        // The log shows ~400 tok/s with 10 running and ~42 tok/s per request at 1-2 running.
        Assert.InRange(profile.GenerationTokensPerSecond(10), 360, 440);
        Assert.InRange(profile.DecodeStepsPerSecond, 35, 50);
        // Prompt bursts of ~2000 tok/s fit inside one 1 s interval: only a lower bound can be learned.
        Assert.True(profile.PrefillRateIsLowerBound);
        Assert.InRange(profile.PrefillTokensPerSecond, 1800, 2500);
    }

    private static double Percentile(double[] x, double p)
    {
        var v = x.Where(d => !double.IsNaN(d)).OrderBy(d => d).ToArray();
        return PowerTrace.Core.Analysis.FidelityMetrics.Percentile(v, p);
    }
}
