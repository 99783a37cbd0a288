namespace PowerTrace.Core.Derivation
{
    /// <summary>
    /// One measured throughput point: a GPU type, TP degree and model with its prefill rate and single-request decode
    /// step rate. Anchors of one GPU type at several TP degrees let the derivation interpolate instead of scaling.
    /// </summary>
    public sealed class RateAnchor
    {
        public RateAnchor(string gpu, int tensorParallel, double parameters, double activeParameters, double bytesPerParameter, int layers,
            double prefillTokensPerSecond, double decodeStepsPerSecond, string source)
        {
            Gpu = gpu;
            TensorParallel = tensorParallel;
            Parameters = parameters;
            ActiveParameters = activeParameters;
            BytesPerParameter = bytesPerParameter;
            Layers = layers;
            PrefillTokensPerSecond = prefillTokensPerSecond;
            DecodeStepsPerSecond = decodeStepsPerSecond;
            Source = source;
        }

        /// <summary>Canonical GPU name (<see cref="Hardware.GpuCatalog"/>).</summary>
        public string Gpu { get; }
        /// <summary>Tensor-parallel degree.</summary>
        public int TensorParallel { get; }
        /// <summary>Total parameters.</summary>
        public double Parameters { get; }
        /// <summary>Active parameters per token.</summary>
        public double ActiveParameters { get; }
        /// <summary>Bytes per weight.</summary>
        public double BytesPerParameter { get; }
        /// <summary>Transformer layers.</summary>
        public int Layers { get; }
        /// <summary>Prompt tokens per second of one replica; NaN when not measured (or only a lower bound).</summary>
        public double PrefillTokensPerSecond { get; }
        /// <summary>Decode steps per second with one request; NaN when not measured.</summary>
        public double DecodeStepsPerSecond { get; }
        /// <summary>Where the numbers come from.</summary>
        public string Source { get; }

        public override string ToString() => $"{Gpu} TP{TensorParallel} {Parameters / 1e9:0.#}B: prefill {PrefillTokensPerSecond:0} tok/s, decode {DecodeStepsPerSecond:0.0} steps/s ({Source})";
    }
}
