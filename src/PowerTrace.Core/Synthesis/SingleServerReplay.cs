using System;
using System.Threading;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Where a replayed request log lies against a measured trace (see <see cref="SingleServerReplay.Align"/>):
    /// synthesized bin i is compared with measured bin <see cref="MeasuredFirstBin"/> + i.
    /// </summary>
    public sealed class ReplayWindow
    {
        internal ReplayWindow(DateTime horizonStartUtc, double binSeconds, int measuredFirstBin, int measuredBinCount, int requestsInHorizon, double firstArrivalOffsetSeconds)
        {
            HorizonStartUtc = horizonStartUtc;
            BinSeconds = binSeconds;
            MeasuredFirstBin = measuredFirstBin;
            HorizonBins = measuredBinCount - measuredFirstBin;
            RequestsInHorizon = requestsInHorizon;
            FirstArrivalOffsetSeconds = firstArrivalOffsetSeconds;
        }

        /// <summary>UTC instant of the log's first arrival: horizon second 0 of the replay (the synthesized trace's start).</summary>
        public DateTime HorizonStartUtc { get; }

        /// <summary>Bin width, seconds (the model's and the measured trace's).</summary>
        public double BinSeconds { get; }

        /// <summary>
        /// Index, on the measured trace's grid, of the bin that holds the first arrival: floor((first arrival − trace
        /// start) / bin). Negative when the log starts before the trace.
        /// </summary>
        public int MeasuredFirstBin { get; }

        /// <summary>Synthesized bins: from the first arrival to the end of the measured trace.</summary>
        public int HorizonBins { get; }

        /// <summary>Length of the synthesis, seconds (<see cref="HorizonBins"/> × <see cref="BinSeconds"/>).</summary>
        public double HorizonSeconds => HorizonBins * BinSeconds;

        /// <summary>First synthesized bin that is compared (0 unless the log starts before the trace).</summary>
        public int SynthesizedFirstBin => Math.Max(0, -MeasuredFirstBin);

        /// <summary>First measured bin that is compared (the first arrival's bin, or 0 when the log starts before the trace).</summary>
        public int ComparedMeasuredFirstBin => Math.Max(0, MeasuredFirstBin);

        /// <summary>Bins compared: from the first arrival's bin (or the trace start) to the end of the measured trace.</summary>
        public int ComparedBins => HorizonBins - SynthesizedFirstBin;

        /// <summary>Requests of the log that arrive within the horizon (the ones replayed).</summary>
        public int RequestsInHorizon { get; }

        /// <summary>
        /// Seconds from the start of measured bin <see cref="MeasuredFirstBin"/> to the first arrival (0 ≤ x &lt; bin):
        /// the synthesized grid runs this much later than the measured one.
        /// </summary>
        public double FirstArrivalOffsetSeconds { get; }

        /// <summary>The compared measured bins, a copy.</summary>
        public double[] MeasuredPart(PowerSeries measured)
        {
            if (measured == null) throw new ArgumentNullException(nameof(measured));
            if (measured.BinCount != MeasuredFirstBin + HorizonBins)
                throw new ArgumentException($"The trace has {measured.BinCount} bins; this window was aligned to one of {MeasuredFirstBin + HorizonBins}.", nameof(measured));
            var r = new double[ComparedBins];
            Array.Copy(measured.Watts, ComparedMeasuredFirstBin, r, 0, r.Length);
            return r;
        }

        /// <summary>The compared synthesized bins (from <see cref="SynthesizedFirstBin"/> on), a copy.</summary>
        public double[] SynthesizedPart(PowerSeries synthesized)
        {
            if (synthesized == null) throw new ArgumentNullException(nameof(synthesized));
            if (synthesized.BinCount != HorizonBins)
                throw new ArgumentException($"The synthesis has {synthesized.BinCount} bins; this window's horizon is {HorizonBins}.", nameof(synthesized));
            var r = new double[ComparedBins];
            Array.Copy(synthesized.Watts, SynthesizedFirstBin, r, 0, r.Length);
            return r;
        }

        public override string ToString()
            => $"from {HorizonStartUtc:yyyy-MM-ddTHH:mm:ss.fff}Z (measured bin {MeasuredFirstBin}), {HorizonBins} bins, {RequestsInHorizon} requests";
    }

    /// <summary>
    /// "Replay this request log on one server with this model": the one synthesis path that
    /// <c>Invoke-TraceSynthesis -Requests &lt;log&gt; -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 -Resolution &lt;model bin&gt;</c>
    /// runs and that <c>Test-PowerModel -Requests</c> scores. It goes through <see cref="SynthesisEngine"/> and
    /// <see cref="IServerPowerModel"/> only, so any model synthesizes here exactly as it does in a site synthesis.
    /// </summary>
    /// <remarks>
    /// <para><b>Alignment.</b> The log's first arrival is horizon second 0 (<see cref="RequestReplay"/>); each arrival
    /// keeps its offset from it; the log is played once. The synthesized trace starts at the first arrival's UTC
    /// instant (<see cref="HorizonStartUtc"/>). Against a measured trace, synthesized bin i is paired with measured bin
    /// j0 + i, j0 the measured bin that holds the first arrival (floor); the horizon runs to the end of the measured
    /// trace, and pairs outside either trace are dropped. The measured window is therefore "from the first arrival on",
    /// and the synthesized grid runs less than one bin (<see cref="ReplayWindow.FirstArrivalOffsetSeconds"/>) later
    /// than the measured one. A log without a UTC start counts its arrival seconds from the trace's start.</para>
    /// <para><b>Seeds.</b> <see cref="Synthesize"/> with seed k is the Node (= Server = Site, with no non-GPU power)
    /// trace of Invoke-TraceSynthesis -Seed k: server 0's power draws come from <c>Rng.ForStream(k, 0)</c>.</para>
    /// <para><b>Power.</b> Node (GPU) power only: no non-GPU power, PUE 1, the model's own bin width, quantized to
    /// whole milliwatts per bin exactly as every synthesis is.</para>
    /// </remarks>
    public static class SingleServerReplay
    {
        /// <summary>
        /// Horizon second 0 of a replay of <paramref name="log"/>: its first arrival's UTC instant, or null when the
        /// log has no UTC start or no requests (Invoke-TraceSynthesis then starts at -StartUtc or its default).
        /// </summary>
        public static DateTime? HorizonStartUtc(RequestTrace log)
        {
            if (log == null) throw new ArgumentNullException(nameof(log));
            return log.StartUtc.HasValue && log.Count > 0 ? log.ArrivalUtc(0) : null;
        }

        /// <summary>The log played once from its first arrival, with its own token counts and timing.</summary>
        public static SynthesisWorkload Workload(RequestTrace log)
            => SynthesisWorkload.FromReplay(new RequestReplay(log ?? throw new ArgumentNullException(nameof(log)), null, loop: false));

        /// <summary>
        /// Aligns <paramref name="log"/> to <paramref name="measured"/> by the rule of the class remarks.
        /// </summary>
        /// <exception cref="InvalidSettingException">EmptyRequestTrace; WorkloadDoesNotOverlapTrace when no request
        /// arrives within the measured trace.</exception>
        public static ReplayWindow Align(PowerSeries measured, RequestTrace log)
        {
            if (measured == null) throw new ArgumentNullException(nameof(measured));
            if (log == null) throw new ArgumentNullException(nameof(log));
            if (log.Count == 0)
                throw new InvalidSettingException("EmptyRequestTrace", "Requests", $"The request log '{log.Name}' has no requests to replay.");
            double b = measured.BinSeconds;
            DateTime first = log.StartUtc.HasValue ? log.ArrivalUtc(0)!.Value
                : measured.StartUtc.AddTicks((long)Math.Round(log.ArrivalSeconds[0] * TimeSpan.TicksPerSecond));
            double offset = (first - measured.StartUtc).Ticks / (double)TimeSpan.TicksPerSecond;
            double a0 = log.ArrivalSeconds[0];
            int inside = 0;
            double traceSeconds = measured.DurationSeconds;
            for (int i = 0; i < log.Count; i++)
            {
                double t = offset + (log.ArrivalSeconds[i] - a0);
                if (t >= 0 && t < traceSeconds) inside++;
            }
            if (inside == 0)
                throw new InvalidSettingException("WorkloadDoesNotOverlapTrace", "Requests",
                    $"Request log '{log.Name}' has no request within trace '{measured.Name}' ({measured.StartUtc:yyyy-MM-dd HH:mm:ss.fff} to {measured.EndUtc:yyyy-MM-dd HH:mm:ss.fff} UTC): pair each trace with the log recorded at the same time.");
            // floor, with a hair of tolerance so an arrival on a bin boundary opens that bin despite rounding.
            long j0 = (long)Math.Floor(offset / b + 1e-9);
            if (measured.BinCount - j0 > int.MaxValue / 2)
                throw new InvalidSettingException("HorizonTooLong", "Requests",
                    $"Request log '{log.Name}' starts {-offset:0} s before trace '{measured.Name}': too long a replay; cut the log to the trace's time.");
            double frac = offset - j0 * b;
            if (frac < 0) frac = 0;
            // Requests the replay plays: those less than the horizon after the first arrival (as RequestReplay cuts them).
            double horizon = (measured.BinCount - j0) * b;
            int inHorizon = 0;
            while (inHorizon < log.Count && log.ArrivalSeconds[inHorizon] - a0 < horizon) inHorizon++;
            return new ReplayWindow(first, b, (int)j0, measured.BinCount, inHorizon, frac);
        }

        /// <summary>
        /// The settings of the replay: <see cref="Workload"/>, one server, random routing (one server: every request to
        /// server 0), no non-GPU power, PUE 1, the Node level at the model's bin, starting at
        /// <paramref name="startUtc"/> for <paramref name="horizonSeconds"/>, master seed <paramref name="seed"/>.
        /// </summary>
        public static SynthesisSettings Settings(IServerPowerModel model, RequestTrace log, double horizonSeconds, DateTime startUtc, ulong seed)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            return new SynthesisSettings
            {
                Model = model,
                Workload = Workload(log),
                Layout = SiteLayout.Flat(1),
                Router = RouterKind.Random,
                NonGpu = new NonGpuPower(0, 0),
                Pue = 1,
                HorizonSeconds = horizonSeconds,
                StartUtc = startUtc,
                Seed = seed,
                Outputs = new System.Collections.Generic.List<OutputLevel> { new OutputLevel(TraceLevel.Node, model.BinSeconds) },
                MaxDegreeOfParallelism = 1,
            };
        }

        /// <summary>
        /// Synthesizes <paramref name="log"/> on one server with <paramref name="model"/> over <paramref name="window"/>'s
        /// horizon with master seed <paramref name="seed"/>: the Node trace (one value per model bin from the first arrival),
        /// bit for bit what Invoke-TraceSynthesis -Requests -NoLoop -Servers 1 -NonGpuWatts 0 -Pue 1 -Resolution
        /// &lt;model bin&gt; -HorizonSeconds <see cref="ReplayWindow.HorizonSeconds"/> -Seed <paramref name="seed"/> writes.
        /// </summary>
        /// <exception cref="InvalidSettingException">BinWidthMismatch when the window's bin is not the model's; the
        /// synthesis' own setting errors.</exception>
        public static PowerSeries Synthesize(IServerPowerModel model, RequestTrace log, ReplayWindow window, ulong seed, CancellationToken cancellationToken = default)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            if (window == null) throw new ArgumentNullException(nameof(window));
            if (Math.Abs(window.BinSeconds - model.BinSeconds) > 1e-9 * model.BinSeconds)
                throw new InvalidSettingException("BinWidthMismatch", "Trace",
                    $"The trace has {window.BinSeconds} s bins but the model synthesizes {model.BinSeconds} s bins.");
            var settings = Settings(model, log, window.HorizonSeconds, window.HorizonStartUtc, seed);
            var result = SynthesisEngine.Run(settings, null, cancellationToken);
            return result.Series[0];
        }
    }
}
