using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Writes one level's traces as CSV: a <c>TimestampUtc</c> column (bin start, ISO 8601 with Z) and one
    /// column of watts per trace (up to 6 decimals). Rows are transposed from the spill file in blocks of
    /// at most 32 MB of sums, then the file is written to a temporary name and moved into place.
    /// </summary>
    internal static class SynthesisCsvWriter
    {
        public static SynthesisFileOutput Write(string path, LevelStore store, TraceLevel level, int k, double modelBinSeconds, double resolutionSeconds,
            DateTime startUtc, Func<int, string> name, int pueMilli, Action<SynthesisProgress>? progress, CancellationToken ct)
        {
            string dir = Path.GetDirectoryName(path) ?? ".";
            if (dir.Length > 0) Directory.CreateDirectory(dir);
            string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            int groups = store.Groups, outBins = store.OutBins;
            int block = (int)Math.Max(1, Math.Min(4096, (32L << 20) / (8L * groups)));
            var cols = new long[groups][];
            for (int g = 0; g < groups; g++) cols[g] = new long[block];
            double d = level == TraceLevel.Facility ? 1e6 * k : 1000.0 * k;
            var inv = CultureInfo.InvariantCulture;
            try
            {
                using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                using (var wr = new StreamWriter(fs, new UTF8Encoding(false), 1 << 16))
                {
                    wr.NewLine = "\n";
                    var sb = new StringBuilder("TimestampUtc");
                    for (int g = 0; g < groups; g++) sb.Append(',').Append(name(g));
                    wr.WriteLine(sb.ToString());
                    long ticksPerBin = (long)Math.Round(resolutionSeconds * TimeSpan.TicksPerSecond);
                    for (int j0 = 0; j0 < outBins; j0 += block)
                    {
                        ct.ThrowIfCancellationRequested();
                        int n = Math.Min(block, outBins - j0);
                        for (int g = 0; g < groups; g++) store.Read(g, j0, n, cols[g]);
                        for (int j = 0; j < n; j++)
                        {
                            wr.Write(startUtc.AddTicks((j0 + j) * ticksPerBin).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", inv));
                            for (int g = 0; g < groups; g++)
                            {
                                wr.Write(',');
                                double watts = level == TraceLevel.Facility ? SynthesisEngine.FacilityWatts(cols[g][j], pueMilli, d) : cols[g][j] / d;
                                wr.Write(watts.ToString("0.######", inv));
                            }
                            wr.Write('\n');
                        }
                        progress?.Invoke(new SynthesisProgress("Writing", j0 + n, outBins));
                    }
                }
                if (File.Exists(path)) File.Delete(path);
                File.Move(tmp, path);
            }
            catch
            {
                try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { }
                throw;
            }
            return new SynthesisFileOutput(path, level, resolutionSeconds, groups, outBins, startUtc, new FileInfo(path).Length);
        }
    }
}
