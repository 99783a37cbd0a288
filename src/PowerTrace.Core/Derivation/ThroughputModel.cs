using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using PowerTrace.Core.Hardware;

namespace PowerTrace.Core.Derivation
{
    /// <summary>Serving phase whose rate a <see cref="ThroughputModel"/> predicts.</summary>
    public enum ServingPhase
    {
        /// <summary>Prompt processing: compute-bound, seconds per prompt token.</summary>
        Prefill = 0,
        /// <summary>Token generation: memory-bound, seconds per decode step (one request).</summary>
        Decode = 1,
    }

    /// <summary>
    /// Roofline-plus-communication model of prefill and decode speed, fitted per GPU type to measured
    /// <see cref="RateAnchor"/>s: time per unit = roofline time / η + κ · layers · log2(TP).
    /// </summary>
    /// <remarks>
    /// <para>Roofline time: prefill, 2 · active parameters / (TP · dense BF16 FLOP/s) seconds per token (each token costs
    /// two FLOPs per active weight, split over TP GPUs); decode, bytes per parameter · active parameters / (TP · memory
    /// bytes/s) seconds per step (every weight is read once per step; at batch 1 an MoE model reads its active experts).</para>
    /// <para>η (efficiency, achieved share of the roofline) and κ (seconds per layer per TP doubling: the two all-reduces
    /// each layer needs, whose latency grows with the ring) are fitted per GPU type by least squares on 1/rate, both
    /// kept non-negative. A GPU type with anchors at one TP degree only takes κ as the mean over the types that have
    /// several (κ = 0 when none has); a GPU type without anchors takes η from the preferred types (the source models'
    /// GPUs, i.e. efficiency carries over) and the pooled κ. With η = const and κ = 0 this reduces to the plain rule
    /// rate ∝ TP × peak / (work per unit).</para>
    /// </remarks>
    public sealed class ThroughputModel
    {
        private sealed class Group
        {
            public string Gpu = "";
            public double A = double.NaN, K;     // 1/η and κ
            public bool OwnKappa;
            public readonly List<(double x1, double x2, double y, int tp, double p)> Points = new List<(double, double, double, int, double)>();
            public double ResidualRelative;
        }

        private readonly Dictionary<string, Group>[] _groups = { new Dictionary<string, Group>(), new Dictionary<string, Group>() };
        private readonly double[] _pooledKappa = new double[2];
        private readonly bool[] _hasPooledKappa = new bool[2];

        private ThroughputModel() { }

        /// <summary>
        /// Fixed time every decode step costs besides moving weights and all-reduces, seconds: the serving engine's
        /// per-step work (scheduling, sampling, kernel launches). 5 ms: calibrated jointly with a common energy per byte
        /// on the published medians of the A100 (295 W) and H100 (415 W) Qwen3-8B vLLM runs (see
        /// <see cref="WorkPowerCalibration"/>); it is a small share of a 70B step (35-55 ms) and a third of an 8B one.
        /// </summary>
        public const double DecodeStepOverheadSeconds = 0.005;

        private static double Overhead(int phase) => phase == (int)ServingPhase.Decode ? DecodeStepOverheadSeconds : 0;

        /// <summary>Roofline seconds per unit (token for prefill, step for decode).</summary>
        public static double RooflineSeconds(ServingPhase phase, GpuSpec gpu, int tp, double activeParameters, double bytesPerParameter)
            => phase == ServingPhase.Prefill
                ? 2 * activeParameters / (tp * gpu.DenseBf16Tflops * 1e12)
                : bytesPerParameter * activeParameters / (tp * gpu.MemoryBandwidthGBps * 1e9);

        private static double CommRegressor(int layers, int tp) => layers * Math.Log(tp) / Math.Log(2);

        /// <summary>Fits the model to anchors (anchors whose GPU is not in the catalog are skipped).</summary>
        public static ThroughputModel Fit(IEnumerable<RateAnchor> anchors)
        {
            var m = new ThroughputModel();
            foreach (var a in anchors)
            {
                var gpu = GpuCatalog.TryFind(a.Gpu);
                if (gpu == null) continue;
                for (int ph = 0; ph < 2; ph++)
                {
                    double rate = ph == 0 ? a.PrefillTokensPerSecond : a.DecodeStepsPerSecond;
                    if (!(rate > 0) || double.IsInfinity(rate)) continue;
                    if (!m._groups[ph].TryGetValue(gpu.Name, out var g)) m._groups[ph][gpu.Name] = g = new Group { Gpu = gpu.Name };
                    double y = Math.Max(1.0 / rate - Overhead(ph), 0.25 / rate);
                    g.Points.Add((RooflineSeconds((ServingPhase)ph, gpu, a.TensorParallel, a.ActiveParameters, a.BytesPerParameter), CommRegressor(a.Layers, a.TensorParallel), y, a.TensorParallel, a.Parameters));
                }
            }
            for (int ph = 0; ph < 2; ph++)
            {
                var ks = new List<double>();
                foreach (var g in m._groups[ph].Values)
                {
                    if (g.Points.Select(p => p.tp).Distinct().Count() < 2) continue;
                    double s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
                    foreach (var p in g.Points) { s11 += p.x1 * p.x1; s12 += p.x1 * p.x2; s22 += p.x2 * p.x2; s1y += p.x1 * p.y; s2y += p.x2 * p.y; }
                    double det = s11 * s22 - s12 * s12;
                    double a = (s1y * s22 - s2y * s12) / det, k = (s11 * s2y - s12 * s1y) / det;
                    if (!(k >= 0) || !(a > 0)) { k = 0; a = s1y / s11; }
                    g.A = a; g.K = k; g.OwnKappa = true;
                    ks.Add(k);
                }
                m._hasPooledKappa[ph] = ks.Count > 0;
                m._pooledKappa[ph] = ks.Count > 0 ? ks.Average() : 0;
                foreach (var g in m._groups[ph].Values)
                {
                    if (!g.OwnKappa)
                    {
                        g.K = m._pooledKappa[ph];
                        double num = 0, den = 0;
                        foreach (var p in g.Points) { num += p.x1 * (p.y - g.K * p.x2); den += p.x1 * p.x1; }
                        g.A = num > 0 ? num / den : g.Points.Sum(p => p.x1 * p.y) / den;
                    }
                    double worst = 0;
                    foreach (var p in g.Points) worst = Math.Max(worst, Math.Abs(p.y / (g.A * p.x1 + g.K * p.x2) - 1));
                    g.ResidualRelative = worst;
                }
            }
            return m;
        }

        /// <summary>GPU types with anchors for a phase.</summary>
        public IReadOnlyCollection<string> Gpus(ServingPhase phase) => _groups[(int)phase].Keys;

        /// <summary>Fitted efficiency η (share of the roofline at TP1) of a GPU type for a phase; NaN when it has no anchors.</summary>
        public double Efficiency(ServingPhase phase, string gpu)
            => _groups[(int)phase].TryGetValue(GpuCatalog.TryFind(gpu)?.Name ?? gpu, out var g) ? 1 / g.A : double.NaN;

        /// <summary>
        /// Share of a phase's time per unit that is not the all-reduce term (1 at TP1): (time − κ · layers · log2 TP) / time,
        /// with the time this model predicts.
        /// </summary>
        public double ComputeShare(ServingPhase phase, GpuSpec gpu, int tp, double parameters, double activeParameters, double bytesPerParameter, int layers, IEnumerable<string> preferred)
        {
            if (tp <= 1) return 1;
            var pr = Predict(phase, gpu, tp, parameters, activeParameters, bytesPerParameter, layers, preferred);
            if (!(pr.Seconds > 0)) return 1;
            double comm = KappaSeconds(phase, gpu.Name) * CommRegressor(layers, tp);
            return Math.Max(0.05, Math.Min(1.0, 1 - comm / pr.Seconds));
        }

        /// <summary>Fitted κ (seconds per layer per TP doubling) of a GPU type for a phase; the pooled value when it has none of its own.</summary>
        public double KappaSeconds(ServingPhase phase, string gpu)
            => _groups[(int)phase].TryGetValue(GpuCatalog.TryFind(gpu)?.Name ?? gpu, out var g) ? g.K : _pooledKappa[(int)phase];

        /// <summary>
        /// Seconds per unit (prompt token or decode step) of one replica, with how it was obtained. <c>preferred</c>: the
        /// GPU types whose efficiency carries over when <c>gpu</c> has no anchors (the source models' GPUs).
        /// </summary>
        public RatePrediction Predict(ServingPhase phase, GpuSpec gpu, int tp, double parameters, double activeParameters, double bytesPerParameter, int layers, IEnumerable<string> preferred)
        {
            int ph = (int)phase;
            double x1 = RooflineSeconds(phase, gpu, tp, activeParameters, bytesPerParameter), x2 = CommRegressor(layers, tp);
            var groups = _groups[ph];
            Group? own = groups.TryGetValue(gpu.Name, out var og) ? og : null;
            double a, k, resid; bool transferred; string how; IEnumerable<(double x1, double x2, double y, int tp, double p)> pts;
            if (own != null)
            {
                a = own.A; k = own.K; resid = own.ResidualRelative; transferred = false; pts = own.Points;
                how = string.Format(CultureInfo.InvariantCulture, "{0} anchor(s) on {1}: η = {2:0.###}, κ = {3:0.###} µs/layer/doubling{4}",
                    own.Points.Count, gpu.Name, 1 / a, k * 1e6, own.OwnKappa ? "" : " (pooled from other GPUs)");
            }
            else
            {
                var use = preferred.Select(p => GpuCatalog.TryFind(p)?.Name ?? p).Where(groups.ContainsKey).Distinct().Select(n => groups[n]).ToList();
                if (use.Count == 0) use = groups.Values.ToList();
                if (use.Count == 0)
                    return new RatePrediction(double.NaN, double.NaN, double.NaN, double.NaN, true, "no measured rate for this phase");
                a = use.Average(g => g.A); k = _pooledKappa[ph];
                resid = use.Max(g => g.ResidualRelative); transferred = true; pts = use.SelectMany(g => g.Points);
                how = string.Format(CultureInfo.InvariantCulture, "no anchor on {0}: η = {1:0.###} carried over from {2}, κ = {3:0.###} µs/layer/doubling pooled",
                    gpu.Name, 1 / a, string.Join(", ", use.Select(g => g.Gpu)), k * 1e6);
            }
            double seconds = a * x1 + k * x2 + Overhead(ph);
            double dTp = pts.Min(p => Math.Abs(Math.Log(tp / (double)p.tp) / Math.Log(2)));
            double dSize = pts.Min(p => Math.Abs(Math.Log(parameters / p.p) / Math.Log(2)));
            return new RatePrediction(seconds, x1 / seconds, dTp, dSize, transferred, how, resid);
        }
    }

    /// <summary>A predicted time per unit with what the prediction rests on.</summary>
    public sealed class RatePrediction
    {
        public RatePrediction(double seconds, double efficiency, double tpDistance, double sizeDistance, bool transferred, string how, double residualRelative = 0)
        {
            Seconds = seconds;
            Efficiency = efficiency;
            TpDistanceDoublings = tpDistance;
            SizeDistanceDoublings = sizeDistance;
            Transferred = transferred;
            How = how;
            ResidualRelative = residualRelative;
        }

        /// <summary>Seconds per prompt token or per decode step.</summary>
        public double Seconds { get; }
        /// <summary>Achieved share of the roofline (roofline seconds / <see cref="Seconds"/>).</summary>
        public double Efficiency { get; }
        /// <summary>TP doublings from the nearest anchor used.</summary>
        public double TpDistanceDoublings { get; }
        /// <summary>Size doublings from the nearest anchor used.</summary>
        public double SizeDistanceDoublings { get; }
        /// <summary>True when the target GPU had no anchor and efficiency was carried over from another GPU.</summary>
        public bool Transferred { get; }
        /// <summary>Largest relative error of the fit on the anchors it used (rate predicted vs measured).</summary>
        public double ResidualRelative { get; }
        /// <summary>Readable account of the prediction.</summary>
        public string How { get; }
    }
}
