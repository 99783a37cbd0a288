using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Import;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Merges the CSV files that shards of one synthesis wrote with -OutFile (each with its sidecar, see
    /// <see cref="SynthesisFileManifest"/>), across processes and machines, into the site's traces: bit-identical to
    /// the traces of the unsharded run, and, written with <see cref="WriteMerged"/>, byte-identical to its files.
    /// </summary>
    /// <remarks>
    /// Before anything is summed every file is checked: its sidecar must describe it (length, SHA-256); all files
    /// must come from one run (seed, shard count, settings, levels and resolutions, start, model bin, PUE: else
    /// ShardMismatch naming the file); per level, every shard 0..ShardCount-1 must be there exactly once
    /// (ShardMissing naming the missing shard, ShardDuplicated naming both files); and the CSV's rows must be what
    /// the sidecar says (ShardDataInvalid naming the line). The values are then summed by <see cref="TraceMerger"/>'s
    /// exact integer arithmetic.
    /// </remarks>
    public static class SynthesisFileMerger
    {
        /// <summary>Merged traces of one level, in the unsharded run's column order.</summary>
        public sealed class MergedLevel
        {
            internal MergedLevel(TraceLevel level, double resolutionSeconds, IReadOnlyList<PowerSeries> traces, IReadOnlyList<SynthesisFileManifest.Column> columns,
                SynthesisOrigin origin, IReadOnlyList<string> outputs, IReadOnlyList<string> files, int inexactGroups)
            {
                Level = level; ResolutionSeconds = resolutionSeconds; Traces = traces; Columns = columns; Origin = origin; Outputs = outputs; Files = files; InexactGroups = inexactGroups;
            }

            public TraceLevel Level { get; }
            public double ResolutionSeconds { get; }
            public IReadOnlyList<PowerSeries> Traces { get; }
            public IReadOnlyList<SynthesisFileManifest.Column> Columns { get; }
            /// <summary>The merged run's origin: the shards' seed and settings, shard 0 of 1.</summary>
            public SynthesisOrigin Origin { get; }
            public IReadOnlyList<string> Outputs { get; }
            /// <summary>The shard files merged, in shard order.</summary>
            public IReadOnlyList<string> Files { get; }
            /// <summary>Groups that could not be summed exactly (0 for files written by this version).</summary>
            public int InexactGroups { get; }
        }

        /// <summary>Checks and merges shard files; one <see cref="MergedLevel"/> per level, in the order the run listed its outputs.</summary>
        /// <exception cref="InputFormatException">ShardManifestMissing, ShardManifestInvalid, ShardFileMismatch, ShardMismatch, ShardDuplicated, ShardMissing, ShardDataInvalid.</exception>
        public static IReadOnlyList<MergedLevel> Merge(IEnumerable<string> csvPaths, CancellationToken ct = default)
        {
            if (csvPaths == null) throw new ArgumentNullException(nameof(csvPaths));
            var files = csvPaths.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new InvalidSettingException("NoInput", "Path", "No shard files to merge.");
            var manifests = files.Select(SynthesisFileManifest.ReadFor).ToList();

            var m0 = manifests[0];
            for (int i = 1; i < files.Count; i++)
            {
                string? why = Differs(m0, manifests[i]);
                if (why != null)
                    throw new InputFormatException(MergeErrorIds.ShardMismatch, files[i], 0, null,
                        $"Not a shard of the same run as '{Path.GetFileName(files[0])}': {why}. Shards merge only with the same -Seed, -ShardCount and every other setting.");
            }

            var result = new List<MergedLevel>();
            var levelOrder = m0.Outputs.ToList();
            foreach (var group in Enumerable.Range(0, files.Count).GroupBy(i => Key(manifests[i])).OrderBy(g => IndexOf(levelOrder, g.Key)))
            {
                ct.ThrowIfCancellationRequested();
                var idx = group.OrderBy(i => manifests[i].Origin.ShardIndex).ToList();
                var first = manifests[idx[0]];
                int count = first.Origin.ShardCount;
                var byShard = new Dictionary<int, int>();
                foreach (int i in idx)
                {
                    int s = manifests[i].Origin.ShardIndex;
                    if (byShard.TryGetValue(s, out int other))
                        throw new InputFormatException(MergeErrorIds.ShardDuplicated, files[i], 0, null,
                            $"Shard {s} of {count} ({first.Level} at {first.ResolutionSeconds} s) is given twice: here and in '{files[other]}'.");
                    byShard[s] = i;
                }
                var missing = Enumerable.Range(0, count).Where(s => !byShard.ContainsKey(s)).ToList();
                if (missing.Count > 0)
                    throw new InputFormatException(MergeErrorIds.ShardMissing, files[idx[0]], 0, null,
                        $"{first.Level} at {first.ResolutionSeconds} s: shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Take(20))}{(missing.Count > 20 ? ", ..." : "")} of {count} "
                        + $"(seed {first.Origin.Seed}) {(missing.Count > 1 ? "are" : "is")} missing; {byShard.Count} of {count} were given.");

                var series = new List<PowerSeries>();
                var columns = new Dictionary<string, SynthesisFileManifest.Column>(StringComparer.Ordinal);
                foreach (int i in idx)
                {
                    var read = ReadCsv(files[i], manifests[i], ct);
                    series.AddRange(read);
                    foreach (var c in manifests[i].Columns) columns[c.Name] = c;
                }
                var merged = TraceMerger.Merge(series, first.Origin.ModelBinSeconds);
                var origin = new SynthesisOrigin(first.Origin.Seed, 0, 1, first.Origin.ModelBinSeconds, first.Origin.Settings, first.Origin.PueThousandths);
                var ordered = merged.Traces.OrderBy(t => columns[t.Name].Group).ToList();
                foreach (var t in ordered) SynthesisOrigin.Tag(t, origin);
                result.Add(new MergedLevel(first.Level, first.ResolutionSeconds, ordered, ordered.Select(t => columns[t.Name]).ToList(), origin, first.Outputs,
                    idx.Select(i => files[i]).ToList(), merged.InexactGroups));
            }
            return result;
        }

        /// <summary>
        /// Writes merged levels as one run would: one level to <paramref name="outFile"/>, several to
        /// <c>name.Level.ext</c> beside it, each with its sidecar (shard 0 of 1). Returns the files written.
        /// </summary>
        public static IReadOnlyList<SynthesisFileOutput> WriteMerged(IReadOnlyList<MergedLevel> levels, string outFile, CancellationToken ct = default)
        {
            var paths = OutputPaths(levels, outFile);
            var written = new List<SynthesisFileOutput>();
            for (int i = 0; i < levels.Count; i++)
                written.Add(SynthesisCsvWriter.WriteSeries(paths[i], levels[i].Traces, levels[i].Columns, levels[i].Origin, levels[i].Outputs, ct));
            return written;
        }

        /// <summary>The files <see cref="WriteMerged"/> writes (the naming of Invoke-TraceSynthesis -OutFile).</summary>
        public static IReadOnlyList<string> OutputPaths(IReadOnlyList<MergedLevel> levels, string outFile)
        {
            string full = Path.GetFullPath(outFile);
            if (levels.Count == 1) return new[] { full };
            string dir = Path.GetDirectoryName(full) ?? ".";
            return levels.Select(l => Path.Combine(dir, Path.GetFileNameWithoutExtension(full) + "." + l.Level + Path.GetExtension(full))).ToList();
        }

        private static string Key(SynthesisFileManifest m) => m.Level + "@" + m.ResolutionSeconds.ToString("R", CultureInfo.InvariantCulture);

        private static int IndexOf(List<string> order, string key)
        {
            int i = order.IndexOf(key);
            return i < 0 ? int.MaxValue : i;
        }

        private static string? Differs(SynthesisFileManifest a, SynthesisFileManifest b)
        {
            if (a.Origin.Seed != b.Origin.Seed) return $"seed {b.Origin.Seed} vs {a.Origin.Seed}";
            if (a.Origin.ShardCount != b.Origin.ShardCount) return $"{b.Origin.ShardCount} shards vs {a.Origin.ShardCount}";
            if (a.StartUtc != b.StartUtc) return $"start {b.StartUtc:o} vs {a.StartUtc:o}";
            if (a.Origin.ModelBinSeconds != b.Origin.ModelBinSeconds) return $"model bin {b.Origin.ModelBinSeconds} s vs {a.Origin.ModelBinSeconds} s";
            if (a.Origin.PueThousandths != b.Origin.PueThousandths) return $"PUE {b.Origin.PueThousandths / 1000.0} vs {a.Origin.PueThousandths / 1000.0}";
            if (!a.Outputs.SequenceEqual(b.Outputs)) return $"levels and resolutions {string.Join(", ", b.Outputs)} vs {string.Join(", ", a.Outputs)}";
            if (!string.Equals(a.Origin.Settings, b.Origin.Settings, StringComparison.Ordinal))
            {
                var x = a.Origin.Settings.Split(new[] { "; " }, StringSplitOptions.None);
                var y = b.Origin.Settings.Split(new[] { "; " }, StringSplitOptions.None);
                string first = y.FirstOrDefault(p => !x.Contains(p)) ?? b.Origin.Settings;
                return "settings differ (" + first + ")";
            }
            return null;
        }

        // The CSV as its sidecar describes it: header, one row per bin at the right time, a round-trip number per cell.
        private static List<PowerSeries> ReadCsv(string file, SynthesisFileManifest m, CancellationToken ct)
        {
            int cols = m.Columns.Count, bins = m.BinCount;
            var watts = new double[cols][];
            for (int c = 0; c < cols; c++) watts[c] = new double[bins];
            long ticksPerBin = (long)Math.Round(m.ResolutionSeconds * TimeSpan.TicksPerSecond);
            var inv = CultureInfo.InvariantCulture;
            using (var reader = new LineReader(file))
            {
                var split = new FieldSplitter();
                if (!reader.ReadLine(out int ls, out int ll)) throw Bad(file, 1, "The file is empty.");
                split.Split(reader.Buffer, ls, ll);
                if (split.Count != cols + 1 || split.Text(reader.Buffer, 0) != "TimestampUtc")
                    throw Bad(file, 1, $"The header is not TimestampUtc and the {cols} column(s) the sidecar lists.");
                for (int c = 0; c < cols; c++)
                    if (split.Text(reader.Buffer, c + 1) != m.Columns[c].Name) throw Bad(file, 1, $"Column {c + 2} is '{split.Text(reader.Buffer, c + 1)}', the sidecar says '{m.Columns[c].Name}'.");
                for (int j = 0; j < bins; j++)
                {
                    if ((j & 0xFFF) == 0) ct.ThrowIfCancellationRequested();
                    if (!reader.ReadLine(out ls, out ll)) throw Bad(file, reader.LineNumber + 1, $"The file ends after {j} of {bins} rows.");
                    var buf = reader.Buffer;
                    split.Split(buf, ls, ll);
                    long line = reader.LineNumber;
                    if (split.Count != cols + 1) throw Bad(file, line, $"Expected {cols + 1} fields, found {split.Count}.");
                    if (!TimestampParser.TryParseUtcTicks(split.Span(buf, 0), TimeSpan.Zero, out long t) || t != m.StartUtc.Ticks + j * ticksPerBin)
                        throw Bad(file, line, $"'{split.Text(buf, 0)}' is not the start of bin {j} ({TimestampParser.FormatUtc(m.StartUtc.Ticks + j * ticksPerBin)} UTC).");
                    for (int c = 0; c < cols; c++)
                    {
                        if (!double.TryParse(split.Text(buf, c + 1), NumberStyles.Float, inv, out double w) || double.IsNaN(w) || double.IsInfinity(w))
                            throw Bad(file, line, $"'{split.Text(buf, c + 1)}' in column '{m.Columns[c].Name}' is not a number of watts.");
                        watts[c][j] = w;
                    }
                }
                while (reader.ReadLine(out ls, out ll))
                    if (ll > 0) throw Bad(file, reader.LineNumber, $"More rows than the {bins} the sidecar lists.");
            }
            var list = new List<PowerSeries>(cols);
            for (int c = 0; c < cols; c++)
            {
                var col = m.Columns[c];
                var meta = new TraceMetadata(gpuCount: col.GpuCount);
                var pos = col.Row < 0 && col.Rack < 0 && col.Server < 0 ? new HierarchyPosition() : new HierarchyPosition(col.Row, col.Rack, col.Server);
                var s = new PowerSeries(col.Name, m.Level, m.StartUtc, m.ResolutionSeconds, watts[c], meta, null, pos);
                SynthesisOrigin.Tag(s, m.Origin);
                list.Add(s);
            }
            return list;
        }

        private static InputFormatException Bad(string file, long line, string problem)
            => new InputFormatException(MergeErrorIds.ShardDataInvalid, file, line, null, problem);
    }
}
