using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PowerTrace.Core.Planning;
using ScottPlot;

namespace PowerTrace.Reporting.Reports
{
    /// <summary>
    /// The report of a phased interconnection study, as a utility engineer reads it: the buildout and assumptions, a table per
    /// year (peak 15-minute demand P50/P90 against TDP sizing, energy, load factor, ramps and steps), monthly peaks and energy,
    /// and four plots (PNG, MW): yearly load-duration curves, monthly peaks per year, and a typical and a peak week of the
    /// last year. Markdown or HTML by extension; plots are written beside the report as "&lt;name&gt;-&lt;plot&gt;.png".
    /// Every file is written whole (temporary file, then moved).
    /// </summary>
    public static class InterconnectionReport
    {
        /// <summary>Writes the report and its plots; returns the full paths written (report last).</summary>
        public static IReadOnlyList<string> Write(InterconnectionStudyResult study, string path)
        {
            if (study == null) throw new ArgumentNullException(nameof(study));
            if (study.Years.Count == 0) throw new ArgumentException("The study has no years.", nameof(study));
            var inv = CultureInfo.InvariantCulture;
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full) ?? ".";
            string stem = Path.GetFileNameWithoutExtension(full);
            var format = Path.GetExtension(full).Equals(".html", StringComparison.OrdinalIgnoreCase) || Path.GetExtension(full).Equals(".htm", StringComparison.OrdinalIgnoreCase)
                ? ReportFormat.Html : ReportFormat.Markdown;
            var written = new List<string>();
            string Png(string name) => stem + "-" + name + ".png";

            var last = study.Years[study.Years.Count - 1];
            // Plots.
            var ldc = new Plot();
            foreach (var y in study.Years)
            {
                var mw = y.HourlyProfileMW.OrderByDescending(v => v).ToArray();
                var x = Enumerable.Range(1, mw.Length).Select(i => 100.0 * i / mw.Length).ToArray();
                ldc.Add.ScatterLine(x, mw).LegendText = y.Year.ToString(inv);
            }
            ldc.XLabel("share of hours at or above (%)"); ldc.YLabel("facility load (MW)"); ldc.Title("Load-duration curves, hourly, by study year"); ldc.ShowLegend();
            written.Add(Save(ldc, Path.Combine(dir, Png("load-duration"))));

            var mp = new Plot();
            double[] months = Enumerable.Range(1, 12).Select(m => (double)m).ToArray();
            foreach (var y in study.Years)
            {
                var line = mp.Add.ScatterLine(months, y.MonthlyPeakMW.ToArray());
                line.LegendText = y.Year.ToString(inv);
                line.MarkerSize = 6;
            }
            mp.Axes.Bottom.SetTicks(months, months.Select(v => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName((int)v)).ToArray());
            mp.XLabel("month"); mp.YLabel("peak 15-min demand (MW, P50)"); mp.Title("Monthly peak demand by study year"); mp.ShowLegend();
            written.Add(Save(mp, Path.Combine(dir, Png("monthly-peaks"))));

            int weekBins = 7 * 96;
            var d = last.Demand15MinMW;
            int weeks = d.Count / weekBins;
            int peakWeek = 0, typicalWeek = 0;
            if (weeks > 0)
            {
                var wkEnergy = Enumerable.Range(0, weeks).Select(w => Enumerable.Range(w * weekBins, weekBins).Sum(i => d[i])).ToArray();
                var wkPeak = Enumerable.Range(0, weeks).Select(w => Enumerable.Range(w * weekBins, weekBins).Max(i => d[i])).ToArray();
                peakWeek = Array.IndexOf(wkPeak, wkPeak.Max());
                double med = wkEnergy.OrderBy(v => v).ElementAt(weeks / 2);
                typicalWeek = Enumerable.Range(0, weeks).OrderBy(w => Math.Abs(wkEnergy[w] - med)).First();
            }
            foreach (var (name, week, title) in new[] { ("typical-week", typicalWeek, "Typical week"), ("peak-week", peakWeek, "Peak week") })
            {
                var p = new Plot();
                int n = Math.Min(weekBins, d.Count - week * weekBins);
                var ys = Enumerable.Range(week * weekBins, Math.Max(0, n)).Select(i => d[i]).ToArray();
                var sig = p.Add.Signal(ys, 0.25 / 24);
                sig.Data.XOffset = last.StartUtc.AddDays(7 * week).ToOADate();
                p.Axes.DateTimeTicksBottom();
                p.XLabel("time (UTC)"); p.YLabel("15-min demand (MW)");
                p.Title($"{title} of {last.Year}: from {last.StartUtc.AddDays(7 * week):yyyy-MM-dd} (seed with the median peak)");
                written.Add(Save(p, Path.Combine(dir, Png(name))));
            }

            // Document.
            var doc = new ReportDocument("Interconnection study: phased load forecast",
                $"{study.Phases.Count} phase(s), {study.Years[0].Year} to {last.Year}; facility load (IT x PUE) in MW; {study.Years[0].SeedCount} seed(s) per year");
            var a = doc.AddSection("Buildout and assumptions");
            a.Table(new[] { "Phase", "In service from (UTC)", "Servers", "Node nameplate (W)", "Power model" },
                study.Phases.Select(p => (IReadOnlyList<string>)new[] { p.Name, p.StartUtc.ToString("yyyy-MM-dd", inv), p.Servers.ToString("N0", inv), p.NodeNameplateWatts.ToString("0", inv), p.Model }));
            a.Table(new[] { "Assumption", "Value" }, study.Assumptions.Select(kv => (IReadOnlyList<string>)new[] { kv.Key, kv.Value }));
            a.Paragraph("Definitions: demand is the mean facility load over each 15-minute interval from 00:00 UTC; peak demand is the largest of the year. "
                + "Load factor = mean load / peak demand. A 1-minute ramp is the change of the 1-minute mean load from one minute to the next; a 15-minute ramp "
                + "the change over any 15 minutes; a 15-minute step the change between consecutive demand intervals. TDP sizing = servers x (node nameplate + non-GPU) x PUE. "
                + "P50 and P90 are taken across seeds.");

            var s = doc.AddSection("Results by study year");
            s.Table(new[] { "Year", "Servers", "Peak demand P50 (MW)", "Peak demand P90 (MW)", "TDP sizing (MW)", "Peak / TDP", "Energy P50 (MWh)", "Load factor",
                    "1-min ramp up / down (MW)", "15-min ramp up / down (MW)", "15-min step (MW)", "Method" },
                study.Years.Select(y => (IReadOnlyList<string>)new[]
                {
                    y.Year.ToString(inv), y.Servers.ToString("N0", inv), y.PeakDemandMW.ToString("0.00", inv), y.PeakDemandP90MW.ToString("0.00", inv),
                    y.TdpSizingMW.ToString("0.00", inv), y.PeakShareOfTdp.ToString("P1", inv), y.EnergyMWh.ToString("N0", inv), y.LoadFactor.ToString("0.000", inv),
                    $"{F(y.RampUp1MinMW)} / {F(y.RampDown1MinMW)}", $"{F(y.RampUp15MinMW)} / {F(y.RampDown15MinMW)}", F(y.Step15MinMW), y.Method,
                }));
            s.Image(Png("load-duration"), "Load-duration curves by study year");

            var m = doc.AddSection("Monthly peak demand and energy");
            var monthNames = Enumerable.Range(1, 12).Select(i => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(i)).ToArray();
            m.Table(new[] { "Year" }.Concat(monthNames).ToArray(),
                study.Years.Select(y => (IReadOnlyList<string>)new[] { y.Year.ToString(inv) }.Concat(y.MonthlyPeakMW.Select(v => v.ToString("0.00", inv))).ToArray()),
                "Peak 15-minute demand per month, MW (P50)");
            m.Table(new[] { "Year" }.Concat(monthNames).ToArray(),
                study.Years.Select(y => (IReadOnlyList<string>)new[] { y.Year.ToString(inv) }.Concat(y.MonthlyEnergyMWh.Select(v => v.ToString("N0", inv))).ToArray()),
                "Energy per month, MWh (P50)");
            m.Image(Png("monthly-peaks"), "Monthly peak demand by study year");

            var w = doc.AddSection($"A typical and a peak week of {last.Year}");
            w.Paragraph("The typical week is the week whose energy is closest to the median week's; the peak week holds the year's largest demand interval.");
            w.Image(Png("typical-week"), "Typical week");
            w.Image(Png("peak-week"), "Peak week");

            ReportRenderer.Write(doc, full, format);
            written.Add(full);
            return written;

            string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.00", inv);
        }

        private static string Save(Plot plt, string full)
        {
            string dir = Path.GetDirectoryName(full) ?? ".";
            Directory.CreateDirectory(dir);
            string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + ".tmp.png");
            try
            {
                plt.SavePng(tmp, 1000, 500);
                if (File.Exists(full)) File.Delete(full);
                File.Move(tmp, full);
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
            return full;
        }
    }
}
