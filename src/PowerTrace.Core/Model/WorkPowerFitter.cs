using System;
using System.Collections.Generic;
using System.Globalization;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Hardware;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// Fits the coefficients of a <see cref="WorkPower"/> curve to measured node power and the workload of the same bins:
    /// linear least squares of power above idle on the busy share, memory traffic and arithmetic (all seen through the
    /// meter and delayed by the workload lag), shrunk toward the GPU's published calibration
    /// (<see cref="WorkPowerCalibration"/>) where the data cannot tell a coefficient apart, and kept non-negative.
    /// </summary>
    internal static class WorkPowerFitter
    {
        internal sealed class Result
        {
            public WorkPower Power = null!;
            public float[][] Expected = null!;
            public string Note = "";
        }

        /// <summary>Weight-shape facts of a served model: total weight bytes, active share, FLOPs per token; false when its size is unknown.</summary>
        internal static bool TryShape(string? modelName, double bytesPerParameter, out double weightBytes, out double activeShare, out double flopsPerToken, out string how)
        {
            var llm = LlmCatalog.TryFind(modelName);
            double total, active;
            if (llm != null) { total = llm.Parameters; active = llm.ActiveParameters; how = llm.Source; }
            else
            {
                total = LlmCatalog.ParametersFromName(modelName);
                active = LlmCatalog.ActiveParametersFromName(modelName);
                if (!(active > 0) || active > total) active = total;
                how = string.Format(CultureInfo.InvariantCulture, "{0:0.#}B parameters{1} read from the name '{2}'", total / 1e9,
                    active < total ? string.Format(CultureInfo.InvariantCulture, ", {0:0.#}B active", active / 1e9) : "", modelName);
            }
            weightBytes = bytesPerParameter * total;
            activeShare = total > 0 ? Math.Min(1.0, active / total) : 1;
            flopsPerToken = 2 * active;
            return total > 0 && !double.IsNaN(total);
        }

        internal static Result? TryFit(IReadOnlyList<PowerModelTrainingInput> inputs, int lagBins, ServingProfile profile, PowerModelFitOptions o,
            string? gpuType, int gpus, int tensorParallel, string? modelName, double idlePerGpu, double tdpPerGpu)
        {
            if (!(o.UseWorkPower ?? true)) return null;
            double weightBytes, activeShare, flops; string shapeHow;
            if (o.Parameters.HasValue && o.Parameters.Value > 0)
            {
                double total = o.Parameters.Value, act = o.ActiveParameters.HasValue && o.ActiveParameters.Value > 0 ? Math.Min(o.ActiveParameters.Value, total) : total;
                weightBytes = o.BytesPerParameter * total; activeShare = act / total; flops = 2 * act;
                shapeHow = string.Format(CultureInfo.InvariantCulture, "{0:0.##}B parameters{1} given", total / 1e9, act < total ? string.Format(CultureInfo.InvariantCulture, ", {0:0.##}B active", act / 1e9) : "");
            }
            else if (!TryShape(modelName, o.BytesPerParameter, out weightBytes, out activeShare, out flops, out shapeHow)) return null;
            // The traffic of the recorded GPUs: a trace of one GPU of a TP2 group carries half the weights and half the arithmetic.
            double gpuShare = tensorParallel > 0 ? (double)gpus / tensorParallel : 1.0;
            // A token runs on one replica: arithmetic scales with the recorded share of one replica's GPUs, at most 1.
            weightBytes *= gpuShare; flops *= Math.Min(1.0, gpuShare);
            var spec = GpuCatalog.TryFind(gpuType);
            var prior = spec != null ? WorkPowerCalibration.For(spec) : null;
            double bin = inputs[0].Trace.BinSeconds;
            double observedTop = 0;
            foreach (var inp in inputs)
                foreach (double v in inp.Trace.Watts) if (PowerModelFitter.IsFinite(v) && v > observedTop) observedTop = v;
            // A power limit the user gave wins over the calibration's board ceiling; the highest reading is a floor either way.
            double ceiling = o.TdpWattsPerGpu ?? prior?.CeilingWattsPerGpu ?? (double.IsNaN(tdpPerGpu) ? observedTop / gpus : tdpPerGpu);
            ceiling = Math.Max(ceiling, observedTop / gpus);
            double meter = o.MeterSeconds ?? WorkPowerCalibration.MeterSecondsFor(spec);
            var shape = new WorkPower(gpus, Math.Max(0, idlePerGpu), prior?.BusyWattsPerGpu ?? idlePerGpu, 0, 0, ceiling, meter, weightBytes, activeShare, flops, double.NaN, "");

            // Regressors per input: busy share, TB/s, TFLOP/s, metered and delayed like the power.
            var reg = new List<float[][]>();
            var rawReg = new List<float[][]>();
            foreach (var inp in inputs)
            {
                int n = inp.Features.BinCount;
                var busy = new float[n]; var tb = new float[n]; var tf = new float[n];
                WorkPower.Work(inp.Features, profile, busy, tb, tf, shape);
                rawReg.Add(new[] { (float[])busy.Clone(), (float[])tb.Clone(), (float[])tf.Clone() });
                foreach (var a in new[] { busy, tb, tf })
                {
                    shape.ApplyMeter(a, bin);
                    WorkloadLag.Shift(new Span<float>(a), lagBins);
                }
                reg.Add(new[] { busy, tb, tf });
            }

            // y = P − G·idle·(1 − φ) = G·busy·φ + eB·TB + eF·TF over bins with work in flight (bins held at the ceiling included:
            // the curve is capped there too, so they pull the work they carry up to the ceiling).
            var xtx = new double[3, 3]; var xty = new double[3]; var sq = new double[3];
            long m = 0;
            for (int t = 0; t < inputs.Count; t++)
            {
                var w = inputs[t].Trace.Watts; var r = reg[t];
                for (int i = 0; i < w.Length; i++)
                {
                    double phi = r[0][i];
                    if (!PowerModelFitter.IsFinite(w[i]) || phi < 0.05) continue;
                    double y = w[i] - gpus * idlePerGpu * (1 - phi);
                    double x0 = gpus * phi, x1 = r[1][i], x2 = r[2][i];
                    Accumulate(xtx, xty, x0, x1, x2, y);
                    sq[0] += x0 * x0; sq[1] += x1 * x1; sq[2] += x2 * x2;
                    m++;
                }
            }
            if (m < 8) return null;
            var priorBeta = prior != null ? new[] { prior.BusyWattsPerGpu, prior.WattsPerTBps, prior.WattsPerTflops } : null;
            // Shrinkage: the prior counts as 5 % of the busy bins, on each regressor's own scale, so it decides only
            // where the data leave a coefficient undetermined (collinear traffic and arithmetic, no prefill seen).
            double lambda = priorBeta != null ? 0.05 * m : 1e-9 * m;
            var scale = new double[3];
            for (int j = 0; j < 3; j++) scale[j] = sq[j] / m;
            var beta = SolveNonNegative(xtx, xty, scale, lambda, priorBeta ?? new double[3]);

            var power = shape.With(busyWattsPerGpu: beta[0], wattsPerTBps: beta[1], wattsPerTflops: beta[2]);
            var expected = new float[inputs.Count][];
            double sse = 0, sst = 0, sy = 0; long k = 0;
            double sumAll = 0; long nAll = 0;
            for (int t = 0; t < inputs.Count; t++)
            {
                var w = inputs[t].Trace.Watts; var r = reg[t]; var raw = rawReg[t];
                // The curve as synthesis computes it: each bin capped, then the meter, then the lag (WorkPower.FromFeatures).
                var e = new float[w.Length];
                for (int i = 0; i < w.Length; i++) e[i] = (float)power.Combine(raw[0][i], raw[1][i], raw[2][i]);
                power.ApplyMeter(e, bin);
                WorkloadLag.Shift(new Span<float>(e), lagBins);
                for (int i = 0; i < w.Length; i++)
                {
                    if (!PowerModelFitter.IsFinite(w[i])) continue;
                    sumAll += w[i]; nAll++;
                    if (r[0][i] < 0.05) continue;
                    double d = w[i] - e[i]; sse += d * d; sy += w[i]; sst += w[i] * w[i]; k++;
                }
                expected[t] = e;
            }
            double r2 = k > 1 ? 1 - sse / (sst - sy * sy / k) : double.NaN;
            string note = string.Format(CultureInfo.InvariantCulture,
                "Work power fitted on {0} busy bins (R² {1:0.###} of power in busy bins): idle {2:0.#} W, busy {3:0.#} W per GPU, {4:0.#} W per TB/s, {5:0.###} W per TFLOP/s, ceiling {6:0} W per GPU, meter {7} s; weights {8:0.#} GB on the node's GPUs ({9}){10}.",
                m, r2, idlePerGpu, beta[0], beta[1], beta[2], ceiling, meter, weightBytes / 1e9, shapeHow,
                prior != null ? "; shrunk toward " + prior : "; no calibration prior for this GPU");
            // States fitted on instantaneous readings hold the meter's spikes: synthesis does not draw them again.
            return new Result { Power = power.With(referenceMeanWatts: nAll > 0 ? sumAll / nAll : double.NaN, source: note, drawsPointReadings: false), Expected = expected, Note = note };
        }

        private static void Accumulate(double[,] a, double[] b, double x0, double x1, double x2, double y)
        {
            double[] x = { x0, x1, x2 };
            for (int i = 0; i < 3; i++)
            {
                b[i] += x[i] * y;
                for (int j = 0; j < 3; j++) a[i, j] += x[i] * x[j];
            }
        }

        // Ridge toward the prior on each regressor's scale, then an active set that drops negative coefficients (fixed at 0).
        private static double[] SolveNonNegative(double[,] xtx, double[] xty, double[] scale, double lambda, double[] prior)
        {
            var free = new[] { true, true, true };
            double[] beta = new double[3];
            for (int pass = 0; pass < 4; pass++)
            {
                var a = new double[3, 3]; var b = new double[3];
                for (int i = 0; i < 3; i++)
                {
                    b[i] = xty[i] + lambda * scale[i] * prior[i];
                    for (int j = 0; j < 3; j++) a[i, j] = xtx[i, j];
                    a[i, i] += lambda * scale[i] + 1e-12;
                    if (!free[i]) { for (int j = 0; j < 3; j++) { a[i, j] = 0; a[j, i] = 0; } a[i, i] = 1; b[i] = 0; }
                }
                beta = Solve3(a, b);
                bool changed = false;
                for (int i = 0; i < 3; i++) if (free[i] && !(beta[i] >= 0)) { free[i] = false; changed = true; }
                if (!changed) break;
            }
            for (int i = 0; i < 3; i++) if (!free[i] || !(beta[i] >= 0)) beta[i] = 0;
            return beta;
        }

        private static double[] Solve3(double[,] a0, double[] b0)
        {
            var a = (double[,])a0.Clone(); var b = (double[])b0.Clone();
            for (int c = 0; c < 3; c++)
            {
                int p = c;
                for (int r = c + 1; r < 3; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[p, c])) p = r;
                if (p != c) { for (int j = 0; j < 3; j++) { double t = a[c, j]; a[c, j] = a[p, j]; a[p, j] = t; } double tb = b[c]; b[c] = b[p]; b[p] = tb; }
                if (Math.Abs(a[c, c]) < 1e-300) return new double[3];
                for (int r = 0; r < 3; r++)
                {
                    if (r == c) continue;
                    double f = a[r, c] / a[c, c];
                    for (int j = 0; j < 3; j++) a[r, j] -= f * a[c, j];
                    b[r] -= f * b[c];
                }
            }
            return new[] { b[0] / a[0, 0], b[1] / a[1, 1], b[2] / a[2, 2] };
        }
    }
}
