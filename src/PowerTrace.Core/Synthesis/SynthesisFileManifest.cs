using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// The sidecar of a synthesis CSV (<c>site.csv</c> → <c>site.csv.powertrace.json</c>): everything an exact merge of
    /// shard files needs that the CSV cannot say: master seed, shard index and count, the run's settings, levels
    /// and resolutions, units, start, model bin, PUE, and for each column its place in the site. It names the CSV's
    /// length and SHA-256, so a CSV and a sidecar that were not written together never pass for a pair.
    /// </summary>
    /// <remarks>
    /// <para>Both files are written to temporary names and moved into place (the CSV first); a run stopped between
    /// the two moves leaves a CSV whose sidecar is missing or names other content, which a merge reports
    /// (ShardManifestMissing, ShardFileMismatch) instead of using.</para>
    /// <para>The document (camelCase, UTF-8; the seed as a decimal string, since JSON readers may hold numbers as doubles):
    /// <code>
    /// { "kind": "PowerTrace.SynthesisFile", "schemaVersion": 1, "file": "site.csv", "sizeBytes": 123, "sha256": "…",
    ///   "seed": "1", "shardIndex": 0, "shardCount": 4, "level": "Rack", "resolutionSeconds": 1, "modelBinSeconds": 0.25,
    ///   "binCount": 3600, "startUtc": "2024-01-01T00:00:00.0000000Z", "units": "W", "pueThousandths": 1300,
    ///   "outputs": [ "Rack@1", "Site@1" ], "settings": "model …; workload …; layout …",
    ///   "columns": [ { "name": "rack 0", "group": 0, "row": 0, "rack": 0, "server": -1, "gpuCount": 16 } ] }
    /// </code></para>
    /// </remarks>
    public sealed class SynthesisFileManifest
    {
        /// <summary>The "kind" marker.</summary>
        public const string Kind = "PowerTrace.SynthesisFile";

        /// <summary>Schema version written and read.</summary>
        public const int SchemaVersion = 1;

        /// <summary>Suffix appended to the CSV's path to name its sidecar.</summary>
        public const string Suffix = ".powertrace.json";

        /// <summary>One CSV column: a trace and its place in the site.</summary>
        public sealed class Column
        {
            public Column(string name, int group, int row, int rack, int server, int gpuCount)
            {
                Name = name; Group = group; Row = row; Rack = rack; Server = server; GpuCount = gpuCount;
            }

            /// <summary>Column header (trace name).</summary>
            public string Name { get; }
            /// <summary>Index of the trace among the site's traces of this level (the unsharded run's column order).</summary>
            public int Group { get; }
            /// <summary>Row, rack and server of the trace (-1 where not applicable).</summary>
            public int Row { get; }
            public int Rack { get; }
            public int Server { get; }
            /// <summary>GPUs summed into the trace.</summary>
            public int GpuCount { get; }
        }

        internal SynthesisFileManifest(string file, long sizeBytes, string sha256, SynthesisOrigin origin, TraceLevel level, double resolutionSeconds,
            int binCount, DateTime startUtc, IReadOnlyList<string> outputs, IReadOnlyList<Column> columns)
        {
            File = file; SizeBytes = sizeBytes; Sha256 = sha256; Origin = origin; Level = level; ResolutionSeconds = resolutionSeconds;
            BinCount = binCount; StartUtc = startUtc; Outputs = outputs; Columns = columns;
        }

        /// <summary>File name of the CSV (no folder).</summary>
        public string File { get; }
        /// <summary>Length of the CSV, bytes.</summary>
        public long SizeBytes { get; }
        /// <summary>SHA-256 of the CSV, lower-case hex.</summary>
        public string Sha256 { get; }
        /// <summary>Seed, shard, model bin, PUE and the run's other settings.</summary>
        public SynthesisOrigin Origin { get; }
        /// <summary>Level of every column.</summary>
        public TraceLevel Level { get; }
        /// <summary>Bin width of the rows, seconds.</summary>
        public double ResolutionSeconds { get; }
        /// <summary>Data rows.</summary>
        public int BinCount { get; }
        /// <summary>Start of the first row's bin (UTC).</summary>
        public DateTime StartUtc { get; }
        /// <summary>Every level and resolution the run produced, as <c>Level@seconds</c>.</summary>
        public IReadOnlyList<string> Outputs { get; }
        /// <summary>The columns after TimestampUtc, in file order.</summary>
        public IReadOnlyList<Column> Columns { get; }

        /// <summary>Path of the sidecar of <paramref name="csvPath"/>.</summary>
        public static string PathFor(string csvPath) => csvPath + Suffix;

        /// <summary>The column of group <paramref name="group"/> of <paramref name="level"/> (the same place and GPU count the engine gives its traces).</summary>
        internal static Column ColumnOf(TraceLevel level, int group, SiteLayout layout, int modelGpuCount)
        {
            int row, rack, server, servers;
            switch (level)
            {
                case TraceLevel.Node:
                case TraceLevel.Server: row = layout.RowOf(group); rack = layout.RackOf(group); server = group; servers = 1; break;
                case TraceLevel.Rack: row = group / layout.RacksPerRow; rack = group; server = -1; servers = layout.ServersPerRack; break;
                case TraceLevel.Row: row = group; rack = -1; server = -1; servers = layout.ServersPerRack * layout.RacksPerRow; break;
                default: row = -1; rack = -1; server = -1; servers = layout.ServerCount; break;
            }
            return new Column(SynthesisEngine.TraceName(level, group), group, row, rack, server, modelGpuCount > 0 ? modelGpuCount * servers : 0);
        }

        /// <summary>Text of the outputs list of a run.</summary>
        internal static IReadOnlyList<string> DescribeOutputs(IEnumerable<OutputLevel> outputs)
            => outputs.Select(o => o.Level + "@" + o.ResolutionSeconds.ToString("R", CultureInfo.InvariantCulture)).ToList();

        /// <summary>Writes the sidecar of <paramref name="csvPath"/> through a temporary file and a move.</summary>
        internal void WriteBeside(string csvPath)
        {
            string path = PathFor(csvPath);
            string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
                using (var w = new Utf8JsonWriter(fs, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteString("kind", Kind);
                    w.WriteNumber("schemaVersion", SchemaVersion);
                    w.WriteString("file", File);
                    w.WriteNumber("sizeBytes", SizeBytes);
                    w.WriteString("sha256", Sha256);
                    w.WriteString("seed", Origin.Seed.ToString(CultureInfo.InvariantCulture));
                    w.WriteNumber("shardIndex", Origin.ShardIndex);
                    w.WriteNumber("shardCount", Origin.ShardCount);
                    w.WriteString("level", Level.ToString());
                    w.WriteNumber("resolutionSeconds", ResolutionSeconds);
                    w.WriteNumber("modelBinSeconds", Origin.ModelBinSeconds);
                    w.WriteNumber("binCount", BinCount);
                    w.WriteString("startUtc", StartUtc.ToString("o", CultureInfo.InvariantCulture));
                    w.WriteString("units", "W");
                    w.WriteNumber("pueThousandths", Origin.PueThousandths);
                    w.WriteStartArray("outputs");
                    foreach (var o in Outputs) w.WriteStringValue(o);
                    w.WriteEndArray();
                    w.WriteString("settings", Origin.Settings);
                    w.WriteStartArray("columns");
                    foreach (var c in Columns)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", c.Name);
                        w.WriteNumber("group", c.Group);
                        w.WriteNumber("row", c.Row);
                        w.WriteNumber("rack", c.Rack);
                        w.WriteNumber("server", c.Server);
                        w.WriteNumber("gpuCount", c.GpuCount);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                if (System.IO.File.Exists(path)) System.IO.File.Delete(path);
                System.IO.File.Move(tmp, path);
            }
            finally
            {
                try { if (System.IO.File.Exists(tmp)) System.IO.File.Delete(tmp); } catch (IOException) { }
            }
        }

        /// <summary>
        /// Reads the sidecar of <paramref name="csvPath"/> and checks that it describes that CSV (name, length, SHA-256).
        /// </summary>
        /// <exception cref="InputFormatException">ShardManifestMissing, ShardManifestInvalid, ShardFileMismatch.</exception>
        public static SynthesisFileManifest ReadFor(string csvPath)
        {
            string csv = Path.GetFullPath(csvPath);
            string path = PathFor(csv);
            if (!System.IO.File.Exists(path))
                throw new InputFormatException(MergeErrorIds.ShardManifestMissing, csv, 0, null,
                    $"No sidecar '{Path.GetFileName(path)}' beside it: only files written by Invoke-TraceSynthesis -OutFile (with their sidecars) merge exactly from files.");
            SynthesisFileManifest m;
            try { m = Parse(System.IO.File.ReadAllBytes(path)); }
            catch (Exception ex) when (ex is JsonException || ex is KeyNotFoundException || ex is InvalidOperationException || ex is FormatException || ex is ArgumentException || ex is OverflowException)
            {
                throw new InputFormatException(MergeErrorIds.ShardManifestInvalid, path, 0, null, "Not a readable PowerTrace synthesis sidecar: " + ex.Message, ex);
            }
            var info = new FileInfo(csv);
            if (!string.Equals(m.File, info.Name, StringComparison.Ordinal) || m.SizeBytes != info.Length || !string.Equals(m.Sha256, HashFile(csv), StringComparison.Ordinal))
                throw new InputFormatException(MergeErrorIds.ShardFileMismatch, csv, 0, null,
                    $"Its sidecar describes another file ('{m.File}', {m.SizeBytes:N0} bytes, SHA-256 {m.Sha256.Substring(0, Math.Min(12, m.Sha256.Length))}…): the CSV was changed, or the two were not written together.");
            return m;
        }

        private static SynthesisFileManifest Parse(byte[] json)
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("kind", out var k) || k.ValueKind != JsonValueKind.String || k.GetString() != Kind)
                throw new FormatException($"no \"kind\": \"{Kind}\".");
            if (r.GetProperty("schemaVersion").GetInt32() != SchemaVersion)
                throw new FormatException($"schema version {r.GetProperty("schemaVersion").GetInt32()}; this version reads {SchemaVersion}.");
            var inv = CultureInfo.InvariantCulture;
            ulong seed = ulong.Parse(r.GetProperty("seed").GetString() ?? "", NumberStyles.None, inv);
            var level = (TraceLevel)Enum.Parse(typeof(TraceLevel), r.GetProperty("level").GetString() ?? "", false);
            var start = DateTime.Parse(r.GetProperty("startUtc").GetString() ?? "", inv, DateTimeStyles.RoundtripKind);
            if (start.Kind != DateTimeKind.Utc) throw new FormatException("startUtc is not UTC.");
            if (r.GetProperty("units").GetString() != "W") throw new FormatException("units other than W.");
            var origin = new SynthesisOrigin(seed, r.GetProperty("shardIndex").GetInt32(), r.GetProperty("shardCount").GetInt32(),
                r.GetProperty("modelBinSeconds").GetDouble(), r.GetProperty("settings").GetString() ?? "", r.GetProperty("pueThousandths").GetInt32());
            var outputs = r.GetProperty("outputs").EnumerateArray().Select(e => e.GetString() ?? "").ToList();
            var columns = r.GetProperty("columns").EnumerateArray().Select(c => new Column(c.GetProperty("name").GetString() ?? "", c.GetProperty("group").GetInt32(),
                c.GetProperty("row").GetInt32(), c.GetProperty("rack").GetInt32(), c.GetProperty("server").GetInt32(), c.GetProperty("gpuCount").GetInt32())).ToList();
            return new SynthesisFileManifest(r.GetProperty("file").GetString() ?? "", r.GetProperty("sizeBytes").GetInt64(), r.GetProperty("sha256").GetString() ?? "",
                origin, level, r.GetProperty("resolutionSeconds").GetDouble(), r.GetProperty("binCount").GetInt32(), start, outputs, columns);
        }

        internal static string HashFile(string path)
        {
            using var sha = SHA256.Create();
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Hex(sha.ComputeHash(fs));
        }

        internal static string Hex(byte[] hash)
        {
            var c = new char[hash.Length * 2];
            for (int i = 0; i < hash.Length; i++)
            {
                c[2 * i] = "0123456789abcdef"[hash[i] >> 4];
                c[2 * i + 1] = "0123456789abcdef"[hash[i] & 15];
            }
            return new string(c);
        }
    }

    /// <summary>A write-only stream that hashes (SHA-256) what passes through it to the file.</summary>
    internal sealed class HashingStream : Stream
    {
        private readonly Stream _inner;
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public HashingStream(Stream inner) { _inner = inner; }

        public long Written { get; private set; }

        /// <summary>Lower-case hex SHA-256 of everything written (call once, at the end).</summary>
        public string Finish() => SynthesisFileManifest.Hex(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count)
        {
            _hash.AppendData(buffer, offset, count);
            _inner.Write(buffer, offset, count);
            Written += count;
        }

        public override void Flush() => _inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) { _inner.Dispose(); _hash.Dispose(); }
            base.Dispose(disposing);
        }
    }

    /// <summary>Stable error ids of merging synthesis files (Merge-PowerTrace -Path).</summary>
    public static class MergeErrorIds
    {
        /// <summary>A CSV without its sidecar (not written by Invoke-TraceSynthesis -OutFile, or the sidecar was lost).</summary>
        public const string ShardManifestMissing = "ShardManifestMissing";
        /// <summary>A sidecar that cannot be read.</summary>
        public const string ShardManifestInvalid = "ShardManifestInvalid";
        /// <summary>A CSV that its sidecar does not describe (changed afterwards, or not written together).</summary>
        public const string ShardFileMismatch = "ShardFileMismatch";
        /// <summary>A shard of the run that is not among the files.</summary>
        public const string ShardMissing = "ShardMissing";
        /// <summary>The same shard given twice.</summary>
        public const string ShardDuplicated = "ShardDuplicated";
        /// <summary>Files of different runs: seed, shard count, settings, levels, resolutions or start differ.</summary>
        public const string ShardMismatch = "ShardMismatch";
        /// <summary>A CSV whose rows are not what its sidecar says (header, timestamps, numbers, row count).</summary>
        public const string ShardDataInvalid = "ShardDataInvalid";
    }
}
