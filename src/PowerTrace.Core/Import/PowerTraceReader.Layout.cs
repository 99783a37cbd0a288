using System;
using System.Collections.Generic;
using System.Linq;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Import
{
    // PowerTraceReader, part 2: recognising a power file's layout (nvidia-smi with or without header, server
    // logs, generic CSV), its columns and units. Part 1 (PowerTraceReader.cs) reads, parses and bins the samples.
    public static partial class PowerTraceReader
    {
        private sealed class Layout
        {
            public Kind Kind;
            public int FieldCount;
            public int TimeCol;
            public int IndexCol = -1;
            public int[] WattsCols = Array.Empty<int>();
            public double[] Scales = Array.Empty<double>();
            public string[] Names = Array.Empty<string>();
            public TraceLevel?[] Levels = Array.Empty<TraceLevel?>();
            public string TimeName = "timestamp";
            public bool HeaderLine;
            // Written by Export-PowerTrace (every watts column has a level hint): rows are bins and an
            // empty cell is an unmeasured bin, not a missing reading under the previous one's hold.
            public bool ExactGrid;
            // ',' (invariant) or ';' (semicolon-separated with decimal commas).
            public char Delimiter = ',';
        }

        private static string Normalize(string header, out string? unit)
        {
            unit = null;
            string h = header.Trim();
            int b = h.IndexOf('[');
            if (b >= 0)
            {
                int e = h.IndexOf(']', b);
                if (e > b) unit = h.Substring(b + 1, e - b - 1).Trim();
                h = h.Substring(0, b).Trim();
            }
            else
            {
                int p = h.IndexOf('(');
                if (p > 0 && h.EndsWith(")", StringComparison.Ordinal) && SplitLevelHint(h, out _) == h)
                {
                    unit = h.Substring(p + 1, h.Length - p - 2).Trim();
                    h = h.Substring(0, p).Trim();
                }
            }
            return h.ToLowerInvariant();
        }

        /// <summary>
        /// Splits a column name ending in a level hint, <c>rack 3 (Rack)</c>, into the name
        /// (<c>rack 3</c>) and the level; returns <paramref name="s"/> unchanged, level null, when the
        /// last parenthesised word is not a <see cref="TraceLevel"/> name (case-insensitive, letters only).
        /// </summary>
        internal static string SplitLevelHint(string s, out TraceLevel? level)
        {
            level = null;
            string t = s.TrimEnd();
            if (!t.EndsWith(")", StringComparison.Ordinal)) return s;
            int p = t.LastIndexOf('(');
            if (p < 0) return s;
            string word = t.Substring(p + 1, t.Length - p - 2).Trim();
            if (word.Length == 0 || !word.All(char.IsLetter)) return s;
            if (!Enum.TryParse(word, true, out TraceLevel lv) || !Enum.IsDefined(typeof(TraceLevel), lv)) return s;
            level = lv;
            return t.Substring(0, p).TrimEnd();
        }

        /// <summary>Watts per unit for a power unit; false for an unknown unit.</summary>
        internal static bool TryPowerScale(string unit, out double scale)
        {
            switch (unit)
            {
                case "W": case "w": case "watts": case "Watts": case "watt": scale = 1; return true;
                case "kW": case "KW": case "kw": scale = 1e3; return true;
                case "mW": scale = 1e-3; return true;
                case "MW": scale = 1e6; return true;
                default: scale = 0; return false;
            }
        }

        private static Layout DetectLayout(string file, long line, char[] buf, FieldSplitter split, PowerImportOptions o)
        {
            var first = split.Span(buf, 0);
            bool header = !TimestampParser.LooksLikeDate(first) && !FastNumber.TryParseDouble(first, out _);
            var format = o.Format;
            if (format == PowerFileFormat.Auto)
            {
                if (header)
                {
                    var names = split.All(buf).Select(h => Normalize(h, out _)).ToList();
                    format = names.Contains("timestamp") && names.Any(n => SmiPowerNames.Contains(n)) ? PowerFileFormat.NvidiaSmi : PowerFileFormat.Csv;
                    bool timeLike = o.TimeColumn != null || names.Any(n => TimeNames.Contains(n));
                    bool wattsLike = o.WattsColumn != null || names.Any(n => n.Contains("watt") || n.Contains("power"));
                    if (format == PowerFileFormat.Csv && !timeLike && !wattsLike)
                        throw new InputFormatException(ImportErrorIds.UnknownFormat, file, line, null,
                            "Not a supported power log: the first line is neither data nor a header naming a time or a watts column. Use -Format, -TimeColumn and -WattsColumn to say what it is.");
                }
                else if (o.Columns != null) format = PowerFileFormat.NvidiaSmi;
                else if (split.Count == 2 && TimestampParser.LooksLikeDate(first)
                         && (split.Length(1) == 0 || FastNumber.TryParseDouble(split.Span(buf, 1), out _)))
                    format = PowerFileFormat.ServerLog;
                else if (split.Count == 4 && TimestampParser.LooksLikeDate(first) && FastNumber.TryParseInt(split.Span(buf, 1), out _)
                         && FastNumber.TryParseDouble(split.Span(buf, 2), out _) && FastNumber.TryParseDouble(split.Span(buf, 3), out _))
                    format = PowerFileFormat.NvidiaSmi;
                else
                    throw new InputFormatException(ImportErrorIds.UnknownFormat, file, line, null,
                        "Not a supported power log (nvidia-smi CSV with or without header, server log 'timestamp,watts', or a CSV with a header). Use -Format and -Columns to say what it is.");
            }

            switch (format)
            {
                case PowerFileFormat.ServerLog:
                    return new Layout
                    {
                        Kind = Kind.Server, FieldCount = 2, TimeCol = 0, WattsCols = new[] { 1 }, Scales = new[] { 1.0 },
                        Names = new[] { "timestamp", "watts" }, HeaderLine = false,
                    };
                case PowerFileFormat.NvidiaSmi:
                    {
                        IReadOnlyList<string> cols = header ? split.All(buf) : (o.Columns ?? DefaultSmiColumns);
                        return SmiLayout(file, header ? line : 0, cols, header, o);
                    }
                default:
                    if (!header)
                        throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, null,
                            "A generic CSV needs a header line naming its time and watts columns.");
                    return CsvLayout(file, line, split.All(buf), o);
            }
        }

        private static Layout SmiLayout(string file, long line, IReadOnlyList<string> cols, bool header, PowerImportOptions o)
        {
            var names = new string[cols.Count];
            var units = new string?[cols.Count];
            for (int i = 0; i < cols.Count; i++) names[i] = Normalize(cols[i], out units[i]);
            int time = Array.IndexOf(names, "timestamp");
            if (time < 0) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, "timestamp", "No 'timestamp' column.");
            int index = Array.IndexOf(names, "index");
            int power = -1;
            string? wanted = o.WattsColumn != null && o.WattsColumn.Count > 0 ? o.WattsColumn[0] : null;
            if (wanted != null)
            {
                power = Array.IndexOf(names, Normalize(wanted, out _));
                if (power < 0) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, wanted, $"No column '{wanted}' (columns: {string.Join(", ", names)}).");
            }
            else
            {
                foreach (var n in SmiPowerNames)
                {
                    power = Array.IndexOf(names, n);
                    if (power >= 0) break;
                }
                if (power < 0) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, "power.draw", $"No power.draw column (columns: {string.Join(", ", names)}).");
            }
            double scale = 1;
            if (units[power] != null && !TryPowerScale(units[power]!, out scale))
                throw new InputFormatException(ImportErrorIds.UnknownUnit, file, line, names[power], $"Unknown power unit '{units[power]}' (known: W, kW, mW, MW).");
            for (int i = 0; i < names.Length; i++)
                if (i != time && i != index && i != power)
                    o.Notice?.Invoke(new ImportNotice(ImportNoticeKind.IgnoredColumn, file, line, names[i], "Column not used."));
            return new Layout
            {
                Kind = Kind.Smi, FieldCount = names.Length, TimeCol = time, IndexCol = index, WattsCols = new[] { power },
                Scales = new[] { scale }, Names = names, TimeName = names[time], HeaderLine = header,
            };
        }

        private static Layout CsvLayout(string file, long line, List<string> header, PowerImportOptions o)
        {
            var names = new string[header.Count];
            var units = new string?[header.Count];
            for (int i = 0; i < header.Count; i++) names[i] = SplitLevelHint(Normalize(header[i], out units[i]), out _);
            int Find(string wanted)
            {
                for (int i = 0; i < header.Count; i++)
                    if (string.Equals(header[i].Trim(), wanted.Trim(), StringComparison.OrdinalIgnoreCase)) return i;
                return Array.IndexOf(names, Normalize(wanted, out _));
            }
            int time;
            if (o.TimeColumn != null)
            {
                time = Find(o.TimeColumn);
                if (time < 0) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, o.TimeColumn, $"No column '{o.TimeColumn}' (columns: {string.Join(", ", header)}).");
            }
            else
            {
                time = -1;
                foreach (var n in TimeNames) { time = Array.IndexOf(names, n); if (time >= 0) break; }
                if (time < 0) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, "time",
                    $"No time column found (looked for {string.Join(", ", TimeNames)}); name it with -TimeColumn.");
            }
            var watts = new List<int>();
            if (o.WattsColumn != null && o.WattsColumn.Count > 0)
            {
                foreach (var w in o.WattsColumn)
                {
                    int i = Find(w);
                    if (i < 0) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, w, $"No column '{w}' (columns: {string.Join(", ", header)}).");
                    watts.Add(i);
                }
            }
            else
            {
                for (int i = 0; i < names.Length; i++)
                {
                    if (i == time) continue;
                    string n = names[i];
                    if (n.Contains("watt") || n.Contains("power") || n == "w" || (units[i] != null && TryPowerScale(units[i]!, out _)))
                        watts.Add(i);
                }
                if (watts.Count == 0) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, "watts",
                    "No watts column found (a name containing 'watt' or 'power', or a [W] unit); name them with -WattsColumn.");
            }
            var scales = new double[watts.Count];
            for (int k = 0; k < watts.Count; k++)
            {
                int i = watts[k];
                scales[k] = 1;
                if (units[i] != null && !TryPowerScale(units[i]!, out scales[k]))
                    throw new InputFormatException(ImportErrorIds.UnknownUnit, file, line, header[i], $"Unknown power unit '{units[i]}' (known: W, kW, mW, MW).");
                if (units[i] == null && names[i].EndsWith("_kw", StringComparison.Ordinal)) scales[k] = 1e3;
            }
            for (int i = 0; i < names.Length; i++)
                if (i != time && !watts.Contains(i))
                    o.Notice?.Invoke(new ImportNotice(ImportNoticeKind.IgnoredColumn, file, line, header[i], "Column not used."));
            var levels = new TraceLevel?[header.Count];
            var display = header.Select((h, i) =>
            {
                string d = h.Trim().Trim('"').Trim();
                int b = d.IndexOf('[');
                if (b > 0) d = d.Substring(0, b).Trim();
                return SplitLevelHint(d, out levels[i]);
            }).ToArray();
            return new Layout
            {
                Kind = Kind.Csv, FieldCount = header.Count, TimeCol = time, WattsCols = watts.ToArray(), Scales = scales,
                Names = display, Levels = levels, TimeName = display[time], HeaderLine = true,
                ExactGrid = watts.All(i => levels[i] != null),
            };
        }
    }
}
