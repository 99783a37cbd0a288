using System;

namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// What a server is doing in each time bin, derived from the requests it serves: the inputs that
    /// condition the power model's state transitions. One entry per bin; bin i covers
    /// [i·BinSeconds, (i+1)·BinSeconds) from the start of the trace or horizon.
    /// </summary>
    /// <remarks>
    /// Built from a measured request log (<c>WorkloadFeatureBuilder</c>), from an engine-state series,
    /// or by the serving emulator for traffic that was never measured. Arrays are reusable buffers
    /// (synthesis refills one instance per server), so their length may exceed <see cref="BinCount"/>.
    /// </remarks>
    public sealed class WorkloadFeatures
    {
        public WorkloadFeatures(double binSeconds, int binCount)
        {
            if (!(binSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(binSeconds), binSeconds, "Bin width must be positive.");
            if (binCount < 0) throw new ArgumentOutOfRangeException(nameof(binCount), binCount, "Bin count cannot be negative.");
            BinSeconds = binSeconds;
            BinCount = binCount;
            ActiveRequests = new float[binCount];
            NewArrivals = new float[binCount];
            PromptTokensInFlight = new float[binCount];
            DecodeBatchSize = new float[binCount];
            WaitingRequests = new float[binCount];
        }

        /// <summary>Bin width, seconds.</summary>
        public double BinSeconds { get; }

        /// <summary>Bins in use (arrays may be longer when the instance is a reused buffer).</summary>
        public int BinCount { get; private set; }

        /// <summary>Requests admitted and not finished (prefilling or decoding), time-averaged over the bin.</summary>
        public float[] ActiveRequests { get; private set; }

        /// <summary>Requests that arrived during the bin.</summary>
        public float[] NewArrivals { get; private set; }

        /// <summary>Prompt tokens prefilled during the bin (the compute-bound work in flight).</summary>
        public float[] PromptTokensInFlight { get; private set; }

        /// <summary>Requests in the decode phase, time-averaged over the bin (the memory-bound batch).</summary>
        public float[] DecodeBatchSize { get; private set; }

        /// <summary>Requests arrived but not yet admitted (queued), time-averaged over the bin.</summary>
        public float[] WaitingRequests { get; private set; }

        /// <summary>Sets the bin count, growing the buffers when needed, and clears bins [0, binCount).</summary>
        public void Reset(int binCount)
        {
            if (binCount < 0) throw new ArgumentOutOfRangeException(nameof(binCount));
            if (binCount > ActiveRequests.Length)
            {
                ActiveRequests = new float[binCount];
                NewArrivals = new float[binCount];
                PromptTokensInFlight = new float[binCount];
                DecodeBatchSize = new float[binCount];
                WaitingRequests = new float[binCount];
            }
            else
            {
                Array.Clear(ActiveRequests, 0, binCount);
                Array.Clear(NewArrivals, 0, binCount);
                Array.Clear(PromptTokensInFlight, 0, binCount);
                Array.Clear(DecodeBatchSize, 0, binCount);
                Array.Clear(WaitingRequests, 0, binCount);
            }
            BinCount = binCount;
        }
    }
}
