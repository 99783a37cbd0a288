using System;
using PowerTrace.Core.Numerics;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// What synthesis needs from a power model: turn the requests routed to one server into that
    /// server's GPU (node) power, bin by bin. Implemented by <c>PowerTrace.Core.Model.PowerModel</c>.
    /// </summary>
    public interface IServerPowerModel
    {
        /// <summary>The model's native bin width, seconds (synthesis runs at this width, then aggregates).</summary>
        double BinSeconds { get; }

        /// <summary>Node (all GPUs of the replica) power with nothing in flight, watts.</summary>
        double IdleWatts { get; }

        /// <summary>Nameplate node power: GPU TDP times GPU count, watts (the TDP-sizing baseline).</summary>
        double NameplateWatts { get; }

        /// <summary>GPUs per node (model replica).</summary>
        int GpuCount { get; }

        /// <summary>Number of power states; a model with none cannot synthesize (ModelHasNoStates).</summary>
        int StateCount { get; }

        /// <summary>
        /// Expected seconds one request occupies a server when it runs alone (prefill plus decode), from
        /// the model's serving profile. Least-loaded routing uses it to estimate each server's backlog.
        /// </summary>
        double EstimateServiceSeconds(int promptTokens, int outputTokens);

        /// <summary>
        /// Scratch state for one thread. Synthesizers are not thread-safe; create one per worker.
        /// </summary>
        IServerSynthesizer CreateSynthesizer();
    }

    /// <summary>Per-thread engine that synthesizes one server at a time.</summary>
    public interface IServerSynthesizer
    {
        /// <summary>
        /// Fills <paramref name="gpuWatts"/> (one entry per model bin, starting at horizon second 0)
        /// with the node's GPU power for the given requests. Deterministic for a given <paramref name="rng"/> state.
        /// </summary>
        void Synthesize(ServerWorkload work, ref Rng rng, Span<float> gpuWatts);
    }

    /// <summary>
    /// A synthesizer that can hand one server's power out in consecutive blocks, so the engine quantizes and
    /// sums each block while it is in cache instead of materializing the whole horizon.
    /// <c>Begin</c> then <c>Next</c> calls covering <c>binCount</c> bins must produce exactly what
    /// <see cref="IServerSynthesizer.Synthesize"/> would (same values, same generator consumption).
    /// </summary>
    public interface IBlockServerSynthesizer : IServerSynthesizer
    {
        /// <summary>Starts a server of <paramref name="binCount"/> bins; <paramref name="rng"/> is copied (the caller's is left as is).</summary>
        void Begin(ServerWorkload work, Rng rng, int binCount);

        /// <summary>Fills <paramref name="gpuWatts"/> with the next <c>gpuWatts.Length</c> bins of the server begun last.</summary>
        void Next(Span<float> gpuWatts);
    }

    /// <summary>
    /// The requests one server serves: arrival seconds from the start of the horizon (sorted),
    /// prompt and output tokens. Segments of larger arrays, so routing needs no copies.
    /// </summary>
    public readonly struct ServerWorkload
    {
        public ServerWorkload(ArraySegment<double> arrivalSeconds, ArraySegment<int> promptTokens, ArraySegment<int> outputTokens)
        {
            if (arrivalSeconds.Count != promptTokens.Count || arrivalSeconds.Count != outputTokens.Count)
                throw new ArgumentException("Arrival, prompt and output segments must have the same length.");
            ArrivalSeconds = arrivalSeconds;
            PromptTokens = promptTokens;
            OutputTokens = outputTokens;
        }

        /// <summary>Arrival of each request, seconds from the start of the horizon, sorted.</summary>
        public ArraySegment<double> ArrivalSeconds { get; }

        /// <summary>Prompt tokens per request.</summary>
        public ArraySegment<int> PromptTokens { get; }

        /// <summary>Output tokens per request.</summary>
        public ArraySegment<int> OutputTokens { get; }

        /// <summary>Number of requests.</summary>
        public int Count => ArrivalSeconds.Count;
    }
}
