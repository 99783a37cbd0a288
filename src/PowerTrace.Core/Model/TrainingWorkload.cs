using System;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// Workload features on a measured trace's own bins, from the request log or engine-state series recorded
    /// beside it, with the checks that keep a fit from being silently misaligned.
    /// </summary>
    public static class TrainingWorkload
    {
        /// <summary>
        /// Features from a request log on the trace's grid. A log without a UTC start is taken to start with the trace.
        /// Requests without measured TTFT and latency are emulated with <paramref name="profile"/>.
        /// </summary>
        /// <exception cref="InvalidSettingException">WorkloadDoesNotOverlapTrace when no request arrives within the trace.</exception>
        public static WorkloadFeatures FromRequests(PowerSeries trace, RequestTrace log, ServingProfile? profile)
        {
            if (trace == null) throw new ArgumentNullException(nameof(trace));
            if (log == null) throw new ArgumentNullException(nameof(log));
            double offset = log.StartUtc.HasValue ? (log.StartUtc.Value - trace.StartUtc).TotalSeconds : 0.0;
            int inside = 0;
            for (int i = 0; i < log.Count; i++)
            {
                double t = offset + log.ArrivalSeconds[i];
                if (t >= 0 && t < trace.DurationSeconds) inside++;
            }
            if (log.Count > 0 && inside == 0)
                throw new InvalidSettingException("WorkloadDoesNotOverlapTrace", "Requests",
                    $"Request log '{log.Name}' has no request within trace '{trace.Name}' ({trace.StartUtc:yyyy-MM-dd HH:mm:ss.fff} to {trace.EndUtc:yyyy-MM-dd HH:mm:ss.fff} UTC): pair each trace with the log recorded at the same time.");
            return WorkloadFeatureBuilder.FromRequests(log, trace.StartUtc, trace.BinSeconds, trace.BinCount, profile);
        }

        /// <summary>
        /// Features from an engine-state series on the trace's grid; bins outside the series are idle (vLLM logs
        /// nothing while idle).
        /// </summary>
        /// <exception cref="InvalidSettingException">WorkloadDoesNotOverlapTrace when the series and the trace do not overlap.</exception>
        public static WorkloadFeatures FromEngineState(PowerSeries trace, EngineStateSeries series)
        {
            if (trace == null) throw new ArgumentNullException(nameof(trace));
            if (series == null) throw new ArgumentNullException(nameof(series));
            return WorkloadFeatureBuilder.FromEngineState(series, trace.StartUtc, trace.BinSeconds, trace.BinCount, idleOutsideSpan: true);
        }

        /// <summary>
        /// Checks that exactly one workload (request log or engine-state series) was given per trace, in the same
        /// order as the traces. <paramref name="requests"/> and <paramref name="engineStates"/>: one of them is null.
        /// </summary>
        /// <exception cref="InvalidSettingException">WorkloadCountMismatch.</exception>
        public static void RequireOnePerTrace(int traceCount, RequestTrace[]? requests, EngineStateSeries[]? engineStates, string parameter)
        {
            int n = requests?.Length ?? engineStates?.Length ?? 0;
            if (n != traceCount)
                throw new InvalidSettingException("WorkloadCountMismatch", parameter,
                    $"{traceCount} trace(s) but {n} {(requests != null ? "request log(s)" : "engine-state series")}: give one per trace, in the same order.");
        }

        /// <summary>Features of trace <paramref name="i"/> from its request log (if logs were given) or its engine-state series.</summary>
        public static WorkloadFeatures ForTrace(PowerSeries trace, int i, RequestTrace[]? requests, EngineStateSeries[]? engineStates, ServingProfile? profile)
            => requests != null ? FromRequests(trace, requests[i], profile) : FromEngineState(trace, engineStates![i]);
    }
}
