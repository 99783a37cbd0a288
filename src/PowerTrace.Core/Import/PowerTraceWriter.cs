using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Writes traces that share one grid as CSV: first column <c>timestamp_utc</c> (ISO-8601, UTC,
    /// bin start), then one column of watts per trace headed <c>&lt;name&gt; (&lt;Level&gt;) [W]</c>,
    /// e.g. <c>rack 3 (Rack) [W]</c>. Unmeasured bins (NaN) and bins past a shorter trace's end are
    /// empty cells. <see cref="PowerTraceReader"/> reads the file back: each column becomes a trace
    /// with that name and level, and the watts come back exactly (round-trip "R" formatting).
    /// </summary>
    public static class PowerTraceWriter
    {
        /// <summary>Throws TraceGridMismatch unless every trace has the first trace's start and bin width.</summary>
        public static void CheckSameGrid(IReadOnlyList<PowerSeries> traces)
        {
            if (traces == null) throw new ArgumentNullException(nameof(traces));
            if (traces.Count == 0) throw new InvalidSettingException(ImportErrorIds.InvalidImportSetting, "InputObject", "No traces to export.");
            var a = traces[0];
            foreach (var t in traces)
            {
                if (t.BinSeconds != a.BinSeconds)
                    throw new InvalidSettingException(ImportErrorIds.TraceGridMismatch, "InputObject",
                        $"Trace '{t.Name}' has {t.BinSeconds} s bins but '{a.Name}' has {a.BinSeconds} s: export traces of one bin width together.");
                if (t.StartUtc != a.StartUtc)
                    throw new InvalidSettingException(ImportErrorIds.TraceGridMismatch, "InputObject",
                        $"Trace '{t.Name}' starts at {t.StartUtc:yyyy-MM-ddTHH:mm:ss.fffZ} but '{a.Name}' at {a.StartUtc:yyyy-MM-ddTHH:mm:ss.fffZ}: export traces with one start together.");
            }
        }

        /// <summary>The header of one watts column: <c>&lt;name&gt; (&lt;Level&gt;) [W]</c>.</summary>
        public static string ColumnHeader(string name, TraceLevel level) => $"{name} ({level}) [W]";

        /// <summary>Writes the CSV to <paramref name="writer"/>.</summary>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked every few thousand rows).</exception>
        public static void Write(TextWriter writer, IReadOnlyList<PowerSeries> traces, CancellationToken cancellationToken = default)
        {
            CheckSameGrid(traces);
            cancellationToken.ThrowIfCancellationRequested();
            var names = UniqueNames(traces);
            var sb = new StringBuilder();
            sb.Append("timestamp_utc");
            for (int k = 0; k < names.Count; k++) sb.Append(',').Append(Quote(ColumnHeader(names[k], traces[k].Level)));
            writer.Write(sb.Append('\n').ToString());
            var first = traces[0];
            long binTicks = (long)Math.Round(first.BinSeconds * TimeSpan.TicksPerSecond);
            bool ms = first.StartUtc.Ticks % TimeSpan.TicksPerMillisecond == 0 && binTicks % TimeSpan.TicksPerMillisecond == 0;
            string fmt = ms ? "yyyy-MM-ddTHH:mm:ss.fff'Z'" : "yyyy-MM-ddTHH:mm:ss.fffffff'Z'";
            int rows = traces.Max(t => t.BinCount);
            for (int i = 0; i < rows; i++)
            {
                if ((i & 0xFFF) == 0xFFF) cancellationToken.ThrowIfCancellationRequested();
                sb.Clear();
                sb.Append(new DateTime(first.StartUtc.Ticks + i * binTicks, DateTimeKind.Utc).ToString(fmt, CultureInfo.InvariantCulture));
                foreach (var t in traces)
                {
                    sb.Append(',');
                    if (i < t.BinCount && !double.IsNaN(t.Watts[i])) sb.Append(t.Watts[i].ToString("R", CultureInfo.InvariantCulture));
                }
                writer.Write(sb.Append('\n').ToString());
            }
        }

        /// <summary>
        /// Writes the CSV to <paramref name="path"/> through a temporary file in the same folder that
        /// is moved into place at the end, so a failure never leaves a half-written file.
        /// </summary>
        /// <exception cref="PowerTraceException">FileExists when the file exists and <paramref name="overwrite"/> is false.</exception>
        /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; no file is left behind.</exception>
        public static void WriteFile(string path, IReadOnlyList<PowerSeries> traces, bool overwrite, CancellationToken cancellationToken = default)
        {
            CheckSameGrid(traces);
            string full = Path.GetFullPath(path);
            if (File.Exists(full) && !overwrite)
                throw new PowerTraceException(ImportErrorIds.FileExists, $"{full} exists; use -Force to overwrite it.");
            string dir = Path.GetDirectoryName(full) ?? ".";
            string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 16))
                    Write(w, traces, cancellationToken);
                if (File.Exists(full)) File.Replace(tmp, full, null);
                else File.Move(tmp, full);
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
        }

        internal static List<string> UniqueNames(IReadOnlyList<PowerSeries> traces)
        {
            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var list = new List<string>();
            for (int i = 0; i < traces.Count; i++)
            {
                string n = string.IsNullOrWhiteSpace(traces[i].Name) ? $"trace{i}" : traces[i].Name;
                if (seen.TryGetValue(n, out int k)) { seen[n] = k + 1; n = $"{n}_{k + 1}"; }
                else seen[n] = 1;
                list.Add(n);
            }
            return list;
        }

        private static string Quote(string s)
            => s.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 || s != s.Trim() ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
