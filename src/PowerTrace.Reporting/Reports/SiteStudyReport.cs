using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PowerTrace.Core.Analysis;
using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using PowerTrace.Reporting.Plots;

namespace PowerTrace.Reporting.Reports
{
    /// <summary>What goes into a site-study report. Every part is optional except the title.</summary>
    public sealed class SiteStudyInput
    {
        public SiteStudyInput(string title,
            IReadOnlyList<PowerSeries>? traces = null,
            IReadOnlyList<LoadProfile>? loadProfiles = null,
            IReadOnlyList<OversubscriptionResult>? oversubscriptions = null,
            PowerModel? model = null,
            IReadOnlyList<KeyValuePair<string, string>>? assumptions = null,
            IReadOnlyList<PowerCapResult>? powerCaps = null,
            IReadOnlyList<ReportTable>? extraTables = null)
        {
            PowerCaps = powerCaps ?? Array.Empty<PowerCapResult>();
            ExtraTables = extraTables ?? Array.Empty<ReportTable>();
            Title = title;
            Traces = traces ?? Array.Empty<PowerSeries>();
            LoadProfiles = loadProfiles ?? Array.Empty<LoadProfile>();
            Oversubscriptions = oversubscriptions ?? Array.Empty<OversubscriptionResult>();
            Model = model;
            Assumptions = assumptions ?? Array.Empty<KeyValuePair<string, string>>();
        }

        public string Title { get; }
        public IReadOnlyList<PowerSeries> Traces { get; }
        public IReadOnlyList<LoadProfile> LoadProfiles { get; }
        public IReadOnlyList<OversubscriptionResult> Oversubscriptions { get; }
        public PowerModel? Model { get; }
        public IReadOnlyList<KeyValuePair<string, string>> Assumptions { get; }
        public IReadOnlyList<PowerCapResult> PowerCaps { get; }
        /// <summary>Further tables, each shown in its own section headed by its caption.</summary>
        public IReadOnlyList<ReportTable> ExtraTables { get; }
    }

    /// <summary>A plot the report refers to: where to write it and how to draw it.</summary>
    public sealed class ReportPlot
    {
        internal ReportPlot(string relativePath, string caption, Action<string> draw)
        {
            RelativePath = relativePath; Caption = caption; Draw = draw;
        }

        /// <summary>Path relative to the report, forward slashes.</summary>
        public string RelativePath { get; }
        public string Caption { get; }
        /// <summary>Draws the plot to the given full path.</summary>
        public Action<string> Draw { get; }
    }

    /// <summary>
    /// Turns a site study (traces, load profiles, oversubscription results, the model, assumptions)
    /// into a report for a utility engineer: the tables, the plots and the provenance. Numbers are
    /// formatted with the invariant culture, so the same inputs give the same bytes.
    /// </summary>
    public static class SiteStudyReport
    {
        /// <summary>Builds the document and the list of plots it refers to (under <paramref name="plotFolder"/>).</summary>
        public static (ReportDocument Document, IReadOnlyList<ReportPlot> Plots) Build(SiteStudyInput input, string plotFolder)
        {
            if (input == null) throw new ArgumentNullException(nameof(input));
            var plots = new List<ReportPlot>();
            var doc = new ReportDocument(input.Title, Subtitle(input));

            if (input.Assumptions.Count > 0)
                doc.AddSection("Assumptions").Table(new[] { "Assumption", "Value" },
                    input.Assumptions.Select(a => (IReadOnlyList<string>)new[] { a.Key, a.Value }));

            foreach (var lp in input.LoadProfiles)
                doc.AddSection($"Load profile: {lp.Name} ({lp.Level})")
                    .Table(new[] { "Metric", "Value" }, LoadProfileRows(lp).Select(r => (IReadOnlyList<string>)new[] { r.Key, r.Value }),
                        $"{lp.DurationHours.ToString("0.##", CultureInfo.InvariantCulture)} h at {F(lp.BinSeconds, "0.###")} s bins, {lp.ReplicateCount} replicate(s)");

            foreach (var o in input.Oversubscriptions)
            {
                var s = doc.AddSection($"Oversubscription: {o.UnitLevel} units under {F(o.LimitKW, "0.#")} kW")
                    .Table(new[] { "Metric", "Value" }, OversubscriptionRows(o).Select(r => (IReadOnlyList<string>)new[] { r.Key, r.Value }));
                foreach (var w in o.Warnings) s.Paragraph("Note: " + w);
                string name = $"oversubscription-{o.UnitLevel.ToString().ToLowerInvariant()}-{F(o.LimitKW, "0")}kw.png";
                var captured = o;
                plots.Add(new ReportPlot(Rel(plotFolder, name), $"P{F(o.Quantile * 100, "0.#")} peak versus {o.UnitLevel} count",
                    p => PowerPlots.Oversubscription(captured.Curve.Select(c => c.Count).ToArray(), captured.Curve.Select(c => c.PeakQuantileKW).ToArray(),
                        captured.LimitKW, captured.UnitsThatFit, captured.NameplateCount, captured.Quantile, p)));
                s.Image(Rel(plotFolder, name), plots[plots.Count - 1].Caption);
            }

            foreach (var c in input.PowerCaps)
                doc.AddSection($"Power cap: {c.Name} ({c.Level})")
                    .Table(new[] { "Metric", "Value" }, PowerCapRows(c).Select(r => (IReadOnlyList<string>)new[] { r.Key, r.Value }));

            foreach (var t in input.ExtraTables)
                doc.AddSection(t.Caption ?? "Table").Table(t.Headers, t.Rows);

            var top = TopTraces(input.Traces);
            if (top.Count > 0)
            {
                var s = doc.AddSection("Plots");
                var first = top[0];
                AddPlot(s, plots, plotFolder, "trace.png", $"{first.Level} power over time", p => PowerPlots.Trace(top, p));
                AddPlot(s, plots, plotFolder, "load-duration.png", "Load-duration curve", p => PowerPlots.LoadDuration(top, p));
                double rampInterval = first.DurationSeconds >= 4 * 900 ? 900 : 1;
                AddPlot(s, plots, plotFolder, "ramps.png", $"Ramps of the {first.Level.ToString().ToLowerInvariant()} trace over {F(rampInterval, "0")} s",
                    p => PowerPlots.RampHistogram(first, p, rampInterval));
                var perLevel = input.Traces.GroupBy(t => t.Level).OrderBy(g => g.Key).Select(g => g.First()).ToList();
                if (perLevel.Count > 1)
                    AddPlot(s, plots, plotFolder, "smoothing.png", "Server-to-site smoothing", p => PowerPlots.Smoothing(perLevel, p));
            }

            if (input.Model != null) AddModel(doc, input.Model);
            return (doc, plots);
        }

        /// <summary>Builds the report, draws its plots beside it and writes it whole. Returns the plot paths written.</summary>
        public static IReadOnlyList<string> Write(SiteStudyInput input, string reportPath, ReportFormat format)
        {
            string full = Path.GetFullPath(reportPath);
            string dir = Path.GetDirectoryName(full) ?? ".";
            string plotFolder = Path.GetFileNameWithoutExtension(full) + "_plots";
            var (doc, plots) = Build(input, plotFolder);
            var written = new List<string>();
            foreach (var p in plots)
            {
                string path = Path.Combine(dir, p.RelativePath.Replace('/', Path.DirectorySeparatorChar));
                p.Draw(path);
                written.Add(path);
            }
            ReportRenderer.Write(doc, full, format);
            return written;
        }

        /// <summary>The load-profile table rows (metric, formatted value), exactly as printed in the report.</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> LoadProfileRows(LoadProfile lp)
        {
            var rows = new List<KeyValuePair<string, string>>
            {
                Row("Peak (kW)", F(lp.PeakKW, "0.0")),
            };
            if (lp.ReplicateCount > 1) rows.Add(Row("95th-percentile peak across seeds (kW)", F(lp.PeakP95AcrossSeedsKW, "0.0")));
            rows.Add(Row("Mean (kW)", F(lp.MeanKW, "0.0")));
            rows.Add(Row("Minimum (kW)", F(lp.MinKW, "0.0")));
            rows.Add(Row("Load factor", F(lp.LoadFactor, "0.000")));
            rows.Add(Row("Peak-to-average ratio", F(lp.PeakToAverage, "0.000")));
            rows.Add(Row("Coefficient of variation", F(lp.CoefficientOfVariation, "0.0000")));
            rows.Add(Row($"Ramp up, P95 / max (kW/s over {F(lp.ShortRampIntervalSeconds, "0.##")} s)", F(lp.RampUp95KWPerSecond, "0.00") + " / " + F(lp.RampUpMaxKWPerSecond, "0.00")));
            rows.Add(Row($"Ramp down, P95 / max (kW/s over {F(lp.ShortRampIntervalSeconds, "0.##")} s)", F(lp.RampDown95KWPerSecond, "0.00") + " / " + F(lp.RampDownMaxKWPerSecond, "0.00")));
            if (!double.IsNaN(lp.RampUp95KWPer15Min))
            {
                rows.Add(Row("Ramp up, P95 / max (kW over any 15-min window)", F(lp.RampUp95KWPer15Min, "0.0") + " / " + F(lp.RampUpMaxKWPer15Min, "0.0")));
                rows.Add(Row("Ramp down, P95 / max (kW over any 15-min window)", F(lp.RampDown95KWPer15Min, "0.0") + " / " + F(lp.RampDownMaxKWPer15Min, "0.0")));
            }
            if (!double.IsNaN(lp.RampUp95KWPer15MinBlock))
            {
                rows.Add(Row("Ramp up, P95 / max (kW between 15-min interval means)", F(lp.RampUp95KWPer15MinBlock, "0.0") + " / " + F(lp.RampUpMaxKWPer15MinBlock, "0.0")));
                rows.Add(Row("Ramp down, P95 / max (kW between 15-min interval means)", F(lp.RampDown95KWPer15MinBlock, "0.0") + " / " + F(lp.RampDownMaxKWPer15MinBlock, "0.0")));
            }
            rows.Add(Row("Largest step between bins (kW)", F(lp.LargestStepKW, "0.0")));
            if (lp.ComponentCount > 0)
            {
                rows.Add(Row($"Sum of {lp.ComponentCount} {lp.ComponentLevel} peaks (kW)", F(lp.SumOfComponentPeaksKW, "0.0")));
                rows.Add(Row("Coincidence factor (peak / sum of peaks)", F(lp.CoincidenceFactor, "0.000")));
                rows.Add(Row("Diversity factor (sum of peaks / peak)", F(lp.DiversityFactor, "0.000")));
            }
            rows.Add(Row($"Transformer rating at PF {F(lp.PowerFactor, "0.00")} (MVA)", F(lp.TransformerMVA, "0.000")));
            rows.Add(Row("Energy over the horizon (MWh)", F(lp.EnergyMWh, "0.000")));
            rows.Add(Row("Energy per year, extrapolated (MWh)", F(lp.AnnualEnergyMWh, "0.0")));
            return rows;
        }

        /// <summary>The oversubscription table rows (metric, formatted value), exactly as printed in the report.</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> OversubscriptionRows(OversubscriptionResult o)
        {
            return new List<KeyValuePair<string, string>>
            {
                Row("Limit (kW)", F(o.LimitKW, "0.0")),
                Row($"Nameplate per {o.UnitLevel.ToString().ToLowerInvariant()} (kW)", F(o.NameplateKW, "0.0")),
                Row($"{o.UnitLevel} units that fit at P{F(o.Quantile * 100, "0.#")}" + (o.FitIsLowerBound ? " (lower bound)" : ""), o.UnitsThatFit.ToString(CultureInfo.InvariantCulture)),
                Row("Units allowed by nameplate sizing", o.NameplateCount.ToString(CultureInfo.InvariantCulture)),
                Row("Oversubscription ratio", F(o.OversubscriptionRatio, "0.00")),
                Row("Units allowed by mean-power sizing", o.MeanPowerCount.ToString(CultureInfo.InvariantCulture)),
                Row("Mean unit power / mean unit peak (kW)", F(o.MeanUnitPowerKW, "0.00") + " / " + F(o.MeanUnitPeakKW, "0.00")),
                Row($"At {o.AtCount} units: P{F(o.Quantile * 100, "0.#")} peak (kW)", F(o.PeakQuantileAtCountKW, "0.0")),
                Row($"At {o.AtCount} units: probability of exceeding the limit", F(o.ExceedanceProbabilityAtCount, "0.000")),
                Row($"At {o.AtCount} units: expected time above the limit (s)", F(o.ExpectedSecondsAboveLimitAtCount, "0.0")),
                Row("Trials, pool size, seed", $"{o.Trials}, {o.PoolSize}, {o.Seed}"),
            };
        }

        /// <summary>The power-cap table rows (metric, formatted value), exactly as printed in the report.</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> PowerCapRows(PowerCapResult c)
        {
            var rows = new List<KeyValuePair<string, string>>
            {
                Row("Cap (kW)", F(c.CapKW, "0.0")),
            };
            if (!double.IsNaN(c.RequestedEnergyShare)) rows.Add(Row("Energy share kept under the cap (asked)", F(c.RequestedEnergyShare, "0.0000")));
            rows.Add(Row("Peak before / after the cap (kW)", F(c.PeakKW, "0.0") + " / " + F(c.PeakAfterCapKW, "0.0")));
            rows.Add(Row("Energy above the cap (kWh)", F(c.EnergyAboveCapKWh, "0.00")));
            rows.Add(Row("Time above the cap (s)", F(c.SecondsAboveCap, "0")));
            rows.Add(Row("Episodes above the cap", c.EpisodeCount.ToString(CultureInfo.InvariantCulture)));
            rows.Add(Row("Longest episode (s)", F(c.LongestEpisodeSeconds, "0")));
            return rows;
        }

        private static void AddModel(ReportDocument doc, PowerModel m)
        {
            var s = doc.AddSection("Power model");
            var c = m.Configuration;
            s.Table(new[] { "Property", "Value" }, new List<IReadOnlyList<string>>
            {
                new[] { "Configuration", c.ToString() },
                new[] { "GPUs per node", m.GpuCount.ToString(CultureInfo.InvariantCulture) },
                new[] { "Idle / TDP per GPU (W)", F(c.IdleWattsPerGpu, "0.#") + " / " + F(c.TdpWattsPerGpu, "0.#") },
                new[] { "Bin width (s)", F(m.BinSeconds, "0.###") },
                new[] { "Prefill (tokens/s)", F(m.ServingProfile.PrefillTokensPerSecond, "0") },
                new[] { "Decode steps per second (batch 1)", F(m.ServingProfile.DecodeStepsPerSecond, "0.0") },
            });
            s.Table(new[] { "State", "Mean (W)", "Std (W)", "Share of training bins", "AR(1)" },
                m.States.Select(st => (IReadOnlyList<string>)new[] { st.Name, F(st.MeanWatts, "0.0"), F(st.StdWatts, "0.0"), F(st.Share, "0.000"), F(st.Ar1, "0.00") }),
                "Node power states");
            if (m.Provenance.Traces.Count > 0)
                s.Table(new[] { "Training trace", "Power file", "Workload file", "Start (UTC)", "Bins" },
                    m.Provenance.Traces.Select(t => (IReadOnlyList<string>)new[]
                    {
                        t.Name, FileName(t.PowerFile), FileName(t.WorkloadFile), t.StartUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z",
                        t.BinCount.ToString(CultureInfo.InvariantCulture),
                    }), "Training provenance");
            if (!string.IsNullOrEmpty(m.Provenance.Derivation)) s.Paragraph("Derivation: " + m.Provenance.Derivation);
        }

        private static string Subtitle(SiteStudyInput input)
        {
            var t = TopTraces(input.Traces);
            if (t.Count == 0) return "Generated by PowerTrace.";
            var f = t[0];
            return $"Generated by PowerTrace from {t.Count} {f.Level.ToString().ToLowerInvariant()} trace(s) starting {f.StartUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, " +
                   $"{(f.DurationSeconds / 3600).ToString("0.##", CultureInfo.InvariantCulture)} h at {F(f.BinSeconds, "0.###")} s bins.";
        }

        private static List<PowerSeries> TopTraces(IReadOnlyList<PowerSeries> traces)
        {
            if (traces.Count == 0) return new List<PowerSeries>();
            var topLevel = traces.Max(t => t.Level);
            return traces.Where(t => t.Level == topLevel).ToList();
        }

        private static void AddPlot(ReportSection s, List<ReportPlot> plots, string folder, string name, string caption, Action<string> draw)
        {
            plots.Add(new ReportPlot(Rel(folder, name), caption, draw));
            s.Image(Rel(folder, name), caption);
        }

        private static string Rel(string folder, string name) => string.IsNullOrEmpty(folder) ? name : folder.Replace('\\', '/').TrimEnd('/') + "/" + name;

        private static string FileName(string? path) => string.IsNullOrEmpty(path) ? "" : Path.GetFileName(path);

        private static KeyValuePair<string, string> Row(string k, string v) => new KeyValuePair<string, string>(k, v);

        /// <summary>Invariant-culture number formatting; NaN prints as "n/a".</summary>
        public static string F(double v, string format) => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);
    }
}
