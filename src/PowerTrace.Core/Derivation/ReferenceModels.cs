using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Hardware;
using PowerTrace.Core.Model;

namespace PowerTrace.Core.Derivation
{
    /// <summary>One built-in reference model as a table row: what it is, its key powers and rates, and its sources.</summary>
    public sealed class ReferenceModelInfo
    {
        internal ReferenceModelInfo(string name, PowerModel m, double bytesPerParameter, string sources)
        {
            Name = name;
            GpuType = m.Configuration.GpuType ?? "";
            GpuCount = m.GpuCount;
            TensorParallel = m.Configuration.TensorParallel;
            ModelName = m.Configuration.ModelName ?? "";
            BytesPerParameter = bytesPerParameter;
            IdleWatts = m.IdleWatts;
            if (m.WorkPower != null)
            {
                // The curve at two operating points: decoding a batch of 8 at the profile's step time, and prefilling at full rate.
                var p = m.ServingProfile;
                DecodeWatts = m.WorkPower.NodeWatts(1, 0, 8, 1 / p.DecodeStepSeconds(8), p.MaxBatchedPromptTokens);
                PrefillWatts = m.WorkPower.PrefillPhaseWatts(p);
            }
            else
            {
                var dec = m.States.Where(s => StatePowerRules.PhaseOf(s) == "decode").ToList();
                DecodeWatts = dec.Count > 0 ? dec.Sum(s => s.Share * s.MeanWatts) / dec.Sum(s => s.Share) : double.NaN;
                var pre = m.States.Where(s => StatePowerRules.PhaseOf(s) == "prefill").ToList();
                PrefillWatts = pre.Count > 0 ? pre.Max(s => s.MeanWatts) : double.NaN;
            }
            PrefillTokensPerSecond = m.ServingProfile.PrefillTokensPerSecond;
            DecodeStepsPerSecond = m.ServingProfile.DecodeStepsPerSecond;
            Uncertainty = m.Provenance.Uncertainty;
            Sources = sources;
        }

        /// <summary>Name, e.g. "H100-TP4-70B".</summary>
        public string Name { get; }
        /// <summary>GPU type (catalog name).</summary>
        public string GpuType { get; }
        /// <summary>GPUs per node.</summary>
        public int GpuCount { get; }
        /// <summary>Tensor-parallel degree.</summary>
        public int TensorParallel { get; }
        /// <summary>Served model.</summary>
        public string ModelName { get; }
        /// <summary>Bytes per weight assumed.</summary>
        public double BytesPerParameter { get; }
        /// <summary>Node idle power, watts.</summary>
        public double IdleWatts { get; }
        /// <summary>Node power while decoding: the work-power curve at a batch of 8 (or the share-weighted decode states of a model without one), watts.</summary>
        public double DecodeWatts { get; }
        /// <summary>Node power while prefilling at full rate (the curve; or the top prefill state), watts (NaN when unknown).</summary>
        public double PrefillWatts { get; }
        /// <summary>Prompt tokens per second of the node.</summary>
        public double PrefillTokensPerSecond { get; }
        /// <summary>Decode steps per second with one request.</summary>
        public double DecodeStepsPerSecond { get; }
        /// <summary>Uncertainty band.</summary>
        public ModelUncertainty? Uncertainty { get; }
        /// <summary>Which figures and sources the model rests on.</summary>
        public string Sources { get; }
    }

    /// <summary>
    /// The built-in reference models: A100-80GB and H100-80GB at TP 1, 2, 4 and 8 serving an 8B-class (Llama-3.1-8B) and a
    /// 70B-class (Llama-2-70B) model, derived at run time (deterministically) from the shipped anchor, the model fitted to
    /// the measured RTX A6000 TP1 Llama-3.1-8B recording (LLMServingSim, MIT), plus Splitwise's published per-GPU phase
    /// powers and measured token rates (<see cref="PublishedFigures"/>).
    /// </summary>
    /// <remarks>
    /// 70B at TP1 does not fit one 80 GB GPU in BF16 (138 GB of weights), so the TP1-70B models assume 8-bit weights
    /// (1 byte per parameter, weight-only: compute stays BF16). Error id: UnknownReferenceModel.
    /// </remarks>
    public static class ReferenceModels
    {
        /// <summary>Manifest name of the embedded anchor (same file as models/a6000-tp1-llama3.1-8b.json in the module).</summary>
        public const string AnchorResourceName = "PowerTrace.Core.Derivation.a6000-tp1-llama3.1-8b.json";

        private sealed class Def
        {
            public string Name = "", Gpu = "", Model = "";
            public int Tp;
            public double Bytes;
        }

        private static readonly Lazy<PowerModel> AnchorModel = new Lazy<PowerModel>(LoadAnchor);
        private static readonly Lazy<Dictionary<string, (PowerModel model, ReferenceModelInfo info)>> Built = new Lazy<Dictionary<string, (PowerModel, ReferenceModelInfo)>>(BuildAll);

        private static IEnumerable<Def> Defs()
        {
            foreach (var (prefix, gpu) in new[] { ("A100", "A100-SXM-80GB"), ("H100", "H100-SXM-80GB") })
                foreach (var (size, model) in new[] { ("8B", "Llama-3.1-8B"), ("70B", "Llama-2-70B") })
                    foreach (int tp in new[] { 1, 2, 4, 8 })
                        yield return new Def { Name = $"{prefix}-TP{tp}-{size}", Gpu = gpu, Model = model, Tp = tp, Bytes = size == "70B" && tp == 1 ? 1 : 2 };
        }

        /// <summary>The measured anchor model (RTX A6000, TP1, Llama-3.1-8B-Instruct).</summary>
        public static PowerModel Anchor => AnchorModel.Value;

        /// <summary>Names of the reference models, in a stable order.</summary>
        public static IReadOnlyList<string> Names => Defs().Select(d => d.Name).ToList();

        /// <summary>Table rows of every reference model.</summary>
        public static IReadOnlyList<ReferenceModelInfo> List() => Defs().Select(d => Built.Value[d.Name].info).ToList();

        /// <summary>A reference model by name (case-insensitive).</summary>
        /// <exception cref="InvalidSettingException">UnknownReferenceModel.</exception>
        public static PowerModel Get(string name)
        {
            foreach (var kv in Built.Value)
                if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)) return kv.Value.model;
            throw new InvalidSettingException("UnknownReferenceModel", "Name", $"There is no reference model '{name}'. Available: {string.Join(", ", Names)}.");
        }

        /// <summary>Table row of a reference model by name.</summary>
        public static ReferenceModelInfo Info(string name)
        {
            Get(name);
            return Built.Value.First(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value.info;
        }

        private static PowerModel LoadAnchor()
        {
            using var s = typeof(ReferenceModels).Assembly.GetManifestResourceStream(AnchorResourceName)
                ?? throw new InvalidOperationException($"The embedded anchor model {AnchorResourceName} is missing from PowerTrace.Core.");
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return PowerModelJson.Parse(ms.ToArray(), AnchorResourceName);
        }

        private static Dictionary<string, (PowerModel, ReferenceModelInfo)> BuildAll()
        {
            var anchor = Anchor;
            var d = new Dictionary<string, (PowerModel, ReferenceModelInfo)>(StringComparer.OrdinalIgnoreCase);
            foreach (var def in Defs())
            {
                var llm = LlmCatalog.TryFind(def.Model)!;
                var gpu = GpuCatalog.Find(def.Gpu);
                var coef = WorkPowerCalibration.For(gpu);
                string sources = $"Anchor: fitted to the measured RTX A6000 TP1 Llama-3.1-8B recording (LLMServingSim evaluation/power, MIT; residual states, transitions). " +
                                 $"Work power: {coef.Source}. Rates: {PublishedFigures.SplitwisePerfSource}, {def.Gpu} anchors, {ThroughputModel.DecodeStepOverheadSeconds * 1000} ms decode step overhead. GPU: {string.Join(" ", gpu.Sources)} Model: {llm.Source}" +
                                 (def.Bytes == 1 ? " Assumes 8-bit weights (BF16 weights do not fit one 80 GB GPU)." : "");
                var opts = new DerivationOptions { CreatedUtc = anchor.Provenance.CreatedUtc, Note = $"Reference model {def.Name}. Sources: {sources}" };
                var m = PowerModelDeriver.Derive(new[] { anchor }, new DerivationTarget(gpu, def.Tp, llm.Parameters, 0, llm.ActiveParameters, def.Bytes, llm.Name, llm.Layers), opts);
                d[def.Name] = (m, new ReferenceModelInfo(def.Name, m, def.Bytes, sources));
            }
            return d;
        }
    }
}
