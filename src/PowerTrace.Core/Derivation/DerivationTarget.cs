using System;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Hardware;

namespace PowerTrace.Core.Derivation
{
    /// <summary>
    /// What is known about a configuration nobody measured: GPU facts, GPUs per node, tensor-parallel degree,
    /// model size. Every fact is given or looked up; none is defaulted silently.
    /// </summary>
    /// <remarks>
    /// Error ids (<see cref="InvalidSettingException"/>): UnknownGpu (GPU not in <see cref="GpuCatalog"/>),
    /// InvalidModelSize (parameters or active parameters not positive, active &gt; total, bytes per parameter not positive),
    /// InvalidTensorParallel (TP &lt; 1, GPU count not a multiple of TP), ModelDoesNotFit (weights per GPU over
    /// <see cref="MaxWeightShareOfMemory"/> of its memory).
    /// </remarks>
    public sealed class DerivationTarget
    {
        /// <summary>Weights may fill at most this share of each GPU's memory (the rest is KV cache and activations).</summary>
        public const double MaxWeightShareOfMemory = 0.9;

        /// <summary>Validates and builds a target.</summary>
        /// <param name="gpu">GPU facts (from <see cref="GpuCatalog.Find"/> or given explicitly).</param>
        /// <param name="tensorParallel">Tensor-parallel degree (GPUs one model replica spans).</param>
        /// <param name="parameters">Total model parameters.</param>
        /// <param name="gpuCount">GPUs per node; 0 = <paramref name="tensorParallel"/> (one replica per node). Must be a multiple of TP.</param>
        /// <param name="activeParameters">Parameters active per token (MoE); 0 or NaN = <paramref name="parameters"/> (dense).</param>
        /// <param name="bytesPerParameter">Bytes per weight (2 = BF16/FP16, 1 = 8-bit weights).</param>
        /// <param name="modelName">Model name for the configuration; null = "{size}B model".</param>
        /// <param name="layers">Transformer layers; 0 = from <see cref="LlmCatalog"/> by name, else estimated (and said so).</param>
        public DerivationTarget(GpuSpec gpu, int tensorParallel, double parameters, int gpuCount = 0, double activeParameters = 0,
            double bytesPerParameter = 2, string? modelName = null, int layers = 0)
        {
            Gpu = gpu ?? throw new InvalidSettingException("UnknownGpu", "Gpu", "No target GPU was given: name one from the GPU catalog or give its facts.");
            if (!(parameters > 0) || double.IsInfinity(parameters))
                throw new InvalidSettingException("InvalidModelSize", "Parameters", $"The model size must be a positive number of parameters (e.g. 70e9), not {parameters}.");
            if (double.IsNaN(activeParameters) || activeParameters == 0) activeParameters = parameters;
            if (!(activeParameters > 0) || activeParameters > parameters * (1 + 1e-9))
                throw new InvalidSettingException("InvalidModelSize", "ActiveParameters", $"Active parameters must be positive and at most the total ({parameters:G4}), not {activeParameters:G4}.");
            if (!(bytesPerParameter > 0) || double.IsInfinity(bytesPerParameter))
                throw new InvalidSettingException("InvalidModelSize", "BytesPerParameter", $"Bytes per parameter must be positive (2 for BF16, 1 for 8-bit weights), not {bytesPerParameter}.");
            if (tensorParallel < 1)
                throw new InvalidSettingException("InvalidTensorParallel", "TensorParallel", $"The tensor-parallel degree must be at least 1, not {tensorParallel}.");
            if (gpuCount == 0) gpuCount = tensorParallel;
            if (gpuCount < 1 || gpuCount % tensorParallel != 0)
                throw new InvalidSettingException("InvalidTensorParallel", "GpuCount", $"A node of {gpuCount} GPU(s) cannot hold whole TP{tensorParallel} replicas: the GPU count must be a positive multiple of the tensor-parallel degree.");
            if (!(gpu.TdpWatts > gpu.IdleWatts) || !(gpu.IdleWatts >= 0) || !(gpu.DenseBf16Tflops > 0) || !(gpu.MemoryBandwidthGBps > 0))
                throw new InvalidSettingException("UnknownGpu", "Gpu", $"GPU '{gpu.Name}' lacks a fact the derivation needs: TDP > idle watts >= 0, dense BF16 TFLOP/s > 0 and memory bandwidth GB/s > 0 (has {gpu.TdpWatts} W, {gpu.IdleWatts} W, {gpu.DenseBf16Tflops} TFLOP/s, {gpu.MemoryBandwidthGBps} GB/s).");
            double weightsGB = bytesPerParameter * parameters / tensorParallel / 1e9;
            if (gpu.MemoryGB > 0 && weightsGB > MaxWeightShareOfMemory * gpu.MemoryGB)
                throw new InvalidSettingException("ModelDoesNotFit", "TensorParallel",
                    $"{parameters / 1e9:0.#}B parameters at {bytesPerParameter} byte(s) each over TP{tensorParallel} put {weightsGB:0.#} GB of weights on each {gpu.Name} ({gpu.MemoryGB:0} GB; at most {MaxWeightShareOfMemory:P0} may hold weights): raise the TP degree or lower the bytes per parameter.");
            var known = LlmCatalog.TryFind(modelName);
            if (layers < 0) throw new InvalidSettingException("InvalidModelSize", "Layers", $"Layers must be positive, not {layers}.");
            LayersEstimated = false;
            if (layers == 0)
            {
                if (known != null && Math.Abs(known.Parameters - parameters) <= 0.1 * known.Parameters) layers = known.Layers;
                else { layers = LlmCatalog.EstimateLayers(parameters); LayersEstimated = true; }
            }
            TensorParallel = tensorParallel;
            GpuCount = gpuCount;
            Parameters = parameters;
            ActiveParameters = activeParameters;
            BytesPerParameter = bytesPerParameter;
            Layers = layers;
            ModelName = string.IsNullOrWhiteSpace(modelName) ? $"{parameters / 1e9:0.#}B model" : modelName!;
        }

        /// <summary>Target GPU facts.</summary>
        public GpuSpec Gpu { get; }
        /// <summary>Tensor-parallel degree.</summary>
        public int TensorParallel { get; }
        /// <summary>GPUs per node (a multiple of TP).</summary>
        public int GpuCount { get; }
        /// <summary>Model replicas per node: GpuCount / TensorParallel.</summary>
        public int Replicas => GpuCount / TensorParallel;
        /// <summary>Total parameters.</summary>
        public double Parameters { get; }
        /// <summary>Parameters active per token.</summary>
        public double ActiveParameters { get; }
        /// <summary>Bytes per weight.</summary>
        public double BytesPerParameter { get; }
        /// <summary>Transformer layers.</summary>
        public int Layers { get; }
        /// <summary>True when <see cref="Layers"/> was estimated from the size.</summary>
        public bool LayersEstimated { get; }
        /// <summary>Served model name.</summary>
        public string ModelName { get; }

        public override string ToString() => $"{GpuCount}x {Gpu.Name} TP{TensorParallel}, {ModelName} ({Parameters / 1e9:0.#}B, {BytesPerParameter} B/param)";
    }
}
