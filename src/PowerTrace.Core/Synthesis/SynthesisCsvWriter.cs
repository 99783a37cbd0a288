using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Writes one level's traces as CSV: a <c>TimestampUtc</c> column (bin start, ISO 8601 with Z) and one
    /// column of watts per trace, each value in shortest round-trip form (parsing it gives back the very double the
    /// engine computed, so files merge exactly). Rows are transposed from the spill file in blocks of at most 32 MB
    /// of sums. The CSV and its sidecar (<see cref="SynthesisFileManifest"/>: seed, shard, settings, columns, the
    /// CSV's SHA-256) are written to temporary names and moved into place.
    /// </summary>
    internal static class SynthesisCsvWriter
    {
        /// <summary>Writes a level of a synthesis run from its spill store.</summary>
        public static SynthesisFileOutput Write(string path, LevelStore store, TraceLevel level, int k, double modelBinSeconds, double resolutionSeconds,
            DateTime startUtc, Func<int, SynthesisFileManifest.Column> column, int pueMilli, SynthesisOrigin origin, IReadOnlyList<string> outputs,
            Action<SynthesisProgress>? progress, CancellationToken ct)
        {
            int groups = store.Groups, outBins = store.OutBins;
            int block = (int)Math.Max(1, Math.Min(4096, (32L << 20) / (8L * groups)));
            var cols = new long[groups][];
            for (int g = 0; g < groups; g++) cols[g] = new long[block];
            double d = level == TraceLevel.Facility ? 1e6 * k : 1000.0 * k;
            var columns = new SynthesisFileManifest.Column[groups];
            for (int g = 0; g < groups; g++) columns[g] = column(g);
            return WriteRows(path, level, resolutionSeconds, startUtc, columns, outBins, block, origin, outputs, (j0, n, watts) =>
            {
                for (int g = 0; g < groups; g++) store.Read(g, j0, n, cols[g]);
                for (int j = 0; j < n; j++)
                    for (int g = 0; g < groups; g++)
                        watts[j * groups + g] = level == TraceLevel.Facility ? SynthesisEngine.FacilityWatts(cols[g][j], pueMilli, d) : cols[g][j] / d;
            }, progress, ct);
        }

        /// <summary>Writes traces already in memory (a merge of shard files) in the same format, as one run of <paramref name="origin"/>.</summary>
        public static SynthesisFileOutput WriteSeries(string path, IReadOnlyList<PowerSeries> traces, IReadOnlyList<SynthesisFileManifest.Column> columns,
            SynthesisOrigin origin, IReadOnlyList<string> outputs, CancellationToken ct)
        {
            var first = traces[0];
            int groups = traces.Count;
            int block = (int)Math.Max(1, Math.Min(4096, (32L << 20) / (8L * groups)));
            return WriteRows(path, first.Level, first.BinSeconds, first.StartUtc, columns, first.BinCount, block, origin, outputs, (j0, n, watts) =>
            {
                for (int j = 0; j < n; j++)
                    for (int g = 0; g < groups; g++) watts[j * groups + g] = traces[g].Watts[j0 + j];
            }, null, ct);
        }

        private static SynthesisFileOutput WriteRows(string path, TraceLevel level, double resolutionSeconds, DateTime startUtc,
            IReadOnlyList<SynthesisFileManifest.Column> columns, int outBins, int block, SynthesisOrigin origin, IReadOnlyList<string> outputs,
            Action<int, int, double[]> fill, Action<SynthesisProgress>? progress, CancellationToken ct)
        {
            string dir = Path.GetDirectoryName(path) ?? ".";
            if (dir.Length > 0) Directory.CreateDirectory(dir);
            string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            int groups = columns.Count;
            var inv = CultureInfo.InvariantCulture;
            var watts = new double[block * groups];
            string sha;
            long size;
            try
            {
                var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                var hs = new HashingStream(fs);
                using (var wr = new StreamWriter(hs, new UTF8Encoding(false), 1 << 16))
                {
                    wr.NewLine = "\n";
                    var sb = new StringBuilder("TimestampUtc");
                    for (int g = 0; g < groups; g++) sb.Append(',').Append(columns[g].Name);
                    wr.WriteLine(sb.ToString());
                    long ticksPerBin = (long)Math.Round(resolutionSeconds * TimeSpan.TicksPerSecond);
                    for (int j0 = 0; j0 < outBins; j0 += block)
                    {
                        ct.ThrowIfCancellationRequested();
                        int n = Math.Min(block, outBins - j0);
                        fill(j0, n, watts);
                        for (int j = 0; j < n; j++)
                        {
                            wr.Write(startUtc.AddTicks((j0 + j) * ticksPerBin).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", inv));
                            for (int g = 0; g < groups; g++)
                            {
                                wr.Write(',');
                                wr.Write(watts[j * groups + g].ToString("R", inv));
                            }
                            wr.Write('\n');
                        }
                        progress?.Invoke(new SynthesisProgress("Writing", j0 + n, outBins));
                    }
                    wr.Flush();
                    sha = hs.Finish();
                    size = hs.Written;
                }
                if (File.Exists(path)) File.Delete(path);
                File.Move(tmp, path);
            }
            catch
            {
                try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { }
                throw;
            }
            new SynthesisFileManifest(Path.GetFileName(path), size, sha, origin, level, resolutionSeconds, outBins, startUtc, outputs, columns).WriteBeside(path);
            return new SynthesisFileOutput(path, level, resolutionSeconds, groups, outBins, startUtc, new FileInfo(path).Length);
        }
    }
}
