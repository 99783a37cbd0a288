using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace PowerTrace.Core.Planning
{
    /// <summary>
    /// Runs a phased interconnection study: for every study year and seed, synthesizes each phase in service (its own model,
    /// diurnal Poisson traffic at the year's per-server rates, random routing, the facility level at the study resolution),
    /// adds the phases from their in-service dates, and reduces the facility load to what a utility asks for
    /// (<see cref="InterconnectionStudyYear"/>). Seeds: phase p of year y, seed k uses <c>Seed + k</c> mixed with y and p, so the
    /// same settings give the same study on any thread count.
    /// </summary>
    /// <remarks>Memory: one year of one phase at the study resolution at a time (8 bytes per bin, about 4 MB at 1 minute), plus
    /// per-year results; independent of the number of servers with aggregate synthesis.</remarks>
    public static class InterconnectionStudy
    {
        /// <summary>Runs the study (validates first). <paramref name="progress"/> gets a line and a fraction done.</summary>
        public static InterconnectionStudyResult Run(InterconnectionStudySettings settings, Action<string, double>? progress = null, CancellationToken ct = default)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            settings.Validate();
            var sw = Stopwatch.StartNew();
            var inv = CultureInfo.InvariantCulture;
            int nPhases = settings.Phases.Count;
            var phases = new List<StudyPhase>();
            for (int i = 0; i < nPhases; i++)
            {
                var p = settings.Phases[i];
                phases.Add(new StudyPhase(p.Name ?? $"phase {i + 1}", p.StartUtc, settings.ServersOf(i), p.Model.NameplateWatts, p.Model.ToString() ?? ""));
            }
            int first = settings.StudyFirstYear, years = settings.StudyYears, seeds = settings.SeedCount;
            double r = settings.ResolutionSeconds;
            var assumptions = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("Buildout", string.Join("; ", phases.Select(p => $"{p.Name}: {p.Servers:N0} servers from {p.StartUtc:yyyy-MM-dd} ({p.Model})"))),
                new KeyValuePair<string, string>("Study years", $"{first} to {first + years - 1} (calendar years, UTC)"),
                new KeyValuePair<string, string>("Traffic", string.Format(inv, "diurnal Poisson per server, {0:0.###} to {1:0.###} req/s at {2:0.#} h UTC peak at the start of {3}, growing {4:P1} a year (continuously); token lengths {5}; random routing",
                    settings.TroughRatePerServer, settings.PeakRatePerServer, settings.PeakHourUtc, first, settings.TrafficGrowthPerYear, settings.TokenLengths)),
                new KeyValuePair<string, string>("Non-GPU power per server", settings.NonGpuWatts.ToString("0.#", inv) + " W"),
                new KeyValuePair<string, string>("PUE", settings.Pue.ToString("0.###", inv)),
                new KeyValuePair<string, string>("Resolution", r.ToString("0.###", inv) + " s synthesized; 15-minute demand intervals; hourly profile"),
                new KeyValuePair<string, string>("Seeds", $"{seeds} (from {settings.Seed}); P50 and P90 across seeds"),
                new KeyValuePair<string, string>("Method", settings.Method.ToString()),
            };
            var result = new InterconnectionStudyResult(phases, assumptions, r);
            var list = new List<InterconnectionStudyYear>();
            var growthOrigin = new DateTime(first, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            int steps = years * seeds, step = 0;
            for (int y = first; y < first + years; y++)
            {
                var start = new DateTime(y, 1, 1, 0, 0, 0, DateTimeKind.Utc);
                var end = start.AddYears(1);
                double horizon = (end - start).TotalSeconds;
                int n = (int)Math.Round(horizon / r);
                int perMin = r <= 60 ? (int)Math.Round(60 / r) : 0;
                int per15 = (int)Math.Round(900 / r), perHour = (int)Math.Round(3600 / r);
                int n15 = n / per15, nHours = n / perHour;
                double factor = Math.Pow(1 + settings.TrafficGrowthPerYear, y - first); // at the start of the year
                var serversByPhase = new int[nPhases];
                double tdpMW = 0;
                for (int i = 0; i < nPhases; i++)
                    if (phases[i].StartUtc < end)
                    {
                        serversByPhase[i] = phases[i].Servers;
                        tdpMW += phases[i].Servers * (phases[i].NodeNameplateWatts + settings.NonGpuWatts) * settings.Pue / 1e6;
                    }
                var hourly = new double[nHours];
                var peaks = new double[seeds]; var energies = new double[seeds]; var lfs = new double[seeds];
                var up1 = new double[seeds]; var down1 = new double[seeds]; var abs1 = new double[seeds];
                var up15 = new double[seeds]; var down15 = new double[seeds]; var abs15 = new double[seeds];
                var step15 = new double[seeds];
                var monthPeak = new double[12][]; var monthEnergy = new double[12][];
                for (int m = 0; m < 12; m++) { monthPeak[m] = new double[seeds]; monthEnergy[m] = new double[seeds]; }
                var demands = new double[seeds][];
                string method = "";
                var fac = new double[n];
                // Native bins at which a phase enters service during the year: ramps and steps across them are the
                // buildout switching on, not the load's behaviour, and are left out of the ramp and step figures.
                var switchOn = new List<int>();
                for (int i = 0; i < nPhases; i++)
                    if (serversByPhase[i] > 0 && phases[i].StartUtc > start)
                        switchOn.Add((int)Math.Min(n, Math.Ceiling((phases[i].StartUtc - start).TotalSeconds / r - 1e-9)));
                bool Straddles(long fromBin, long toBin) { foreach (int a in switchOn) if (a > fromBin && a <= toBin) return true; return false; }
                for (int k = 0; k < seeds; k++)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Invoke($"Year {y}, seed {k + 1} of {seeds}", (double)step++ / steps);
                    Array.Clear(fac, 0, n);
                    for (int i = 0; i < nPhases; i++)
                    {
                        if (serversByPhase[i] == 0) continue;
                        var ph = settings.Phases[i];
                        int servers = serversByPhase[i];
                        var s = new SynthesisSettings
                        {
                            Model = ph.Model,
                            Workload = SynthesisWorkload.Poisson(new GrowingDiurnalRate(settings.PeakRatePerServer * servers, settings.TroughRatePerServer * servers, settings.PeakHourUtc,
                                settings.TrafficGrowthPerYear, growthOrigin, end), settings.TokenLengths),
                            Layout = SiteLayout.Flat(servers),
                            Router = RouterKind.Random,
                            NonGpu = NonGpuPower.Constant(settings.NonGpuWatts),
                            Pue = settings.Pue,
                            HorizonSeconds = horizon,
                            StartUtc = start,
                            Seed = Mix(settings.Seed + (ulong)k, (ulong)y, (ulong)i),
                            Method = settings.Method,
                            MaxDegreeOfParallelism = settings.MaxDegreeOfParallelism,
                            Outputs = new List<OutputLevel> { new OutputLevel(TraceLevel.Facility, r) },
                        };
                        var trace = SynthesisEngine.Run(s, null, ct).Series[0];
                        if (method.Length == 0 || !method.Contains(SynthesisOrigin.Of(trace)?.Method.ToString() ?? "?"))
                            method = method.Length == 0 ? (SynthesisOrigin.Of(trace)?.Method.ToString() ?? "") : method + "+" + SynthesisOrigin.Of(trace)?.Method;
                        int a = ph.StartUtc <= start ? 0 : (int)Math.Min(n, Math.Ceiling((ph.StartUtc - start).TotalSeconds / r - 1e-9));
                        var w = trace.Watts;
                        for (int t = a; t < n; t++) fac[t] += w[t] / 1e6;
                    }
                    // 15-minute demand, months, energy.
                    var d = new double[n15];
                    double peak = 0, sum = 0;
                    for (int j = 0; j < n15; j++)
                    {
                        double s = 0;
                        for (int t = j * per15; t < (j + 1) * per15; t++) s += fac[t];
                        d[j] = s / per15;
                        sum += s;
                        if (d[j] > peak) peak = d[j];
                        int month = start.AddSeconds(j * 900.0).Month - 1;
                        if (d[j] > monthPeak[month][k]) monthPeak[month][k] = d[j];
                        monthEnergy[month][k] += d[j] * 0.25;
                    }
                    demands[k] = d;
                    double energy = sum * r / 3600;
                    peaks[k] = peak; energies[k] = energy; lfs[k] = peak > 0 ? energy / (horizon / 3600) / peak : double.NaN;
                    for (int h = 0; h < nHours; h++)
                    {
                        double s = 0;
                        for (int t = h * perHour; t < (h + 1) * perHour; t++) s += fac[t];
                        hourly[h] += s / perHour / seeds;
                    }
                    // 1-minute means (or the native bins when coarser), ramps over 1 and 15 minutes.
                    double[] mins;
                    int per15m;
                    if (perMin > 0)
                    {
                        mins = new double[n / perMin];
                        for (int j = 0; j < mins.Length; j++)
                        {
                            double s = 0;
                            for (int t = j * perMin; t < (j + 1) * perMin; t++) s += fac[t];
                            mins[j] = s / perMin;
                        }
                        per15m = 15;
                    }
                    else { mins = fac; per15m = per15; }
                    double u1 = 0, d1 = 0, u15 = 0, d15 = 0;
                    int unit = perMin > 0 ? perMin : 1; // native bins per element of mins
                    for (int j = 1; j < mins.Length; j++)
                    {
                        if (switchOn.Count > 0 && Straddles((long)j * unit - unit, (long)j * unit)) continue;
                        double c = mins[j] - mins[j - 1];
                        if (c > u1) u1 = c;
                        if (-c > d1) d1 = -c;
                    }
                    for (int j = per15m; j < mins.Length; j++)
                    {
                        if (switchOn.Count > 0 && Straddles((long)(j - per15m) * unit, (long)j * unit)) continue;
                        double c = mins[j] - mins[j - per15m];
                        if (c > u15) u15 = c;
                        if (-c > d15) d15 = -c;
                    }
                    up1[k] = perMin > 0 ? u1 : double.NaN; down1[k] = perMin > 0 ? d1 : double.NaN; abs1[k] = Math.Max(up1[k], down1[k]);
                    up15[k] = u15; down15[k] = d15; abs15[k] = Math.Max(u15, d15);
                    double st = 0;
                    for (int j = 1; j < n15; j++)
                        if (switchOn.Count == 0 || !Straddles((long)(j - 1) * per15, (long)j * per15)) st = Math.Max(st, Math.Abs(d[j] - d[j - 1]));
                    step15[k] = st;
                }
                // The seed whose peak is the median gives the weeks shown.
                int median = Enumerable.Range(0, seeds).OrderBy(k => peaks[k]).ElementAt((seeds - 1) / 2);
                list.Add(new InterconnectionStudyYear
                {
                    Year = y,
                    StartUtc = start,
                    Servers = serversByPhase.Sum(),
                    ServersByPhase = serversByPhase,
                    TrafficFactor = factor,
                    TdpSizingMW = tdpMW,
                    PeakDemandMW = Q(peaks, 0.5), PeakDemandP90MW = Q(peaks, 0.9),
                    EnergyMWh = Q(energies, 0.5), EnergyP90MWh = Q(energies, 0.9),
                    LoadFactor = Q(lfs, 0.5),
                    RampUp1MinMW = Q(up1, 0.5), RampDown1MinMW = Q(down1, 0.5), Ramp1MinP90MW = Q(abs1, 0.9),
                    RampUp15MinMW = Q(up15, 0.5), RampDown15MinMW = Q(down15, 0.5), Ramp15MinP90MW = Q(abs15, 0.9),
                    Step15MinMW = Q(step15, 0.5), Step15MinP90MW = Q(step15, 0.9),
                    MonthlyPeakMW = monthPeak.Select(m => Q(m, 0.5)).ToArray(),
                    MonthlyPeakP90MW = monthPeak.Select(m => Q(m, 0.9)).ToArray(),
                    MonthlyEnergyMWh = monthEnergy.Select(m => Q(m, 0.5)).ToArray(),
                    HourlyProfileMW = hourly,
                    Demand15MinMW = demands[median],
                    SeedCount = seeds,
                    Method = method,
                    Study = result,
                });
            }
            progress?.Invoke("Done", 1);
            result.Years = list;
            sw.Stop();
            result.ElapsedSeconds = sw.Elapsed.TotalSeconds;
            return result;
        }

        /// <summary>
        /// Writes the utility layout: one row per hour of a leap-year calendar (Month, Day, HourUtc: hour beginning, UTC) and one
        /// column of facility MW per study year ("2026 MW"); 29 February is empty for years without it. Invariant culture,
        /// comma-separated, written to a temporary file and moved into place (never half-written). Opens in Excel as it is.
        /// </summary>
        public static void WriteUtilityCsv(InterconnectionStudyResult result, string path)
        {
            if (result == null) throw new ArgumentNullException(nameof(result));
            var inv = CultureInfo.InvariantCulture;
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full) ?? ".";
            Directory.CreateDirectory(dir);
            string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var wr = new StreamWriter(tmp, false, new UTF8Encoding(false)))
                {
                    wr.NewLine = "\r\n";
                    var sb = new StringBuilder("Month,Day,HourUtc");
                    foreach (var y in result.Years) sb.Append(',').Append(y.Year.ToString(inv)).Append(" MW");
                    wr.WriteLine(sb.ToString());
                    var cal = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc); // a leap year
                    for (int h = 0; h < 8784; h++)
                    {
                        var t = cal.AddHours(h);
                        sb.Clear().Append(t.Month.ToString(inv)).Append(',').Append(t.Day.ToString(inv)).Append(',').Append(t.Hour.ToString(inv));
                        foreach (var y in result.Years)
                        {
                            sb.Append(',');
                            if (t.Month == 2 && t.Day == 29 && !DateTime.IsLeapYear(y.Year)) continue;
                            int idx = (int)(new DateTime(y.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc) - y.StartUtc).TotalHours;
                            if (idx < y.HourlyProfileMW.Count) sb.Append(y.HourlyProfileMW[idx].ToString("0.0000", inv));
                        }
                        wr.WriteLine(sb.ToString());
                    }
                }
                if (File.Exists(full)) File.Delete(full);
                File.Move(tmp, full);
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
        }

        // Type-7 quantile of a small sample (NaN when any value is NaN).
        internal static double Q(double[] v, double p)
        {
            if (v.Any(double.IsNaN)) return double.NaN;
            var s = (double[])v.Clone();
            Array.Sort(s);
            double h = (s.Length - 1) * p;
            int lo = (int)Math.Floor(h);
            return lo + 1 < s.Length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
        }

        private static ulong Mix(ulong seed, ulong year, ulong phase)
        {
            ulong x = seed ^ (year * 0x9E3779B97F4A7C15UL) ^ (phase * 0xC2B2AE3D27D4EB4FUL);
            return Numerics.Rng.SplitMix64(ref x);
        }
    }
}
