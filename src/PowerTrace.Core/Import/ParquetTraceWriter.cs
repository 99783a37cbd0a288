using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Writes traces that share one grid as an Apache Parquet file that DuckDB, pandas/pyarrow, Spark and Power BI
    /// read directly: a <c>timestamp_utc</c> column (INT64 TIMESTAMP, adjusted to UTC, microseconds; nanoseconds when
    /// the grid is finer than a microsecond) and one nullable DOUBLE column of watts per trace, named as in the CSV
    /// export (<c>rack 3 (Rack) [W]</c>). Unmeasured bins (NaN) and bins past a shorter trace's end are nulls.
    /// </summary>
    /// <remarks>
    /// <para>The format is written here directly (Parquet format 2 file layout, version-1 data pages, PLAIN values,
    /// RLE definition levels, no compression), because the Parquet.Net package this project may use targets
    /// .NET 8 and later only, and the module's assemblies are netstandard2.0. The tests read every file back with
    /// Parquet.Net.</para>
    /// <para>Rows are written in row groups of <see cref="RowGroupRows"/> rows, each column one page, so memory stays
    /// at about 8 bytes × <see cref="RowGroupRows"/> whatever the length; a site-year at 1 s (31.5 million rows) is
    /// 31 row groups.</para>
    /// <para>File key-value metadata: <c>powertrace.binSeconds</c>, <c>powertrace.startUtc</c> and, per trace,
    /// <c>powertrace.level.&lt;column&gt;</c>.</para>
    /// </remarks>
    public static class ParquetTraceWriter
    {
        /// <summary>Rows per row group (2^20).</summary>
        public const int RowGroupRows = 1 << 20;

        private static readonly byte[] Magic = Encoding.ASCII.GetBytes("PAR1");

        /// <summary>Writes the Parquet file to <paramref name="stream"/>.</summary>
        /// <exception cref="InvalidSettingException">TraceGridMismatch, InvalidImportSetting (no traces).</exception>
        /// <exception cref="OperationCanceledException">Checked between row groups and pages.</exception>
        public static void Write(Stream stream, IReadOnlyList<PowerSeries> traces, CancellationToken cancellationToken = default)
        {
            PowerTraceWriter.CheckSameGrid(traces);
            var first = traces[0];
            long binTicks = (long)Math.Round(first.BinSeconds * TimeSpan.TicksPerSecond);
            long epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
            bool micros = (first.StartUtc.Ticks - epoch) % 10 == 0 && binTicks % 10 == 0;
            int rows = traces.Max(t => t.BinCount);
            var names = PowerTraceWriter.UniqueNames(traces).Select((n, k) => PowerTraceWriter.ColumnHeader(n, traces[k].Level)).ToList();

            var output = new CountingStream(stream);
            output.Write(Magic, 0, 4);
            var groups = new List<List<ChunkInfo>>();
            var groupRows = new List<int>();
            var page = new MemoryStream();
            for (int r0 = 0; r0 < Math.Max(rows, 1) && (rows > 0 || groups.Count == 0); r0 += RowGroupRows)
            {
                int n = Math.Min(RowGroupRows, rows - r0);
                var chunks = new List<ChunkInfo>();
                // The timestamps: required INT64.
                cancellationToken.ThrowIfCancellationRequested();
                page.SetLength(0);
                var pw = new BinaryWriter(page);
                for (int i = 0; i < n; i++)
                {
                    long t = first.StartUtc.Ticks + (long)(r0 + i) * binTicks - epoch;
                    pw.Write(micros ? t / 10 : t * 100);
                }
                pw.Flush();
                chunks.Add(WritePage(output, page, n, ParquetType.Int64));
                // The watts: optional DOUBLE, NaN and past-the-end as nulls.
                foreach (var tr in traces)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    page.SetLength(0);
                    var defs = new byte[n];
                    int present = 0;
                    for (int i = 0; i < n; i++)
                    {
                        int j = r0 + i;
                        if (j < tr.BinCount && !double.IsNaN(tr.Watts[j])) { defs[i] = 1; present++; }
                    }
                    var levels = RleLevels(defs);
                    pw = new BinaryWriter(page);
                    pw.Write(levels.Length);
                    pw.Write(levels);
                    for (int i = 0; i < n; i++) if (defs[i] == 1) pw.Write(tr.Watts[r0 + i]);
                    pw.Flush();
                    chunks.Add(WritePage(output, page, n, ParquetType.Double));
                }
                groups.Add(chunks);
                groupRows.Add(n);
                if (rows == 0) break;
            }

            // Footer: FileMetaData in Thrift compact protocol, its length, the magic.
            var meta = new ThriftCompactWriter();
            meta.StructBegin();
            meta.FieldI32(1, 1);                                   // version
            meta.FieldListBegin(2, ThriftType.Struct, names.Count + 2); // schema: root, timestamp_utc, the watts columns
            meta.StructBegin();                                   // root
            meta.FieldBinary(4, "schema");
            meta.FieldI32(5, names.Count + 1);
            meta.StructEnd();
            meta.StructBegin();                                   // timestamp_utc
            meta.FieldI32(1, (int)ParquetType.Int64);
            meta.FieldI32(3, 0);                                  // REQUIRED
            meta.FieldBinary(4, "timestamp_utc");
            if (micros) meta.FieldI32(6, 10);                     // converted type TIMESTAMP_MICROS, for older readers
            meta.FieldStructBegin(10);                            // logicalType
            meta.FieldStructBegin(8);                             // TIMESTAMP
            meta.FieldBool(1, true);                              // isAdjustedToUTC
            meta.FieldStructBegin(2);                             // unit
            meta.FieldStructBegin(micros ? (short)2 : (short)3);  // MICROS / NANOS (empty structs)
            meta.StructEnd();
            meta.StructEnd();
            meta.StructEnd();
            meta.StructEnd();
            meta.StructEnd();
            foreach (var name in names)
            {
                meta.StructBegin();
                meta.FieldI32(1, (int)ParquetType.Double);
                meta.FieldI32(3, 1);                              // OPTIONAL
                meta.FieldBinary(4, name);
                meta.StructEnd();
            }
            meta.FieldI64(3, rows);                               // num_rows
            meta.FieldListBegin(4, ThriftType.Struct, groups.Count); // row_groups
            for (int g = 0; g < groups.Count; g++)
            {
                meta.StructBegin();
                meta.FieldListBegin(1, ThriftType.Struct, groups[g].Count);
                for (int c = 0; c < groups[g].Count; c++)
                {
                    var ch = groups[g][c];
                    meta.StructBegin();                           // ColumnChunk
                    meta.FieldI64(2, ch.Offset);                  // file_offset
                    meta.FieldStructBegin(3);                     // ColumnMetaData
                    meta.FieldI32(1, (int)ch.Type);
                    meta.FieldListBegin(2, ThriftType.I32, 2);
                    meta.ListI32(0);                              // PLAIN
                    meta.ListI32(3);                              // RLE (definition levels)
                    meta.FieldListBegin(3, ThriftType.Binary, 1);
                    meta.ListBinary(c == 0 ? "timestamp_utc" : names[c - 1]);
                    meta.FieldI32(4, 0);                          // UNCOMPRESSED
                    meta.FieldI64(5, groupRows[g]);
                    meta.FieldI64(6, ch.Size);
                    meta.FieldI64(7, ch.Size);
                    meta.FieldI64(9, ch.Offset);                  // data_page_offset
                    meta.StructEnd();
                    meta.StructEnd();
                }
                meta.FieldI64(2, groups[g].Sum(x => x.Size));     // total_byte_size
                meta.FieldI64(3, groupRows[g]);                   // num_rows
                meta.StructEnd();
            }
            var kv = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("powertrace.binSeconds", first.BinSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
                new KeyValuePair<string, string>("powertrace.startUtc", first.StartUtc.ToString("o", System.Globalization.CultureInfo.InvariantCulture)),
            };
            for (int k = 0; k < traces.Count; k++) kv.Add(new KeyValuePair<string, string>("powertrace.level." + names[k], traces[k].Level.ToString()));
            meta.FieldListBegin(5, ThriftType.Struct, kv.Count);
            foreach (var p in kv)
            {
                meta.StructBegin();
                meta.FieldBinary(1, p.Key);
                meta.FieldBinary(2, p.Value);
                meta.StructEnd();
            }
            meta.FieldBinary(6, "PowerTrace " + typeof(ParquetTraceWriter).Assembly.GetName().Version);
            meta.StructEnd();
            byte[] footer = meta.ToArray();
            output.Write(footer, 0, footer.Length);
            output.Write(BitConverter.GetBytes(footer.Length), 0, 4); // little-endian on every platform .NET runs PowerShell on
            output.Write(Magic, 0, 4);
            output.Flush();
        }

        /// <summary>Writes the Parquet file to <paramref name="path"/> through a temporary file moved into place at the end.</summary>
        /// <exception cref="PowerTraceException">FileExists when the file exists and <paramref name="overwrite"/> is false.</exception>
        public static void WriteFile(string path, IReadOnlyList<PowerSeries> traces, bool overwrite, CancellationToken cancellationToken = default)
        {
            PowerTraceWriter.CheckSameGrid(traces);
            string full = Path.GetFullPath(path);
            if (File.Exists(full) && !overwrite)
                throw new PowerTraceException(ImportErrorIds.FileExists, $"{full} exists; use -Force to overwrite it.");
            string dir = Path.GetDirectoryName(full) ?? ".";
            string tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                    Write(fs, traces, cancellationToken);
                if (File.Exists(full)) File.Replace(tmp, full, null);
                else File.Move(tmp, full);
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
        }

        private enum ParquetType { Int64 = 2, Double = 5 }

        private sealed class ChunkInfo
        {
            public long Offset;
            public long Size;
            public ParquetType Type;
        }

        // One data page (v1): its header in Thrift compact, then the page bytes.
        private static ChunkInfo WritePage(CountingStream output, MemoryStream page, int values, ParquetType type)
        {
            long offset = output.Position;
            var h = new ThriftCompactWriter();
            h.StructBegin();
            h.FieldI32(1, 0);                                     // DATA_PAGE
            h.FieldI32(2, checked((int)page.Length));
            h.FieldI32(3, checked((int)page.Length));
            h.FieldStructBegin(5);                                // DataPageHeader
            h.FieldI32(1, values);
            h.FieldI32(2, 0);                                     // PLAIN
            h.FieldI32(3, 3);                                     // RLE definition levels
            h.FieldI32(4, 3);                                     // RLE repetition levels (none)
            h.StructEnd();
            h.StructEnd();
            byte[] header = h.ToArray();
            output.Write(header, 0, header.Length);
            page.Position = 0;
            page.CopyTo(output);
            return new ChunkInfo { Offset = offset, Size = header.Length + page.Length, Type = type };
        }

        // Definition levels (bit width 1) in the RLE/bit-packing hybrid, as RLE runs only.
        internal static byte[] RleLevels(byte[] levels)
        {
            var ms = new MemoryStream();
            int i = 0;
            while (i < levels.Length)
            {
                int j = i;
                while (j < levels.Length && levels[j] == levels[i]) j++;
                ThriftCompactWriter.Varint(ms, (ulong)(j - i) << 1);
                ms.WriteByte(levels[i]);
                i = j;
            }
            return ms.ToArray();
        }

        private sealed class CountingStream : Stream
        {
            private readonly Stream _inner;
            private long _pos;
            public CountingStream(Stream inner) { _inner = inner; }
            public override void Write(byte[] buffer, int offset, int count) { _inner.Write(buffer, offset, count); _pos += count; }
            public override void Flush() => _inner.Flush();
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => _pos;
            public override long Position { get => _pos; set => throw new NotSupportedException(); }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }

    internal enum ThriftType : byte { BoolTrue = 1, BoolFalse = 2, I32 = 5, I64 = 6, Binary = 8, List = 9, Struct = 12 }

    /// <summary>The part of the Thrift compact protocol that Parquet metadata needs (structs, i32, i64, bool, binary, lists).</summary>
    internal sealed class ThriftCompactWriter
    {
        private readonly MemoryStream _ms = new MemoryStream();
        private readonly Stack<short> _last = new Stack<short>();
        private short _lastField;

        public byte[] ToArray() => _ms.ToArray();

        public void StructBegin() { _last.Push(_lastField); _lastField = 0; }

        public void StructEnd() { _ms.WriteByte(0); _lastField = _last.Pop(); }

        private void FieldHeader(short id, ThriftType type)
        {
            int delta = id - _lastField;
            if (delta > 0 && delta <= 15) _ms.WriteByte((byte)((delta << 4) | (byte)type));
            else { _ms.WriteByte((byte)type); Varint(_ms, ZigZag(id)); }
            _lastField = id;
        }

        public void FieldI32(short id, int v) { FieldHeader(id, ThriftType.I32); Varint(_ms, ZigZag(v)); }
        public void FieldI64(short id, long v) { FieldHeader(id, ThriftType.I64); Varint(_ms, ZigZag(v)); }
        public void FieldBool(short id, bool v) => FieldHeader(id, v ? ThriftType.BoolTrue : ThriftType.BoolFalse);
        public void FieldBinary(short id, string s) { FieldHeader(id, ThriftType.Binary); ListBinary(s); }
        public void FieldStructBegin(short id) { FieldHeader(id, ThriftType.Struct); StructBegin(); }

        public void FieldListBegin(short id, ThriftType element, int size)
        {
            FieldHeader(id, ThriftType.List);
            if (size < 15) _ms.WriteByte((byte)((size << 4) | (byte)element));
            else { _ms.WriteByte((byte)(0xF0 | (byte)element)); Varint(_ms, (ulong)size); }
        }

        public void ListI32(int v) => Varint(_ms, ZigZag(v));

        public void ListBinary(string s)
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            Varint(_ms, (ulong)b.Length);
            _ms.Write(b, 0, b.Length);
        }

        private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));

        internal static void Varint(Stream s, ulong v)
        {
            while (v >= 0x80) { s.WriteByte((byte)(v | 0x80)); v >>= 7; }
            s.WriteByte((byte)v);
        }
    }
}
