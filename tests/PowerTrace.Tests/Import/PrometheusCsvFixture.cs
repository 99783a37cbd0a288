using System.Globalization;
using System.Text;
using PowerTrace.Core.Import;
using PowerTrace.Core.Workload;

namespace PowerTrace.Tests.Import;

/// <summary>
/// Turns a real vLLM engine log into what a Prometheus scrape of the same engine would have recorded: a row every
/// second (also while idle, when vLLM's log prints nothing), counters that integrate the logged throughputs from a
/// non-zero start and are whole tokens (as vLLM's counters are), gauges as vLLM exports them (KV usage a fraction).
/// </summary>
public static class PrometheusCsvFixture
{
    public const string Labels = "engine=\"0\",model_name=\"meta-llama/Llama-3.1-8B-Instruct\"";

    /// <summary>The A6000 TP1 vLLM log on the power logs' UTC clock.</summary>
    public static EngineStateSeries Tp1Log() => VllmLogReader.Read(
        TestData.Path_("llmservingsim-a6000", "raw_data", "vllm_pulse_power_tp1.txt"),
        new VllmLogOptions { Year = 2025, TimeOffset = TimeSpan.FromHours(8) });

    /// <summary>
    /// Writes the scrape CSV. Unix seconds in <c>timestamp</c>, label-suffixed <c>vllm:</c> columns (quoted, with doubled
    /// quotes, as CSV writers do), one unrelated histogram column. Row 0 is one second before the first log line.
    /// </summary>
    public static void Write(EngineStateSeries log, string path, bool iso = false)
    {
        // Every log line is on a whole second (vLLM prints HH:MM:SS); check rather than assume.
        foreach (double t in log.TimeSeconds)
            if (Math.Abs(t - Math.Round(t)) > 1e-9) throw new InvalidOperationException($"log time {t} s is not on a whole second");
        int seconds = (int)Math.Round(log.TimeSeconds[^1]);
        var bySecond = new Dictionary<int, int>();
        for (int i = 0; i < log.Count; i++) bySecond[(int)Math.Round(log.TimeSeconds[i])] = i;
        string Q(string name) => "\"" + ("vllm:" + name + "{" + Labels + "}").Replace("\"", "\"\"") + "\"";
        var sb = new StringBuilder();
        sb.Append(iso ? "time" : "timestamp").Append(',').Append(Q("num_requests_running")).Append(',').Append(Q("num_requests_waiting"))
          .Append(',').Append(Q("kv_cache_usage_perc")).Append(',').Append(Q("prompt_tokens_total")).Append(',').Append(Q("generation_tokens_total"))
          .Append(',').Append(Q("time_to_first_token_seconds_bucket").Replace("}\"", ",le=\"\"0.1\"\"}\"")).Append('\n');
        double prompt = 123456, gen = 654321; // counters of a server that has been up for a while
        var c = CultureInfo.InvariantCulture;
        for (int k = -1; k <= seconds; k++)
        {
            var at = log.StartUtc.AddSeconds(k);
            int run = 0, wait = 0; double kv = 0;
            if (bySecond.TryGetValue(k, out int i))
            {
                prompt += log.PromptTokensPerSecond[i]; // tokens over the 1 s interval ending at the line
                gen += log.GenerationTokensPerSecond[i];
                run = log.Running[i]; wait = log.Waiting[i]; kv = log.KvCacheUsagePercent[i] / 100;
            }
            string time = iso ? at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", c) : new DateTimeOffset(at).ToUnixTimeSeconds().ToString(c);
            sb.Append(time).Append(',').Append(run.ToString(c)).Append(',').Append(wait.ToString(c)).Append(',')
              .Append(kv.ToString("R", c)).Append(',').Append(Math.Round(prompt).ToString(c)).Append(',').Append(Math.Round(gen).ToString(c))
              .Append(',').Append((k + 1).ToString(c)).Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }
}
