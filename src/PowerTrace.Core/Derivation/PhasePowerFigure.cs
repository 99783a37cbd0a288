namespace PowerTrace.Core.Derivation
{
    /// <summary>Published per-GPU power by serving phase for one GPU type: idle, prefill (prompt) and decode (token) watts.</summary>
    public sealed class PhasePowerFigure
    {
        public PhasePowerFigure(string gpu, double idleWatts, double prefillWatts, double decodeWatts, string source)
        {
            Gpu = gpu;
            IdleWatts = idleWatts;
            PrefillWatts = prefillWatts;
            DecodeWatts = decodeWatts;
            Source = source;
        }

        /// <summary>Canonical GPU name.</summary>
        public string Gpu { get; }
        /// <summary>Per-GPU watts with nothing in flight.</summary>
        public double IdleWatts { get; }
        /// <summary>Per-GPU watts while prefilling (compute-bound).</summary>
        public double PrefillWatts { get; }
        /// <summary>Per-GPU watts while decoding (memory-bound).</summary>
        public double DecodeWatts { get; }
        /// <summary>Where the numbers come from.</summary>
        public string Source { get; }

        public override string ToString() => $"{Gpu}: idle {IdleWatts:0} W, prefill {PrefillWatts:0} W, decode {DecodeWatts:0} W ({Source})";
    }
}
