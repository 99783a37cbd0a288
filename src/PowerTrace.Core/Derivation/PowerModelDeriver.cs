using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Hardware;
using PowerTrace.Core.Model;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Derivation
{
    /// <summary>
    /// Derives a <see cref="PowerModel"/> for a configuration nobody measured from one or more measured models and the
    /// target's facts. Physical and explained: every rule applied is written into the derived model's provenance, and
    /// the model carries an uncertainty band (<see cref="UncertaintyBand"/>).
    /// </summary>
    /// <remarks>
    /// <list type="number">
    /// <item>State structure, persistence (AR(1)) and workload-conditioned transitions come from the primary source (the one
    /// nearest the target: same GPU type first, then fewest TP and size doublings away). Transitions are kept as they
    /// are: their contexts are absolute work (prompt tokens/s, decode batch), so they carry over.</item>
    /// <item>State powers: <see cref="StatePowerRules"/> (rules P1-P4) and, where the target has published prefill power
    /// well above anything the source shows, <see cref="PrefillStateInsertion"/> (rule P5).</item>
    /// <item>Rates: <see cref="ThroughputModel"/> fitted to the sources' measured rates and the published ones
    /// (rule R1: roofline / η + κ · layers · log2 TP). Prefill rates that were only bounded from below are not used. The
    /// decode slowdown per request, the concurrency limit and the step budget come from the primary source; a node with
    /// several replicas (GPU count = replicas × TP) serves prompts replicas times as fast, admits replicas times as many
    /// requests, and spreads the decode batch over them (slowdown / replicas).</item>
    /// </list>
    /// Error ids: NoSourceModel, UnknownGpu, InvalidModelSize, InvalidTensorParallel (also from <see cref="DerivationTarget"/>).
    /// </remarks>
    public static class PowerModelDeriver
    {
        private sealed class Source
        {
            public PowerModel Model = null!;
            public GpuSpec Gpu = null!;
            public double Parameters, Active;
            public int Layers, Tp;
            public string SizeNote = "";
        }

        /// <summary>Derives the central model for <paramref name="target"/>.</summary>
        public static PowerModel Derive(IReadOnlyList<PowerModel> sources, DerivationTarget target, DerivationOptions? options = null)
        {
            options ??= new DerivationOptions();
            if (target == null) throw new ArgumentNullException(nameof(target));
            if (sources == null || sources.Count == 0 || sources.Any(s => s == null))
                throw new InvalidSettingException("NoSourceModel", "From", "No source model was given: derive from at least one measured (or reference) power model.");
            var src = sources.Select(s => Describe(s, options)).ToList();
            var gpuT = target.Gpu;
            var notes = new List<string>();

            // Rates.
            var anchors = new List<RateAnchor>();
            foreach (var s in src)
            {
                var p = s.Model.ServingProfile;
                anchors.Add(new RateAnchor(s.Gpu.Name, s.Tp, s.Parameters, s.Active, options.SourceBytesPerParameter, s.Layers,
                    p.PrefillRateIsLowerBound ? double.NaN : p.PrefillTokensPerSecond, p.DecodeStepsPerSecond, "source model " + s.Model.Configuration));
            }
            if (options.UsePublishedFigures) anchors.AddRange(PublishedFigures.RateAnchors);
            var tm = ThroughputModel.Fit(anchors);
            var preferred = src.Select(s => s.Gpu.Name).ToList();
            var primary = src.OrderBy(s => (s.Gpu.Name == gpuT.Name ? 0 : 10) + Doublings(s.Tp, target.TensorParallel) + Doublings(s.Parameters, target.Parameters)).First();
            var pm = primary.Model;
            var pre = tm.Predict(ServingPhase.Prefill, gpuT, target.TensorParallel, target.Parameters, target.ActiveParameters, target.BytesPerParameter, target.Layers, preferred);
            var dec = tm.Predict(ServingPhase.Decode, gpuT, target.TensorParallel, target.Parameters, target.ActiveParameters, target.BytesPerParameter, target.Layers, preferred);
            var preS = tm.Predict(ServingPhase.Prefill, primary.Gpu, primary.Tp, primary.Parameters, primary.Active, options.SourceBytesPerParameter, primary.Layers, preferred);
            var decS = tm.Predict(ServingPhase.Decode, primary.Gpu, primary.Tp, primary.Parameters, primary.Active, options.SourceBytesPerParameter, primary.Layers, preferred);
            int reps = target.Replicas;
            var sp = pm.ServingProfile;
            double prefillRate = double.IsNaN(pre.Seconds) ? sp.PrefillTokensPerSecond * PlainScale(ServingPhase.Prefill, primary, target, options) : reps / pre.Seconds;
            double decodeRate = double.IsNaN(dec.Seconds) ? sp.DecodeStepsPerSecond * PlainScale(ServingPhase.Decode, primary, target, options) : 1.0 / dec.Seconds;
            notes.Add(Fmt("R1 rates: prefill {0:0} tok/s per node ({1}), decode {2:0.0} steps/s ({3}).", prefillRate, pre.How, decodeRate, dec.How));
            double slowdown = sp.DecodeStepSlowdownPerRequest / reps;
            if (target.ActiveParameters < target.Parameters)
            {
                // R2 mixture of experts: a decode step reads the experts its batch touches, 1 − (1 − r)^b of them (r = active
                // share), so the memory part of a step grows with the batch until every expert is read. The emulator's step
                // time is linear in the batch; the slope is set so a batch of 16 costs what its touched experts cost.
                double r = target.ActiveParameters / target.Parameters;
                double t1 = 1.0 / decodeRate, mem1 = Math.Max(0, t1 - ThroughputModel.DecodeStepOverheadSeconds);
                double t16 = t1 + mem1 * ((1 - Math.Pow(1 - r, 16)) / r - 1);
                // The emulator serves a node's replicas as one engine: the batch of 16 per replica is 16·replicas on it.
                double moe = (t16 / t1 - 1) / 15 / reps;
                if (moe > slowdown)
                {
                    notes.Add(Fmt("R2 mixture of experts: {0:0.###} of the weights active per token; a batch of 16 touches {1:0.###} of them, so a decode step slows by {2:0.###} per extra request (step of 16: {3:0.0} ms vs {4:0.0} ms alone).",
                        r, 1 - Math.Pow(1 - r, 16), moe, t16 * 1000, t1 * 1000));
                    slowdown = moe;
                }
            }
            var profile = new ServingProfile(prefillRate, decodeRate, slowdown, sp.MaxConcurrentRequests * reps, sp.MaxBatchedPromptTokens, sp.Interleave,
                "derived (PowerModelDeriver): " + Fmt("prefill η {0:0.###}, decode η {1:0.###}", pre.Efficiency, dec.Efficiency));

            // Powers.
            List<PowerState> states;
            TransitionModel transitions;
            WorkPower? work = null;
            double idleT, tdpT;
            bool figUsed;
            double tpDist = Doublings(primary.Tp, target.TensorParallel);
            if (pm.WorkPower != null)
            {
                double computeShare = tm.ComputeShare(ServingPhase.Prefill, gpuT, target.TensorParallel, target.Parameters, target.ActiveParameters, target.BytesPerParameter, target.Layers, preferred);
                work = DeriveWorkPower(pm, primary.Gpu, target, gpuT, notes, out var coef, computeShare);
                idleT = work.IdleWattsPerGpu; tdpT = gpuT.TdpWatts; figUsed = coef.Measured;
                double srcDyn = (pm.WorkPower.BusyWattsPerGpu - pm.WorkPower.IdleWattsPerGpu) * pm.GpuCount;
                double dstDyn = (work.BusyWattsPerGpu - work.IdleWattsPerGpu) * target.GpuCount;
                double rho = srcDyn > 1e-6 && dstDyn > 0 ? dstDyn / srcDyn
                    : (gpuT.TdpWatts - idleT) * target.GpuCount / ((pm.Configuration.TdpWattsPerGpu - pm.Configuration.IdleWattsPerGpu) * pm.GpuCount);
                states = new List<PowerState>();
                foreach (var st in pm.States)
                    states.Add(new PowerState(st.Index, st.Name, st.MeanWatts * rho, st.StdWatts * rho, st.Share, st.Ar1, st.MinWatts * rho, st.MaxWatts * rho, st.BinCount));
                transitions = pm.Transitions;
                notes.Add(Fmt("W1 residual states: the source's offsets from its work-power curve (standby hold, bursts, noise) scaled by the ratio of busy power above idle, {0:0.###}.", rho));
            }
            else
            {
                figUsed = LegacyStatePowers(pm, primary, gpuT, target, options, src, prefillRate, dec, decS, pre, preS, notes, ref tpDist, out idleT, out tdpT, out states, out transitions);
            }

            // Band.
            bool gpuChanged = primary.Gpu.Name != gpuT.Name;
            double sizeDist = Doublings(primary.Parameters, target.Parameters);
            var band = UncertaintyBand.Of(
                UncertaintyBand.Idle(!gpuChanged, figUsed || gpuT.IdleWattsMeasured),
                UncertaintyBand.Dynamic(tpDist, sizeDist, gpuChanged, figUsed),
                UncertaintyBand.Rate(Math.Max(pre.ResidualRelative, dec.ResidualRelative), Math.Max(pre.TpDistanceDoublings, dec.TpDistanceDoublings),
                    Math.Max(pre.SizeDistanceDoublings, dec.SizeDistanceDoublings), pre.Transferred || dec.Transferred));
            notes.Add("Band: " + band + Fmt(" ({0:0.#} TP and {1:0.#} size doublings from the primary source{2}).", tpDist, sizeDist, gpuChanged ? ", other GPU type" : ""));
            if (target.LayersEstimated) notes.Add(Fmt("Layers {0} estimated from the size (32 · (P / 8 B)^0.42); give -Layers to fix it.", target.Layers));
            foreach (var s in src) if (s.SizeNote.Length > 0) notes.Add(s.SizeNote);

            var sb = new StringBuilder();
            if (!string.IsNullOrEmpty(options.Note)) sb.AppendLine(options.Note);
            sb.AppendLine(Fmt("Derived for {0} from {1} source model(s); primary: {2}.", target, src.Count, pm.Configuration));
            foreach (var n in notes) sb.AppendLine(n);
            sb.Append("Transitions: kept from the primary source (contexts are absolute work units).");
            string gpuName = gpuT.Name; // the catalog name: GPU names are compared through the catalog, so it pairs with any spelling of the source's GPU
            var config = new ModelConfiguration(gpuName, target.GpuCount, target.ModelName, target.TensorParallel, idleT, tdpT);
            var prov = new ModelProvenance(src.SelectMany(s => s.Model.Provenance.Traces).ToList(), options.CreatedUtc ?? DateTime.UtcNow, PowerModelFitter.ToolVersion, sb.ToString(), band);
            // The workload lag is the primary source's measuring pipeline (log and meter delays), not its hardware: kept.
            return new PowerModel(config, pm.BinSeconds, states, profile, transitions, prov, pm.WorkloadLagSeconds, work);
        }

        // Rules P1-P5 for a source whose states carry absolute watts (no work-power curve). Returns whether published phase powers were used.
        private static bool LegacyStatePowers(PowerModel pm, Source primary, GpuSpec gpuT, DerivationTarget target, DerivationOptions options, List<Source> src,
            double prefillRate, RatePrediction dec, RatePrediction decS, RatePrediction pre, RatePrediction preS, List<string> notes, ref double tpDist,
            out double idleT, out double tdpT, out List<PowerState> states, out TransitionModel transitions)
        {
            var fig = options.UsePublishedFigures ? PublishedFigures.PhasePowerFor(gpuT.Name) : null;
            idleT = fig?.IdleWatts ?? gpuT.IdleWatts; tdpT = gpuT.TdpWatts; double rangeT = tdpT - idleT;
            double rDec, rPre; string powerRule;
            double uDecS = StatePowerRules.PhaseUtilisation(pm, "decode"), uPreS = StatePowerRules.PhaseUtilisation(pm, "prefill");
            if (double.IsNaN(uDecS)) uDecS = pm.States.Max(s => StatePowerRules.Utilisation(s.MeanWatts, pm.GpuCount, pm.Configuration.IdleWattsPerGpu, pm.Configuration.TdpWattsPerGpu));
            var family = src.Where(s => s.Gpu.Name == gpuT.Name).GroupBy(s => s.Tp).Select(g => g.First()).ToList();
            bool scaleIdleStates;
            if (fig != null)
            {
                double uDecT = (fig.DecodeWatts - idleT) / rangeT, uPreT = (fig.PrefillWatts - idleT) / rangeT;
                rDec = uDecT / uDecS;
                rPre = double.IsNaN(uPreS) ? rDec : uPreT / uPreS;
                scaleIdleStates = true;
                powerRule = Fmt("P2 published phase powers ({0}): u_decode {1:0.###} vs the source's {2:0.###} (ratio {3:0.###}) scales every non-prefill state; u_prefill {4:0.###}.", fig.Source, uDecT, uDecS, rDec, uPreT);
            }
            else if (family.Count >= 2)
            {
                var xs = family.Select(s => Math.Log(s.Tp) / Math.Log(2)).ToArray();
                var ys = family.Select(s => Math.Log(Math.Max(1e-3, StatePowerRules.PhaseUtilisation(s.Model, "decode") is double u && !double.IsNaN(u) ? u : 1e-3))).ToArray();
                double mx = xs.Average(), my = ys.Average(), sxy = 0, sxx = 0;
                for (int i = 0; i < xs.Length; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) * (xs[i] - mx); }
                double slope = sxx > 0 ? sxy / sxx : 0;
                double uAt = Math.Min(1, Math.Exp(my + slope * (Math.Log(target.TensorParallel) / Math.Log(2) - mx)));
                rDec = rPre = uAt / uDecS;
                scaleIdleStates = false;
                double lo = family.Min(s => s.Tp), hi = family.Max(s => s.Tp);
                tpDist = target.TensorParallel < lo ? Doublings(lo, target.TensorParallel) : target.TensorParallel > hi ? Doublings(hi, target.TensorParallel) : 0;
                powerRule = Fmt("P3 interpolation over {0} measured TP degrees of {1}: ln u_decode = {2:0.###} + {3:0.###}·log2 TP gives u {4:0.###} at TP{5} (ratio {6:0.###}).",
                    family.Count, gpuT.Name, my - slope * mx, slope, uAt, target.TensorParallel, rDec);
            }
            else
            {
                double eDec = dec.Efficiency / decS.Efficiency, ePre = pre.Efficiency / preS.Efficiency;
                rDec = StatePowerRules.WorkShareFactor(eDec, options.BusyFloorShare);
                rPre = StatePowerRules.WorkShareFactor(ePre, options.BusyFloorShare);
                scaleIdleStates = false;
                powerRule = Fmt("P4 work share: decode η {0:0.###} → {1:0.###}, prefill η {2:0.###} → {3:0.###}; busy states scaled by {4:0.###} (decode) and {5:0.###} (prefill) with busy floor {6}.",
                    decS.Efficiency, dec.Efficiency, preS.Efficiency, pre.Efficiency, rDec, rPre, options.BusyFloorShare);
            }
            notes.Add(Fmt("P1 envelope: per-GPU power = idle + u·(TDP − idle); source {0} idle {1:0.#} W, TDP {2:0} W; target {3} idle {4:0.#} W ({5}), TDP {6:0} W; node = per GPU × {7} GPUs.",
                primary.Gpu.Name, pm.Configuration.IdleWattsPerGpu, pm.Configuration.TdpWattsPerGpu, gpuT.Name, idleT,
                fig != null ? fig.Source : gpuT.IdleWattsMeasured ? "measured, GPU catalog" : "estimated, GPU catalog", tdpT, target.GpuCount));
            notes.Add(powerRule);
            states = new List<PowerState>();
            foreach (var s in pm.States)
            {
                string ph = StatePowerRules.PhaseOf(s);
                double r = ph == "prefill" ? rPre : ph == "decode" ? rDec : scaleIdleStates ? rDec : 1.0;
                states.Add(StatePowerRules.Map(s, pm, r, idleT, tdpT, target.GpuCount));
            }
            transitions = pm.Transitions;
            if (fig != null && double.IsNaN(uPreS))
            {
                double uPreT = (fig.PrefillWatts - idleT) / rangeT;
                double idleL = idleT, tdpL = tdpT;
                double maxU = states.Max(s => StatePowerRules.Utilisation(s.MeanWatts, target.GpuCount, idleL, tdpL));
                if (uPreT > maxU + 0.05)
                {
                    var topBusy = states.Where(s => StatePowerRules.PhaseOf(s) != "idle").DefaultIfEmpty(states[states.Count - 1]).OrderBy(s => s.MeanWatts).Last();
                    double mean = fig.PrefillWatts * target.GpuCount;
                    double sd = topBusy.StdWatts;
                    var template = new PowerState(0, "prefill", mean, sd, 0, topBusy.Ar1, Math.Max(idleT * target.GpuCount, mean - 3 * sd), Math.Min(tdpT * target.GpuCount, mean + 3 * sd), 0);
                    var ins = PrefillStateInsertion.Insert(states, transitions, template, prefillRate);
                    states = ins.states; transitions = ins.transitions;
                    notes.Add(Fmt("P5 the source has no prefill state; one was added at the published {0:0} W per GPU, taking the share p / {1:0} tok/s of busy time in each prompt-rate context.", fig.PrefillWatts, prefillRate));
                }
            }

            return fig != null;
        }

        // W2-W4: the target's work-power curve from the GPU calibration (or the source's own coefficients on the same,
        // uncalibrated GPU) and the target model's weights.
        private static WorkPower DeriveWorkPower(PowerModel pm, GpuSpec srcGpu, DerivationTarget target, GpuSpec gpuT, List<string> notes, out WorkPowerCoefficients coef, double prefillComputeShare)
        {
            var sw = pm.WorkPower!;
            coef = WorkPowerCalibration.For(gpuT);
            bool sameGpu = srcGpu.Name == gpuT.Name;
            double idle, busy, perTb, perTf, ceiling;
            if (sameGpu)
            {
                // The source measured (or was derived for) this very GPU: its coefficients are the closest evidence.
                idle = sw.IdleWattsPerGpu; busy = sw.BusyWattsPerGpu; perTb = sw.WattsPerTBps; perTf = sw.WattsPerTflops; ceiling = sw.CeilingWattsPerGpu;
                coef = new WorkPowerCoefficients(gpuT.Name, idle, busy, perTb, perTf, ceiling, true, "the source model's coefficients (same GPU)");
            }
            else { idle = coef.IdleWattsPerGpu; busy = coef.BusyWattsPerGpu; perTb = coef.WattsPerTBps; perTf = coef.WattsPerTflops; ceiling = coef.CeilingWattsPerGpu; }
            double share = target.TensorParallel > 0 ? (double)target.GpuCount / target.TensorParallel : 1.0; // replicas × the whole model
            double weightBytes = target.BytesPerParameter * target.Parameters * share;
            double active = Math.Min(1.0, target.ActiveParameters / target.Parameters);
            // Reference mean: the source's training mean above idle, scaled by the busy ratio (a rough figure for the constant-mean baseline).
            double srcDyn = (sw.BusyWattsPerGpu - sw.IdleWattsPerGpu) * pm.GpuCount, dstDyn = (busy - idle) * target.GpuCount;
            double refMean = double.IsNaN(sw.ReferenceMeanWatts) ? double.NaN
                : idle * target.GpuCount + (sw.ReferenceMeanWatts - sw.NodeIdleWatts) * (srcDyn > 1e-6 ? dstDyn / srcDyn : 1);
            string how = Fmt("W2 work power (energy roofline, Choi et al. IPDPS 2013): node W = GPUs·(idle·(1−φ) + busy·φ) + W/TB/s·HBM traffic + W/TFLOP/s·arithmetic, capped at GPUs·ceiling; {0} ({1}).", coef, coef.Source);
            notes.Add(how);
            double meter = sameGpu ? sw.MeterSeconds : WorkPowerCalibration.MeterSecondsFor(gpuT);
            notes.Add(Fmt("W3 work of the target: {0:0.#} GB of weights ({1:0.###} active share), {2:0.##} GFLOP per token; meter {3} (nvidia-smi power.draw: instantaneous on GA100 and older, a 1 s average on other Ampere and newer GPUs).",
                weightBytes / 1e9, active, 2 * target.ActiveParameters / 1e9, meter == 0 ? "instantaneous" : meter + " s average"));
            // Instantaneous readings are drawn unless the source's states were learned from instantaneous readings themselves.
            bool draw = sw.MeterSeconds != 0 || sw.DrawsPointReadings;
            if (prefillComputeShare < 1)
                notes.Add(Fmt("W4 all-reduces: {0:P0} of prefill time at TP{1} is arithmetic by the throughput model; all-reduce time is charged at the compute phases' power (Splitwise measured prompt peaks at the cap at TP 2, 4 and 8).", prefillComputeShare, target.TensorParallel));
            // Each token runs on one replica: arithmetic per token is one replica's (its TP GPUs), while a step of the merged
            // engine reads every replica's weights.
            return new WorkPower(target.GpuCount, idle, busy, perTb, perTf, ceiling, meter, weightBytes, active, 2 * target.ActiveParameters * Math.Min(1.0, share), refMean, how, draw, prefillComputeShare);
        }

        private static double PlainScale(ServingPhase phase, Source s, DerivationTarget t, DerivationOptions o)
            => ThroughputModel.RooflineSeconds(phase, s.Gpu, s.Tp, s.Active, o.SourceBytesPerParameter) / ThroughputModel.RooflineSeconds(phase, t.Gpu, t.TensorParallel, t.ActiveParameters, t.BytesPerParameter);

        private static double Doublings(double a, double b) => Math.Abs(Math.Log(b / a) / Math.Log(2));

        private static string Fmt(string f, params object[] a) => string.Format(CultureInfo.InvariantCulture, f, a);

        private static Source Describe(PowerModel m, DerivationOptions o)
        {
            var c = m.Configuration;
            var gpu = GpuCatalog.TryFind(c.GpuType) ?? throw new InvalidSettingException("UnknownGpu", "From",
                $"Source model {c} has GPU type '{c.GpuType ?? "(none)"}', which is not in the GPU catalog ({string.Join(", ", GpuCatalog.All.Select(g => g.Name))}): fit it with -GpuType naming a catalog GPU.");
            if (c.TensorParallel < 1)
                throw new InvalidSettingException("InvalidTensorParallel", "From", $"Source model {c} does not record its tensor-parallel degree: fit it with -TensorParallel.");
            var llm = LlmCatalog.TryFind(c.ModelName);
            var s = new Source { Model = m, Gpu = gpu, Tp = c.TensorParallel };
            if (llm != null) { s.Parameters = llm.Parameters; s.Active = llm.ActiveParameters; s.Layers = llm.Layers; }
            else
            {
                double p = LlmCatalog.ParametersFromName(c.ModelName);
                if (!(p > 0))
                    throw new InvalidSettingException("InvalidModelSize", "From",
                        $"Source model {c} serves '{c.ModelName ?? "(unknown model)"}', whose size is neither in the model catalog ({string.Join(", ", LlmCatalog.All.Select(x => x.Name))}) nor written in its name (e.g. '-70B'): fit it with -ModelName naming one.");
                s.Parameters = s.Active = p; s.Layers = LlmCatalog.EstimateLayers(p);
                s.SizeNote = Fmt("Source {0}: {1:0.#}B parameters read from its name, {2} layers estimated.", c.ModelName ?? "", p / 1e9, s.Layers);
            }
            return s;
        }
    }
}
