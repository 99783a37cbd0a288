using System;
using System.Collections.Generic;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Model;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Derivation
{
    /// <summary>Variants of a model: the Low and High ends of a derived model's band, and a per-GPU view.</summary>
    public static class ModelVariants
    {
        /// <summary>
        /// The Low or High end of a derived model's band (Central returns the model itself). Per GPU:
        /// idle × (1 ∓ idle band) + (state − idle) × (1 ∓ dynamic band), capped at TDP; rates × (1 ± rate band):
        /// Low is the least energy per request (lower power, faster), High the most.
        /// </summary>
        /// <exception cref="InvalidSettingException">NotADerivedModel (no band), NotACentralModel (already a Low/High variant).</exception>
        public static PowerModel WithBound(PowerModel model, ModelBound bound)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            var u = model.Provenance.Uncertainty;
            if (bound == ModelBound.Central && (u == null || u.Bound == ModelBound.Central)) return model;
            if (u == null)
                throw new InvalidSettingException("NotADerivedModel", "Bound", $"Model {model.Configuration} was fitted to measurements and has no uncertainty band: only derived models have Low and High variants.");
            if (u.Bound != ModelBound.Central)
                throw new InvalidSettingException("NotACentralModel", "Bound", $"Model {model.Configuration} is already the {u.Bound} end of its band: take variants of the central model.");
            double sign = bound == ModelBound.Low ? -1 : 1;
            var c = model.Configuration;
            int g = model.GpuCount;
            double idle = c.IdleWattsPerGpu, idle2 = idle * (1 + sign * u.IdleRelative), fd = 1 + sign * u.DynamicRelative, cap = c.TdpWattsPerGpu * g;
            double W(double x) => Math.Max(0, Math.Min(cap, g * (idle2 + (x / g - idle) * fd)));
            var states = new List<PowerState>();
            var wp = model.WorkPower;
            if (wp != null)
            {
                // Curve: idle × (1 ∓ idle band); busy floor above idle, W per TB/s and per TFLOP/s × (1 ∓ (dynamic band + half
                // the rate band)); residual states × the same; rates kept. With a curve, a faster rate raises the power of
                // every busy bin (more bytes/s) while it shortens busy spells, so moving rates would not bound power bin by
                // bin; their uncertainty widens the power band instead (traffic is about half of the power above idle).
                fd = 1 + sign * (u.DynamicRelative + 0.5 * u.RateRelative);
                double wIdle = wp.IdleWattsPerGpu * (1 + sign * u.IdleRelative);
                wp = wp.With(idleWattsPerGpu: wIdle, busyWattsPerGpu: Math.Max(0, wIdle + (wp.BusyWattsPerGpu - wp.IdleWattsPerGpu) * fd),
                    wattsPerTBps: wp.WattsPerTBps * fd, wattsPerTflops: wp.WattsPerTflops * fd);
                foreach (var s in model.States)
                    states.Add(new PowerState(s.Index, s.Name, s.MeanWatts * fd, s.StdWatts * fd, s.Share, s.Ar1, s.MinWatts * fd, s.MaxWatts * fd, s.BinCount));
            }
            else
                foreach (var s in model.States)
                    states.Add(new PowerState(s.Index, s.Name, W(s.MeanWatts), s.StdWatts * fd, s.Share, s.Ar1, W(s.MinWatts), W(s.MaxWatts), s.BinCount));
            var p = model.ServingProfile;
            double fr = wp != null ? 1 : 1 - sign * u.RateRelative;
            var profile = new ServingProfile(p.PrefillTokensPerSecond * fr, p.DecodeStepsPerSecond * fr, p.DecodeStepSlowdownPerRequest, p.MaxConcurrentRequests, p.MaxBatchedPromptTokens,
                p.Interleave, p.LearnedFrom + $"; {bound} end of the band (rates x {fr:0.###})", p.PrefillRateIsLowerBound);
            var config = new ModelConfiguration(c.GpuType, c.GpuCount, c.ModelName, c.TensorParallel, idle2, c.TdpWattsPerGpu);
            var pr = model.Provenance;
            string note = (pr.Derivation ?? "") + $"\n{bound} end of the band: idle x {1 + sign * u.IdleRelative:0.###}, power above idle x {fd:0.###}, rates x {fr:0.###}.";
            return new PowerModel(config, model.BinSeconds, states, profile, model.Transitions, pr.WithDerivation(note, u.WithBound(bound)), model.WorkloadLagSeconds, wp);
        }

        /// <summary>
        /// One GPU of the model's node: state powers divided by the GPU count (GPUs of a TP group are taken as drawing
        /// equal power), GPU count 1, TP degree kept. For comparing with a recording of one GPU of a TP group.
        /// </summary>
        public static PowerModel PerGpu(PowerModel model)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            int g = model.GpuCount;
            if (g == 1) return model;
            var states = new List<PowerState>();
            foreach (var s in model.States)
                states.Add(new PowerState(s.Index, s.Name, s.MeanWatts / g, s.StdWatts / g, s.Share, s.Ar1, s.MinWatts / g, s.MaxWatts / g, s.BinCount));
            var c = model.Configuration;
            var config = new ModelConfiguration(c.GpuType, 1, c.ModelName, c.TensorParallel, c.IdleWattsPerGpu, c.TdpWattsPerGpu);
            var pr = model.Provenance;
            var wp = model.WorkPower?.With(gpuCount: 1, weightBytes: model.WorkPower.WeightBytes / g, flopsPerToken: model.WorkPower.FlopsPerToken / g,
                referenceMeanWatts: model.WorkPower.ReferenceMeanWatts / g);
            return new PowerModel(config, model.BinSeconds, states, model.ServingProfile, model.Transitions,
                pr.WithDerivation((pr.Derivation ?? "") + $"\nPer-GPU view: node power / {g} GPUs.", pr.Uncertainty), model.WorkloadLagSeconds, wp);
        }
    }
}
