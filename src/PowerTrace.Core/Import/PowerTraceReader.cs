using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Reads measured power logs into binned <see cref="PowerSeries"/>: nvidia-smi CSV (with header,
    /// or header-less with a column list), whole-server logs (<c>timestamp,watts</c>), and generic CSV.
    /// </summary>
    /// <remarks>
    /// <para>Format detection (Format = Auto), from the first non-blank line: a header naming
    /// <c>timestamp</c> and a <c>power.draw</c> column is nvidia-smi; any other header is generic CSV;
    /// a header-less line of 2 fields (timestamp, number or empty) is a server log; a header-less line
    /// of 4 fields shaped timestamp, integer, number, number is nvidia-smi
    /// <c>timestamp, index, utilization.gpu, power.draw</c>; with <see cref="PowerImportOptions.Columns"/>
    /// given, a header-less file is nvidia-smi with those columns. Anything else: UnknownFormat.</para>
    /// <para>The file is streamed and binned on the fly (see <see cref="TimeBinner"/> for the grid,
    /// hold and gap rules): memory grows with the number of bins, not rows. nvidia-smi GPUs of a
    /// group are summed per bin into Node traces; a node bin is NaN when any member GPU is
    /// unmeasured there, and bins before every member's first or after any member's last
    /// measurement are trimmed.</para>
    /// <para>An empty reading (an empty field, or nvidia-smi's <c>[N/A]</c>) contributes no sample
    /// and is reported through <see cref="PowerImportOptions.Notice"/>. A malformed row throws
    /// <see cref="InputFormatException"/> unless <see cref="PowerImportOptions.SkipInvalidRows"/> is
    /// set, in which case it is skipped and reported. Timestamps that go backwards always throw.</para>
    /// </remarks>
    public static partial class PowerTraceReader
    {
        private static readonly string[] DefaultSmiColumns = { "timestamp", "index", "utilization.gpu", "power.draw" };
        private static readonly string[] SmiPowerNames = { "power.draw", "power.draw.average", "power.draw.instant" };
        private static readonly string[] TimeNames =
        {
            "timestamp", "timestamp_utc", "time", "time_utc", "datetime", "date_time", "time_s", "time_sec",
            "seconds", "sec", "secs", "t", "ts", "elapsed_s",
        };

        private enum Kind { Smi, Server, Csv }


        /// <summary>Reads one power log into traces (Node, Gpu or Server level; generic CSV: one per watts column).</summary>
        /// <exception cref="InputFormatException">Bad content; <see cref="ImportErrorIds"/> lists the ids.</exception>
        /// <exception cref="InvalidSettingException">A meaningless option (bin width, group size).</exception>
        public static IReadOnlyList<PowerSeries> Read(string path, PowerImportOptions? options = null)
        {
            options ??= new PowerImportOptions();
            if (path == null) throw new ArgumentNullException(nameof(path));
            long binTicks = ValidateOptions(options);
            string file = Path.GetFullPath(path);

            using var reader = new LineReader(file);
            var split = new FieldSplitter();
            char[] buf;
            int ls, ll;
            // First non-blank line decides the layout.
            while (true)
            {
                if (!reader.ReadLine(out ls, out ll))
                    throw new InputFormatException(ImportErrorIds.EmptyFile, file, 0, null, "The file holds no data.");
                buf = reader.Buffer;
                if (!IsBlank(buf, ls, ll)) break;
            }
            char delimiter = CsvDialect.Detect(buf, ls, ll);
            split.Split(buf, ls, ll, delimiter);
            if (delimiter == ';' && StartsLikeData(split.Span(buf, 0)))
            {
                CsvDialect.NormalizeDecimals(buf, ls, ll, delimiter);
                split.Split(buf, ls, ll, delimiter);
            }
            var layout = DetectLayout(file, reader.LineNumber, buf, split, options);
            layout.Delimiter = delimiter;
            if (delimiter == ';')
                options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, reader.LineNumber, null,
                    "Semicolon-separated with decimal commas (the CSV Excel writes where the comma is the decimal separator): '71,5' reads as 71.5."));

            var channels = new Dictionary<int, TimeBinner>();
            TimeBinner?[] fast = new TimeBinner?[64];
            var gpuFilter = options.GpuIndex != null ? new HashSet<int>(options.GpuIndex) : null;
            var seenGpus = gpuFilter != null ? new HashSet<int>() : null;
            long rows = 0, filteredRows = 0, emptyReadings = 0, truncatedLines = 0;
            var rowWatts = new double[layout.WattsCols.Length];
            var rowTake = new bool[layout.WattsCols.Length];
            var rowBinner = new TimeBinner?[layout.WattsCols.Length];
            long firstTicks = long.MinValue;
            string? firstText = null;
            bool firstIsData = !layout.HeaderLine;
            var ct = options.CancellationToken;
            var notice = options.Notice;

            while (true)
            {
                if (firstIsData) firstIsData = false;
                else
                {
                    if (!reader.ReadLine(out ls, out ll)) break;
                    buf = reader.Buffer;
                    if (ll == 0 || IsBlank(buf, ls, ll)) continue;
                    CsvDialect.NormalizeDecimals(buf, ls, ll, layout.Delimiter);
                    split.Split(buf, ls, ll, layout.Delimiter);
                }
                long line = reader.LineNumber;
                if ((line & 0x3FFF) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    if ((line & 0x3FFFF) == 0) options.Progress?.Invoke(reader.Length > 0 ? (double)reader.BytesRead / reader.Length : 0);
                }
                try
                {
                    if (split.Count != layout.FieldCount)
                        throw new InputFormatException(ImportErrorIds.WrongFieldCount, file, line, null,
                            $"Expected {layout.FieldCount} fields ({string.Join(", ", layout.Names)}), found {split.Count}.");
                    long t = ParseTime(file, line, buf, split, layout, options);
                    if (firstText == null)
                    {
                        firstTicks = t;
                        firstText = split.Span(buf, layout.TimeCol).Trim('"').ToString();
                    }
                    int channelBase = 0;
                    if (layout.IndexCol >= 0)
                    {
                        var idx = split.Span(buf, layout.IndexCol);
                        if (!FastNumber.TryParseInt(idx, out channelBase) || channelBase < 0)
                            throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, layout.Names[layout.IndexCol],
                                $"'{idx.ToString()}' is not a GPU index.");
                        if (gpuFilter != null)
                        {
                            seenGpus!.Add(channelBase);
                            if (!gpuFilter.Contains(channelBase)) { filteredRows++; continue; }
                        }
                    }
                    if (Math.Abs(t - firstTicks) / binTicks > MaxBinsPerTrace)
                        throw new InputFormatException(ImportErrorIds.TraceTooLong, file, line, layout.TimeName,
                            $"{TimestampParser.FormatUtc(t)} UTC is {Math.Abs(t - firstTicks) / (double)TimeSpan.TicksPerDay:0.#} days from the first sample ({TimestampParser.FormatUtc(firstTicks)} UTC): "
                            + $"more than {MaxBinsPerTrace:N0} bins of {binTicks / (double)TimeSpan.TicksPerSecond} s. A corrupt timestamp, or a recording to import with a wider -BinSeconds.");
                    // Parse and check the whole row before any sample is taken, so a rejected row leaves nothing behind.
                    int nw = layout.WattsCols.Length;
                    for (int c = 0; c < nw; c++)
                    {
                        int col = layout.WattsCols[c];
                        var span = split.Span(buf, col);
                        rowTake[c] = true;
                        if (!TryParseWatts(file, line, layout.Names[col], span, layout.Scales[c], out rowWatts[c]))
                        {
                            if (layout.ExactGrid) rowWatts[c] = double.NaN;
                            else rowTake[c] = false;
                        }
                        if (!rowTake[c]) continue;
                        int ch = layout.Kind == Kind.Csv ? c : channelBase;
                        TimeBinner? b = ch < fast.Length ? fast[ch] : null;
                        if (b == null && !channels.TryGetValue(ch, out b))
                        {
                            b = new TimeBinner(binTicks, options.GapFactor);
                            channels.Add(ch, b);
                            if (ch < fast.Length) fast[ch] = b;
                        }
                        rowBinner[c] = b;
                        if (t < b.LastTime)
                            throw new InputFormatException(ImportErrorIds.TimestampsGoBackwards, file, line, layout.TimeName,
                                $"{new DateTime(t, DateTimeKind.Utc):yyyy-MM-dd HH:mm:ss.fff} UTC is earlier than the previous sample"
                                + (layout.Kind == Kind.Smi ? $" of GPU {ch}" : "") + $" ({new DateTime(b.LastTime, DateTimeKind.Utc):yyyy-MM-dd HH:mm:ss.fff} UTC).");
                    }
                    for (int c = 0; c < nw; c++)
                    {
                        if (rowTake[c]) { rowBinner[c]!.Add(t, rowWatts[c]); continue; }
                        emptyReadings++;
                        notice?.Invoke(new ImportNotice(ImportNoticeKind.EmptyReading, file, line, layout.Names[layout.WattsCols[c]],
                            "Empty reading: no sample taken from this row."));
                    }
                    rows++;
                }
                catch (InputFormatException ex) when (!reader.LastLineTerminated)
                {
                    // The file ends inside this line (no line end): the writer stopped mid-record. Everything before it stands.
                    truncatedLines++;
                    notice?.Invoke(new ImportNotice(ImportNoticeKind.TruncatedLine, file, line, ex.Field,
                        "Final line cut short (the file ends without a line end: its writer stopped mid-record); not read: " + ex.Problem));
                }
                catch (InputFormatException ex) when (options.SkipInvalidRows && ex.ErrorId != ImportErrorIds.TimestampsGoBackwards && ex.ErrorId != ImportErrorIds.UnknownUnit)
                {
                    notice?.Invoke(new ImportNotice(ImportNoticeKind.SkippedRow, file, line, ex.Field, "Skipped: " + ex.Problem));
                }
            }
            if (firstText != null)
                notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, 0, layout.TimeName,
                    $"First timestamp '{firstText}' is {TimestampParser.FormatUtc(firstTicks)} UTC "
                    + (TimestampParser.LooksLikeDate(firstText.AsSpan()) ? TimestampParser.DescribeOffset(options.UtcOffset)
                       : $"(seconds counted from {TimestampParser.FormatUtc(options.TimeOrigin.Ticks)} UTC)") + "."));
            if (rows == 0 && filteredRows == 0 && truncatedLines == 0)
                throw new InputFormatException(ImportErrorIds.EmptyFile, file, 0, null, "The file holds no data rows.");
            // Every requested GPU must occur with readings, whether or not any other GPU did.
            if (layout.Kind == Kind.Smi && options.GpuIndex != null)
            {
                var inFile = new SortedSet<int>(channels.Keys);
                if (seenGpus != null) inFile.UnionWith(seenGpus);
                if (layout.IndexCol < 0) inFile.Add(0);
                foreach (int g in options.GpuIndex)
                    if (!channels.ContainsKey(g))
                        throw new InputFormatException(ImportErrorIds.GpuNotFound, file, 0, "index",
                            inFile.Contains(g)
                                ? $"GPU {g} occurs in the file but all its readings are empty (GPUs in the file: {string.Join(", ", inFile)})."
                                : $"GPU {g} does not occur in the file (GPUs in the file: {string.Join(", ", inFile)}).");
            }
            if (!channels.Values.Any(b => b.HasValue))
                throw new InputFormatException(ImportErrorIds.EmptyFile, file, 0, null, "The file holds no readings (every row's reading is empty).");
            options.Progress?.Invoke(1.0);

            foreach (var b in channels.Values) b.Finish();
            return Build(file, layout, channels, binTicks, options);
        }

        private static long ValidateOptions(PowerImportOptions o)
        {
            if (!(o.BinSeconds > 0) || double.IsInfinity(o.BinSeconds) || o.BinSeconds > 86400)
                throw new InvalidSettingException(ImportErrorIds.InvalidImportSetting, "BinSeconds", $"Bin width must be between 0 and 86400 seconds; got {o.BinSeconds}.");
            double ticks = o.BinSeconds * TimeSpan.TicksPerSecond;
            long binTicks = (long)Math.Round(ticks);
            if (binTicks < 1 || Math.Abs(ticks - binTicks) > 1e-6 * Math.Max(1, ticks))
                throw new InvalidSettingException(ImportErrorIds.InvalidImportSetting, "BinSeconds", $"Bin width must be a whole number of 100 ns ticks; got {o.BinSeconds} s.");
            if (o.GroupSize < 0)
                throw new InvalidSettingException(ImportErrorIds.InvalidImportSetting, "GroupSize", $"Group size cannot be negative; got {o.GroupSize}.");
            if (!(o.GapFactor > 1) || double.IsInfinity(o.GapFactor))
                throw new InvalidSettingException(ImportErrorIds.InvalidImportSetting, "GapFactor", $"Gap factor must be a finite number above 1; got {o.GapFactor}.");
            if (o.TensorParallel < 0)
                throw new InvalidSettingException(ImportErrorIds.InvalidImportSetting, "TensorParallel", $"Tensor-parallel degree cannot be negative; got {o.TensorParallel}.");
            return binTicks;
        }

        private static bool IsBlank(char[] buf, int s, int l)
        {
            for (int i = s; i < s + l; i++) if (!char.IsWhiteSpace(buf[i])) return false;
            return true;
        }

        private static long ParseTime(string file, long line, char[] buf, FieldSplitter split, Layout layout, PowerImportOptions o)
        {
            var s = split.Span(buf, layout.TimeCol);
            if (s.Length > 0 && s[0] == '"') s = s.Trim('"');
            if (TimestampParser.TryParseUtcTicks(s, o.UtcOffset, out long t)) return t;
            if (layout.Kind == Kind.Csv && !TimestampParser.LooksLikeDate(s) && FastNumber.TryParseDouble(s, out double sec))
            {
                double ticks = o.TimeOrigin.Ticks + sec * TimeSpan.TicksPerSecond;
                if (ticks >= 0 && ticks <= DateTime.MaxValue.Ticks) return (long)Math.Round(ticks);
            }
            throw new InputFormatException(ImportErrorIds.InvalidTimestamp, file, line, layout.TimeName,
                s.Length == 0 ? "Empty timestamp." : $"'{s.ToString()}' is not a timestamp (expected YYYY-MM-DD HH:MM:SS[.fff][zone] or YYYY/MM/DD HH:MM:SS.fff"
                + (layout.Kind == Kind.Csv ? ", or seconds" : "") + ").");
        }

        // False for an empty reading; throws for a bad number or unit.
        private static bool TryParseWatts(string file, long line, string field, ReadOnlySpan<char> s, double scale, out double watts)
        {
            if (FastNumber.TryParseDouble(s, out watts)) { watts *= scale; return CheckWatts(file, line, field, s, watts); }
            if (s.Length == 0 || IsNoReading(s)) return false;
            // A value with its unit, as nvidia-smi writes without 'nounits': "71.23 W".
            int sp = s.LastIndexOf(' ');
            if (sp > 0 && FastNumber.TryParseDouble(s.Slice(0, sp).TrimEnd(), out watts))
            {
                var u = s.Slice(sp + 1);
                if (u.Length == 1 && u[0] == 'W') return CheckWatts(file, line, field, s, watts); // the value's own unit wins; the common case
                string unit = u.ToString();
                if (!TryPowerScale(unit, out double us))
                    throw new InputFormatException(ImportErrorIds.UnknownUnit, file, line, field, $"Unknown power unit '{unit}' in '{s.ToString()}' (known: W, kW, mW, MW).");
                watts *= us;
                return CheckWatts(file, line, field, s, watts);
            }
            throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, field, $"'{s.ToString()}' is not a number.");
        }

        /// <summary>
        /// What nvidia-smi prints where it has no reading: <c>[N/A]</c>, <c>[Not Supported]</c> (a GPU or MIG slice whose
        /// power it cannot read), <c>[Unknown Error]</c>, with or without brackets. Each is a missing reading (a gap), not bad data.
        /// </summary>
        internal static bool IsNoReading(ReadOnlySpan<char> s)
        {
            if (s.Length > 1 && s[0] == '[' && s[s.Length - 1] == ']') s = s.Slice(1, s.Length - 2).Trim();
            return s.Equals("N/A".AsSpan(), StringComparison.OrdinalIgnoreCase)
                || s.Equals("Not Supported".AsSpan(), StringComparison.OrdinalIgnoreCase)
                || s.Equals("Unknown Error".AsSpan(), StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>Largest reading accepted, watts (1 TW: above any facility; beyond it a number is corrupt, and sums overflow).</summary>
        public const double MaxPlausibleWatts = 1e12;

        /// <summary>Samples a trace may span, in bins of the import's width; more is a corrupt timestamp or a too-fine bin width.</summary>
        public const long MaxBinsPerTrace = 50_000_000;

        // Power draw is never negative and never beyond MaxPlausibleWatts: such a reading is corrupt, not a measurement.
        private static bool CheckWatts(string file, long line, string field, ReadOnlySpan<char> s, double watts)
        {
            if (watts < 0)
                throw new InputFormatException(ImportErrorIds.NegativeReading, file, line, field,
                    $"'{s.ToString()}' is negative: power draw cannot be. Fix the file, or -SkipInvalidRows to leave such rows out (each one reported).");
            if (!(watts <= MaxPlausibleWatts))
                throw new InputFormatException(ImportErrorIds.ReadingOutOfRange, file, line, field,
                    $"'{s.ToString()}' is {watts:G3} W, beyond any real reading (limit {MaxPlausibleWatts:G3} W). Fix the file, or -SkipInvalidRows to leave such rows out (each one reported).");
            return true;
        }

        // In the semicolon dialect a header starts with a letter or quote; a data line with a digit or sign.
        private static bool StartsLikeData(ReadOnlySpan<char> first)
            => first.Length > 0 && (char.IsDigit(first[0]) || first[0] == '-' || first[0] == '+' || first[0] == '.');

        private static IReadOnlyList<PowerSeries> Build(string file, Layout layout, Dictionary<int, TimeBinner> channels, long binTicks, PowerImportOptions o)
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            var result = new List<PowerSeries>();
            var keys = channels.Keys.OrderBy(k => k).ToList();

            if (layout.Kind == Kind.Server)
            {
                result.Add(Make(stem, TraceLevel.Server, new[] { channels[0] }, binTicks, o, file, null, 0));
            }
            else if (layout.Kind == Kind.Csv)
            {
                for (int c = 0; c < layout.WattsCols.Length; c++)
                {
                    if (!channels.TryGetValue(c, out var b) || !b.HasValue) continue;
                    int col = layout.WattsCols[c];
                    TraceLevel? hint = layout.Levels[col];
                    // A level hint marks a column written by Export-PowerTrace: it names its trace even when alone.
                    string name = layout.WattsCols.Length > 1 || hint != null ? layout.Names[col] : stem;
                    result.Add(Make(name, o.Level ?? hint ?? TraceLevel.Server, new[] { b }, binTicks, o, file, null, 0));
                }
            }
            else if (o.PerGpu)
            {
                foreach (int g in keys)
                    result.Add(Make(keys.Count > 1 ? $"{stem} gpu{g}" : stem, TraceLevel.Gpu, new[] { channels[g] }, binTicks, o, file, new[] { g }, 0));
            }
            else
            {
                int size = o.GroupSize == 0 ? keys.Count : o.GroupSize;
                if (keys.Count % size != 0)
                    throw new InvalidSettingException(ImportErrorIds.InvalidImportSetting, "GroupSize",
                        $"{Path.GetFileName(file)} has {keys.Count} GPUs ({string.Join(", ", keys)}), not a multiple of the group size {size}.");
                int groups = keys.Count / size;
                for (int gI = 0; gI < groups; gI++)
                {
                    var members = keys.Skip(gI * size).Take(size).ToArray();
                    string name = groups > 1 ? $"{stem} node{gI}" : stem;
                    result.Add(Make(name, TraceLevel.Node, members.Select(m => channels[m]).ToArray(), binTicks, o, file, members,
                        o.GroupSize > 0 ? o.GroupSize : 0));
                }
            }
            return result;
        }

        private static PowerSeries Make(string name, TraceLevel level, TimeBinner[] members, long binTicks, PowerImportOptions o,
            string file, int[]? gpus, int groupTp)
        {
            long lo = long.MaxValue, hi = long.MinValue;
            foreach (var m in members)
            {
                if (m.BinCount == 0) continue;
                lo = Math.Min(lo, m.FirstBin);
                hi = Math.Max(hi, m.FirstBin + m.BinCount);
            }
            double[] watts;
            long first;
            if (lo == long.MaxValue) { watts = Array.Empty<double>(); first = 0; }
            else
            {
                var w = new double[hi - lo];
                for (long k = lo; k < hi; k++)
                {
                    double s = 0;
                    foreach (var m in members) s += m.Mean(k);
                    w[k - lo] = s;
                }
                int a = 0, b = w.Length;
                while (a < b && double.IsNaN(w[a])) a++;
                while (b > a && double.IsNaN(w[b - 1])) b--;
                first = lo + a;
                watts = new double[b - a];
                Array.Copy(w, a, watts, 0, b - a);
            }

            // Gaps: the union of the members' sample-free stretches.
            var spans = members.SelectMany(m => m.Gaps).OrderBy(g => g.Key).ToList();
            int count = 0;
            double total = 0, longest = 0;
            long cs = 0, ce = long.MinValue;
            foreach (var g in spans)
            {
                if (g.Key > ce)
                {
                    if (ce != long.MinValue) { count++; double len = (ce - cs) / (double)TimeSpan.TicksPerSecond; total += len; longest = Math.Max(longest, len); }
                    cs = g.Key; ce = g.Value;
                }
                else ce = Math.Max(ce, g.Value);
            }
            if (ce != long.MinValue) { count++; double len = (ce - cs) / (double)TimeSpan.TicksPerSecond; total += len; longest = Math.Max(longest, len); }
            bool filled = false;
            if (o.FillGaps && count > 0) filled = FillInterior(watts);
            var gaps = count == 0 ? GapReport.None : new GapReport(count, total, longest, filled);

            int tp = o.TensorParallel > 0 ? o.TensorParallel : groupTp;
            var meta = new TraceMetadata(Hardware.GpuCatalog.CanonicalName(o.GpuType), gpus?.Length ?? 0, o.ModelName, tp, new[] { file }, gpus);
            var start = new DateTime(first * binTicks, DateTimeKind.Utc);
            return new PowerSeries(name, level, start, binTicks / (double)TimeSpan.TicksPerSecond, watts, meta, gaps);
        }

        /// <summary>Linear interpolation across interior NaN runs. True when anything was filled.</summary>
        internal static bool FillInterior(double[] w)
        {
            bool any = false;
            int i = 0;
            while (i < w.Length)
            {
                if (!double.IsNaN(w[i])) { i++; continue; }
                int s = i;
                while (i < w.Length && double.IsNaN(w[i])) i++;
                if (s == 0 || i == w.Length) continue;
                double a = w[s - 1], b = w[i];
                int n = i - s + 1;
                for (int k = s; k < i; k++) w[k] = a + (b - a) * (k - s + 1) / n;
                any = true;
            }
            return any;
        }
    }
}
