using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PowerTrace.Core.Traces;
using ScottPlot;

namespace PowerTrace.Reporting.Plots
{
    /// <summary>
    /// The module's plots, drawn with ScottPlot: a trace at any level, the load-duration curve, a
    /// ramp histogram, server-to-site smoothing and the oversubscription curve. Power is shown in kW.
    /// Files are written whole (to a temporary file, then moved), as PNG or SVG by extension.
    /// </summary>
    public static class PowerPlots
    {
        /// <summary>Power over UTC time for one or more traces.</summary>
        public static void Trace(IReadOnlyList<PowerSeries> traces, string path, PlotOptions? options = null)
        {
            RequireTraces(traces);
            options ??= new PlotOptions();
            var plt = new Plot();
            foreach (var t in traces)
            {
                var sig = plt.Add.Signal(ToKW(t.Watts), t.BinSeconds / 86400.0);
                sig.Data.XOffset = t.StartUtc.ToOADate();
                sig.LegendText = Label(t);
            }
            plt.Axes.DateTimeTicksBottom();
            plt.XLabel("time (UTC)");
            plt.YLabel("power (kW)");
            plt.Title(options.Title ?? (traces.Count == 1 ? $"{Label(traces[0])} power" : "Power"));
            if (traces.Count > 1) plt.ShowLegend(); else plt.HideLegend();
            Save(plt, path, options);
        }

        /// <summary>Load-duration curve: power sorted from highest to lowest against the share of time.</summary>
        public static void LoadDuration(IReadOnlyList<PowerSeries> traces, string path, PlotOptions? options = null)
        {
            RequireTraces(traces);
            options ??= new PlotOptions();
            var plt = new Plot();
            foreach (var t in traces)
            {
                double[] kw = ToKW(t.Watts).Where(v => !double.IsNaN(v)).OrderByDescending(v => v).ToArray();
                if (kw.Length == 0) continue;
                double[] x = new double[kw.Length];
                for (int i = 0; i < kw.Length; i++) x[i] = 100.0 * (i + 1) / kw.Length;
                var line = plt.Add.ScatterLine(x, kw);
                line.LegendText = Label(t);
            }
            plt.XLabel("share of time at or above (%)");
            plt.YLabel("power (kW)");
            plt.Title(options.Title ?? "Load-duration curve");
            if (traces.Count > 1) plt.ShowLegend(); else plt.HideLegend();
            Save(plt, path, options);
        }

        /// <summary>Histogram of ramps: power change between consecutive intervals, kW per interval.</summary>
        public static void RampHistogram(PowerSeries trace, string path, double intervalSeconds = 1.0, int binCount = 60, PlotOptions? options = null)
        {
            if (trace == null) throw new ArgumentNullException(nameof(trace));
            options ??= new PlotOptions();
            double[] kw = Resample(trace, intervalSeconds);
            var ramps = new List<double>(kw.Length);
            for (int i = 1; i < kw.Length; i++)
                if (!double.IsNaN(kw[i]) && !double.IsNaN(kw[i - 1])) ramps.Add(kw[i] - kw[i - 1]);
            if (ramps.Count == 0) throw new ArgumentException($"Trace '{trace.Name}' has fewer than two {intervalSeconds} s intervals: no ramps to plot.");
            double lo = ramps.Min(), hi = ramps.Max();
            if (hi <= lo) { lo -= 0.5; hi += 0.5; }
            // Few ramps (e.g. a day of 15-min intervals) get fewer, wider bins: about 2·sqrt(n), 10 at least.
            int bins = Math.Max(10, Math.Min(binCount, 2 * (int)Math.Sqrt(ramps.Count)));
            var hist = ScottPlot.Statistics.Histogram.WithBinCount(bins, lo, hi);
            hist.AddRange(ramps);
            var plt = new Plot();
            var bars = plt.Add.Bars(hist.Bins, hist.Counts);
            foreach (var b in bars.Bars) { b.Size = hist.FirstBinSize * 0.95; b.LineWidth = 0; }
            plt.Axes.Margins(bottom: 0);
            plt.XLabel($"ramp (kW per {FormatSeconds(intervalSeconds)})");
            plt.YLabel("intervals");
            plt.Title(options.Title ?? $"Ramp histogram, {Label(trace)}");
            Save(plt, path, options);
        }

        /// <summary>
        /// Server-to-site smoothing: one trace per level, each divided by its own mean, with each level's
        /// coefficient of variation in the legend. Aggregation smooths: the lines flatten level by level.
        /// </summary>
        public static void Smoothing(IReadOnlyList<PowerSeries> traces, string path, PlotOptions? options = null)
        {
            RequireTraces(traces);
            options ??= new PlotOptions();
            var plt = new Plot();
            foreach (var t in traces.OrderBy(t => t.Level))
            {
                double mean = t.MeanWatts;
                if (!(mean > 0)) continue;
                double[] rel = new double[t.BinCount];
                for (int i = 0; i < rel.Length; i++) rel[i] = t.Watts[i] / mean;
                var sig = plt.Add.Signal(rel, t.BinSeconds / 3600.0);
                sig.LegendText = $"{Label(t)} (CV {CoefficientOfVariation(t.Watts):0.000})";
            }
            plt.XLabel("hours from start");
            plt.YLabel("power / mean power");
            plt.Title(options.Title ?? "Aggregation smooths: server to site");
            plt.ShowLegend();
            Save(plt, path, options);
        }

        /// <summary>
        /// Peak power quantile versus the number of units under a limit, with the limit, the
        /// answer and the nameplate count marked.
        /// </summary>
        public static void Oversubscription(IReadOnlyList<int> unitCounts, IReadOnlyList<double> peakQuantileKW, double limitKW,
            int unitsThatFit, int nameplateCount, double quantile, string path, PlotOptions? options = null)
        {
            if (unitCounts == null || peakQuantileKW == null || unitCounts.Count == 0 || unitCounts.Count != peakQuantileKW.Count)
                throw new ArgumentException("The oversubscription curve needs matching, non-empty counts and peaks.");
            options ??= new PlotOptions();
            var plt = new Plot();
            var curve = plt.Add.Scatter(unitCounts.Select(n => (double)n).ToArray(), peakQuantileKW.ToArray());
            curve.LegendText = $"P{quantile * 100:0.#} peak of summed power";
            var limit = plt.Add.HorizontalLine(limitKW);
            limit.LegendText = $"limit {limitKW:0.#} kW";
            limit.LinePattern = LinePattern.Dashed;
            var fit = plt.Add.VerticalLine(unitsThatFit);
            fit.LegendText = $"fits {unitsThatFit}";
            var plate = plt.Add.VerticalLine(nameplateCount);
            plate.LegendText = $"nameplate {nameplateCount}";
            plate.LinePattern = LinePattern.Dotted;
            plt.XLabel("units");
            plt.YLabel("peak power (kW)");
            plt.Title(options.Title ?? "Oversubscription");
            plt.ShowLegend(Alignment.UpperLeft);
            Save(plt, path, options);
        }

        /// <summary>Coefficient of variation (population standard deviation over mean) of the measured bins.</summary>
        public static double CoefficientOfVariation(double[] watts)
        {
            double sum = 0, sum2 = 0;
            int n = 0;
            foreach (double w in watts)
            {
                if (double.IsNaN(w)) continue;
                sum += w; sum2 += w * w; n++;
            }
            if (n == 0) return double.NaN;
            double mean = sum / n;
            double var = Math.Max(0, sum2 / n - mean * mean);
            return mean == 0 ? double.NaN : Math.Sqrt(var) / mean;
        }

        private static double[] Resample(PowerSeries t, double intervalSeconds)
        {
            int per = Math.Max(1, (int)Math.Round(intervalSeconds / t.BinSeconds));
            int n = t.BinCount / per;
            var kw = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < per; j++) s += t.Watts[i * per + j];
                kw[i] = s / per / 1000.0;
            }
            return kw;
        }

        private static double[] ToKW(double[] watts)
        {
            var kw = new double[watts.Length];
            for (int i = 0; i < kw.Length; i++) kw[i] = watts[i] / 1000.0;
            return kw;
        }

        private static string Label(PowerSeries t) => string.IsNullOrEmpty(t.Name) ? t.Level.ToString() : t.Name;

        private static string FormatSeconds(double s) => s >= 60 && s % 60 == 0 ? $"{s / 60:0} min" : $"{s:0.###} s";

        private static void RequireTraces(IReadOnlyList<PowerSeries> traces)
        {
            if (traces == null || traces.Count == 0) throw new ArgumentException("No traces to plot.");
        }

        private static void Save(Plot plt, string path, PlotOptions options)
        {
            if (options.WidthPixels < 100 || options.HeightPixels < 100)
                throw new ArgumentOutOfRangeException(nameof(options), "Plots need at least 100 x 100 pixels.");
            string full = Path.GetFullPath(path);
            string ext = Path.GetExtension(full).ToLowerInvariant();
            string dir = Path.GetDirectoryName(full) ?? ".";
            Directory.CreateDirectory(dir);
            string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + ".tmp" + ext);
            try
            {
                if (ext == ".png") plt.SavePng(tmp, options.WidthPixels, options.HeightPixels);
                else if (ext == ".svg") plt.SaveSvg(tmp, options.WidthPixels, options.HeightPixels);
                else throw new ArgumentException($"Plot file '{path}' must end in .png or .svg.");
                if (File.Exists(full)) File.Delete(full);
                File.Move(tmp, full);
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
        }
    }
}
