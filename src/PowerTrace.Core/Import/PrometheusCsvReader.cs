using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Reads vLLM's Prometheus engine metrics scraped to a wide CSV (one row per scrape, a timestamp column and one
    /// column per metric) into the same <see cref="EngineStateSeries"/> that <see cref="VllmLogReader"/> makes.
    /// </summary>
    /// <remarks>
    /// <para><b>Header.</b> The first line that is neither blank nor a <c>#</c> comment. Fields are separated by commas
    /// (tabs when the header has tabs and no commas); a field may be quoted (<c>""</c> inside quotes is one quote), and
    /// commas inside a label set <c>{...}</c> do not split, so both <c>"vllm:num_requests_running{engine=""0"",model_name=""m""}"</c>
    /// and an unquoted <c>vllm:num_requests_running{engine="0",model_name="m"}</c> are one column. A metric column is named
    /// by vLLM's metric name, with or without the <c>vllm:</c> (or <c>vllm_</c>) prefix, with an optional label set:
    /// gauges <c>num_requests_running</c> (required), <c>num_requests_waiting</c>, <c>kv_cache_usage_perc</c> or the
    /// older <c>gpu_cache_usage_perc</c> (a fraction, 1 = 100 %; read as percent); counters <c>prompt_tokens_total</c>,
    /// <c>generation_tokens_total</c> (at least one required) and <c>request_success_total</c> (summed over its
    /// <c>finished_reason</c> labels); the <c>_total</c> suffix may be missing. Other columns (histograms, other
    /// exporters' series) are ignored and named in a notice. The time column is the first named <c>time</c>,
    /// <c>timestamp</c>, <c>ts</c>, <c>datetime</c>, <c>date</c>, <c>epoch</c>, <c>unix_time</c> (or one of those with
    /// <c>_s</c>/<c>_ms</c>/<c>_utc</c>), case-insensitive.</para>
    /// <para><b>Engines.</b> vLLM V1 labels each metric with <c>engine="N"</c>. Columns of one engine are read
    /// (<see cref="PrometheusCsvOptions.Engine"/>, or the engine of the first metric column); a column without the label
    /// counts as engine 0. Two columns of the read engine for the same metric (two model names, a repeated column) are
    /// <c>DuplicateColumn</c>.</para>
    /// <para><b>Time.</b> Decided once per file from the first data row: a cell that starts like a date is ISO 8601
    /// (<c>YYYY-MM-DD[T ]HH:MM:SS[.f][Z|±HH:MM]</c>; without a zone it is read as UTC); a number is Unix time, in
    /// milliseconds when the column's name ends in <c>_ms</c> or the value is at least 10^11 (later than 5138 in
    /// seconds, 1973 in milliseconds), in seconds otherwise. Every later row must have the same shape.
    /// <see cref="PrometheusCsvOptions.TimeOffset"/> is then added. Times never go backwards (TimestampsGoBackwards); a
    /// row at the same time as the previous one is skipped and reported.</para>
    /// <para><b>Rates.</b> Counter rates are per interval: sample i's rate is the counter's increase from the previous
    /// row with a reading to row i divided by the time between them (tokens per second over the interval ending at the
    /// sample), which is what Prometheus <c>rate()</c> gives over that range. The first row is the counters' baseline,
    /// so the series starts at the second row. A counter that goes down (a restarted server) counts from zero, as
    /// <c>rate()</c> does: the increase is the new value; each reset is reported. An empty, <c>NaN</c> or <c>null</c>
    /// cell is no reading: the row keeps its own time; a counter's increase across missing readings is spread evenly
    /// over the rows between its neighbouring readings (rows before the first or after the last reading read 0, and
    /// are reported), and a gauge holds its previous reading (0 before the first). An interval much longer than the
    /// usual (a scraper that stopped) gives the average rate over it, and is reported.</para>
    /// <para>Errors (<see cref="ImportErrorIds"/>, naming the file, line and column): EmptyFile (no header, or fewer
    /// than two data rows: a rate needs two), MissingColumn (no time column, no <c>num_requests_running</c>, no token
    /// counter), DuplicateColumn, NoEngineState (an <see cref="PrometheusCsvOptions.Engine"/> no column has),
    /// WrongFieldCount, InvalidTimestamp, TimestampsGoBackwards, InvalidNumber (text, infinity or a negative value
    /// where a reading should be).</para>
    /// </remarks>
    public static class PrometheusCsvReader
    {
        private enum Metric { None, Running, Waiting, KvCacheUsage, GpuCacheUsage, PromptTokens, GenerationTokens, RequestSuccess }

        private enum TimeKind { Unknown, Iso, UnixSeconds, UnixMilliseconds }

        private static readonly string[] TimeNames =
        {
            "time", "timestamp", "ts", "datetime", "date_time", "date", "epoch", "unix_time", "unixtime",
        };

        private static readonly Regex Label = new Regex(@"\s*(?<k>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*""(?<v>(?:[^""\\]|\\.)*)""\s*,?", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        private const long UnixEpochTicks = 621355968000000000L;

        private sealed class Column
        {
            public Column(int index, string header, Metric metric, Dictionary<string, string> labels)
            {
                Index = index; Header = header; Metric = metric; Labels = labels;
                Engine = labels.TryGetValue("engine", out string? e) && int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
            }
            public int Index { get; }
            public string Header { get; }
            public Metric Metric { get; }
            public Dictionary<string, string> Labels { get; }
            public int Engine { get; }
            public List<double> Values { get; } = new List<double>();
            public long FirstMissingLine { get; set; }
            public int MissingCount { get; set; }
            public long FirstRoundedLine { get; set; }

            /// <summary>Labels other than engine (and finished_reason, which request_success_total is summed over).</summary>
            public string Identity => string.Join(",", Labels.Where(kv => kv.Key != "engine" && kv.Key != "finished_reason")
                .OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
        }

        /// <summary>
        /// Detects an engine-state file's format from its first line that is neither blank nor a <c>#</c> comment:
        /// <see cref="EngineStateFormat.PrometheusCsv"/> when it splits into at least two fields and one of them is a vLLM
        /// metric name (see the remarks of <see cref="PrometheusCsvReader"/>) or the first is a time column name;
        /// <see cref="EngineStateFormat.VllmLog"/> otherwise (also for an empty file, which that reader reports).
        /// </summary>
        public static EngineStateFormat DetectFormat(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            using (var reader = new LineReader(Path.GetFullPath(path)))
            {
                while (reader.ReadLine(out int ls, out int ll))
                {
                    string line = new string(reader.Buffer, ls, ll);
                    if (line.Trim().Length == 0 || line.TrimStart().StartsWith("#", StringComparison.Ordinal)) continue;
                    var fields = SplitHeader(line, out _);
                    if (fields.Count < 2) return EngineStateFormat.VllmLog;
                    if (IsTimeName(fields[0])) return EngineStateFormat.PrometheusCsv;
                    foreach (string f in fields)
                        if (ParseMetric(f, out _) != Metric.None) return EngineStateFormat.PrometheusCsv;
                    return EngineStateFormat.VllmLog;
                }
            }
            return EngineStateFormat.VllmLog;
        }

        /// <summary>Reads one scraped-metrics CSV. See the class remarks for the columns, times, rates and errors.</summary>
        /// <exception cref="InputFormatException">Bad content; the error id says what (see the class remarks).</exception>
        public static EngineStateSeries Read(string path, PrometheusCsvOptions? options = null)
        {
            options ??= new PrometheusCsvOptions();
            if (path == null) throw new ArgumentNullException(nameof(path));
            string file = Path.GetFullPath(path);
            var times = new List<long>();
            var lines = new List<long>();
            Column timeColumn;
            Column running;
            Column? waiting, kv, prompt, generation;
            List<Column> success;
            int fieldCount;
            long headerLine;
            bool kvIsFraction = true;
            using (var reader = new LineReader(file))
            {
                string? header = null;
                headerLine = 0;
                while (reader.ReadLine(out int ls, out int ll))
                {
                    string line = new string(reader.Buffer, ls, ll);
                    if (line.Trim().Length == 0 || line.TrimStart().StartsWith("#", StringComparison.Ordinal)) continue;
                    header = line;
                    headerLine = reader.LineNumber;
                    break;
                }
                if (header == null) throw new InputFormatException(ImportErrorIds.EmptyFile, file, 0, null, "The file is empty: no header line.");
                var names = SplitHeader(header, out char delimiter);
                fieldCount = names.Count;
                SelectColumns(file, headerLine, names, options, out timeColumn, out running, out waiting, out kv, out prompt, out generation, out success);
                var used = new List<Column> { running };
                foreach (var c in new[] { waiting, kv, prompt, generation }) if (c != null) used.Add(c);
                used.AddRange(success);

                var split = new FieldSplitter();
                TimeKind kind = TimeKind.Unknown;
                bool firstHasZone = false;
                long duplicates = 0, firstDuplicateLine = 0;
                while (reader.ReadLine(out int ls, out int ll))
                {
                    long line = reader.LineNumber;
                    if ((line & 0xFFF) == 0) options.CancellationToken.ThrowIfCancellationRequested();
                    char[] buf = reader.Buffer;
                    if (IsBlankOrComment(buf, ls, ll)) continue;
                    split.Split(buf, ls, ll, delimiter);
                    if (split.Count != fieldCount)
                        throw new InputFormatException(ImportErrorIds.WrongFieldCount, file, line, null, $"{split.Count} fields, but the header (line {headerLine}) has {fieldCount}.");
                    var cell = Unquote(split.Span(buf, timeColumn.Index));
                    if (kind == TimeKind.Unknown)
                    {
                        kind = ChooseTimeKind(cell, timeColumn.Header, file, line);
                        firstHasZone = kind == TimeKind.Iso && HasZone(cell);
                    }
                    long t = ParseTime(cell, kind, file, line, timeColumn.Header);
                    try { t = checked(t + options.TimeOffset.Ticks); }
                    catch (OverflowException) { t = -1; }
                    if (t < 0 || t > DateTime.MaxValue.Ticks)
                        throw new InputFormatException(ImportErrorIds.InvalidTimestamp, file, line, timeColumn.Header, $"'{cell.ToString()}' plus TimeOffset {TimestampParser.FormatOffset(options.TimeOffset)} is outside the calendar.");
                    if (times.Count > 0)
                    {
                        long last = times[times.Count - 1];
                        if (t < last)
                            throw new InputFormatException(ImportErrorIds.TimestampsGoBackwards, file, line, timeColumn.Header,
                                $"'{cell.ToString()}' ({TimestampParser.FormatUtc(t)} UTC) is earlier than the previous row ({TimestampParser.FormatUtc(last)} UTC, line {lines[lines.Count - 1]}).");
                        if (t == last)
                        {
                            if (duplicates++ == 0) firstDuplicateLine = line;
                            continue;
                        }
                    }
                    foreach (var c in used)
                    {
                        var v = Unquote(split.Span(buf, c.Index));
                        double value;
                        if (IsMissing(v))
                        {
                            value = double.NaN;
                            if (c.MissingCount++ == 0) c.FirstMissingLine = line;
                        }
                        else if (!FastNumber.TryParseDouble(v, out value) || double.IsNaN(value) || double.IsInfinity(value))
                            throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, c.Header, $"'{v.ToString()}' is not a number.");
                        else if (value < 0)
                            throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, c.Header, $"'{v.ToString()}' is negative; {Describe(c.Metric)} cannot be.");
                        else if ((c.Metric == Metric.Running || c.Metric == Metric.Waiting) && Math.Abs(value - Math.Round(value)) > 1e-9 && c.FirstRoundedLine == 0)
                            c.FirstRoundedLine = line;
                        if (c == kv && value > 1) kvIsFraction = false;
                        c.Values.Add(value);
                    }
                    times.Add(t);
                    lines.Add(line);
                }
                if (duplicates > 0)
                    options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.SkippedRow, file, firstDuplicateLine, timeColumn.Header,
                        $"{duplicates} row{(duplicates == 1 ? "" : "s")} at the same time as the row before (the first at line {firstDuplicateLine}) skipped: an interval of zero length has no rate; the first row at each time is kept."));
                if (times.Count < 2)
                    throw new InputFormatException(ImportErrorIds.EmptyFile, file, 0, null,
                        times.Count == 0 ? "The file has a header but no data rows." : "The file has one data row; counters need two rows to give a rate.");
                string how = kind == TimeKind.Iso ? "ISO 8601 times" + (firstHasZone ? "" : " without a zone, read as UTC")
                    : kind == TimeKind.UnixSeconds ? "Unix times in seconds" : "Unix times in milliseconds";
                string offsetText = options.TimeOffset == TimeSpan.Zero ? "" : $", TimeOffset {TimestampParser.FormatOffset(options.TimeOffset)} added";
                options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, lines[0], timeColumn.Header,
                    $"Column '{timeColumn.Header}' holds {how}{offsetText}. The first row ({TimestampParser.FormatUtc(times[0])} UTC) is the counters' baseline; the series starts at the next row (line {lines[1]}, {TimestampParser.FormatUtc(times[1])} UTC)."));
            }

            int rows = times.Count;
            int n = rows - 1;
            var ts = new double[n];
            for (int i = 0; i < n; i++) ts[i] = (times[i + 1] - times[1]) / (double)TimeSpan.TicksPerSecond;
            ReportGaps(file, times, lines, options);

            var run = Whole(Gauge(running, file, lines, options), n);
            var wait = waiting != null ? Whole(Gauge(waiting, file, lines, options), n) : new int[n];
            var kvPercent = new double[n];
            if (kv != null)
            {
                var g = Gauge(kv, file, lines, options);
                double scale = kvIsFraction ? 100 : 1;
                for (int i = 0; i < n; i++) kvPercent[i] = g[i + 1] * scale;
                if (!kvIsFraction)
                    options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, 0, kv.Header,
                        "Values above 1: read as percent already (vLLM writes this gauge as a fraction, 1 = 100 %)."));
            }
            var pt = prompt != null ? Rates(prompt, times, lines, file, options) : new double[n];
            var gt = generation != null ? Rates(generation, times, lines, file, options) : new double[n];
            double[]? done = null;
            if (success.Count > 0)
            {
                done = new double[n];
                foreach (var c in success)
                {
                    var r = Rates(c, times, lines, file, options);
                    for (int i = 0; i < n; i++) done[i] += r[i];
                }
            }
            return new EngineStateSeries(Path.GetFileNameWithoutExtension(file), new DateTime(times[1], DateTimeKind.Utc), ts,
                run, wait, pt, gt, kvPercent, file, done);
        }

        // ---- header -------------------------------------------------------------------------------------------

        private static void SelectColumns(string file, long headerLine, List<string> names, PrometheusCsvOptions options,
            out Column timeColumn, out Column running, out Column? waiting, out Column? kv, out Column? prompt, out Column? generation, out List<Column> success)
        {
            Column? time = null;
            var metrics = new List<Column>();
            var ignored = new List<string>();
            for (int i = 0; i < names.Count; i++)
            {
                var m = ParseMetric(names[i], out var labels);
                if (m != Metric.None) metrics.Add(new Column(i, names[i], m, labels));
                else if (time == null && IsTimeName(names[i])) time = new Column(i, names[i], Metric.None, new Dictionary<string, string>());
                else ignored.Add(names[i]);
            }
            if (time == null)
                throw new InputFormatException(ImportErrorIds.MissingColumn, file, headerLine, "time",
                    $"No time column: name one of {string.Join(", ", TimeNames)} (optionally with _s, _ms or _utc). The header has: {Shorten(names)}.");
            var engines = new List<int>();
            foreach (var c in metrics) if (!engines.Contains(c.Engine)) engines.Add(c.Engine);
            int engine;
            if (options.Engine != null)
            {
                engine = options.Engine.Value;
                if (metrics.Count > 0 && !engines.Contains(engine))
                    throw new InputFormatException(ImportErrorIds.NoEngineState, file, headerLine, "engine",
                        $"No metric column of engine {engine}; the columns have engine{(engines.Count > 1 ? "s" : "")} {string.Join(", ", engines.OrderBy(e => e))}. Choose one of those with -Engine.");
            }
            else
            {
                engine = engines.Count > 0 ? engines[0] : 0;
                if (engines.Count > 1)
                    options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, headerLine, "engine",
                        $"Columns of engine {engine} are read; those of engine{(engines.Count > 2 ? "s" : "")} {string.Join(", ", engines.Where(e => e != engine))} are not."));
            }
            var chosen = new List<Column>();
            foreach (var c in metrics)
            {
                if (c.Engine == engine) chosen.Add(c);
                else ignored.Add(c.Header);
            }

            Column? One(Metric m)
            {
                Column? found = null;
                foreach (var c in chosen)
                {
                    if (c.Metric != m) continue;
                    if (found != null)
                        throw new InputFormatException(ImportErrorIds.DuplicateColumn, file, headerLine, c.Header,
                            $"Two columns hold {Describe(m)} of engine {engine}: '{found.Header}' and '{c.Header}'. Keep one (one model, one engine per file).");
                    found = c;
                }
                return found;
            }

            var r = One(Metric.Running);
            if (r == null)
                throw new InputFormatException(ImportErrorIds.MissingColumn, file, headerLine, "num_requests_running",
                    $"No num_requests_running column (vllm:num_requests_running, with or without the prefix and labels){(engines.Count > 0 ? $" of engine {engine}" : "")}. The header has: {Shorten(names)}.");
            running = r;
            waiting = One(Metric.Waiting);
            prompt = One(Metric.PromptTokens);
            generation = One(Metric.GenerationTokens);
            if (prompt == null && generation == null)
                throw new InputFormatException(ImportErrorIds.MissingColumn, file, headerLine, "prompt_tokens_total",
                    $"No token counter: a prompt_tokens_total or generation_tokens_total column (vllm: prefix and labels optional) is needed. The header has: {Shorten(names)}.");
            var kvNew = One(Metric.KvCacheUsage);
            var kvOld = One(Metric.GpuCacheUsage);
            kv = kvNew ?? kvOld;
            if (kvNew != null && kvOld != null) ignored.Add(kvOld.Header + " (kv_cache_usage_perc is read)");
            success = chosen.Where(c => c.Metric == Metric.RequestSuccess).ToList();
            for (int i = 0; i < success.Count; i++)
                for (int j = 0; j < i; j++)
                {
                    success[i].Labels.TryGetValue("finished_reason", out string? a);
                    success[j].Labels.TryGetValue("finished_reason", out string? b);
                    if (a == b || success[i].Identity != success[j].Identity)
                        throw new InputFormatException(ImportErrorIds.DuplicateColumn, file, headerLine, success[i].Header,
                            $"Columns '{success[j].Header}' and '{success[i].Header}' both count finished requests of engine {engine}; only columns that differ by finished_reason are summed.");
                }
            timeColumn = time;

            void Missing(string what, string reads) => options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, headerLine, what, $"No {what} column: {reads} reads 0."));
            if (waiting == null) Missing("num_requests_waiting", "Waiting");
            if (prompt == null) Missing("prompt_tokens_total", "PromptTokensPerSecond");
            if (generation == null) Missing("generation_tokens_total", "GenerationTokensPerSecond");
            if (kv == null) Missing("kv_cache_usage_perc", "KvCacheUsagePercent");
            if (ignored.Count > 0)
                options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.IgnoredColumn, file, headerLine, null,
                    $"{ignored.Count} column{(ignored.Count == 1 ? " is" : "s are")} not read: {Shorten(ignored)}."));
        }

        /// <summary>Splits a header on commas (tabs when there are tabs and no commas) outside quotes and label braces; unquotes each field.</summary>
        internal static List<string> SplitHeader(string line, out char delimiter)
        {
            delimiter = Count(line, ',') == 0 && Count(line, '\t') > 0 ? '\t' : ',';
            var fields = new List<string>();
            var sb = new StringBuilder();
            bool quoted = false; int depth = 0;
            for (int i = 0; i < line.Length; i++)
            {
                char ch = line[i];
                if (ch == '"') quoted = !quoted;
                else if (!quoted && ch == '{') depth++;
                else if (!quoted && ch == '}' && depth > 0) depth--;
                else if (!quoted && depth == 0 && ch == delimiter) { fields.Add(UnquoteText(sb.ToString())); sb.Clear(); continue; }
                sb.Append(ch);
            }
            fields.Add(UnquoteText(sb.ToString()));
            return fields;
        }

        private static int Count(string line, char d)
        {
            int n = 0; bool quoted = false; int depth = 0;
            foreach (char ch in line)
            {
                if (ch == '"') quoted = !quoted;
                else if (!quoted && ch == '{') depth++;
                else if (!quoted && ch == '}' && depth > 0) depth--;
                else if (!quoted && depth == 0 && ch == d) n++;
            }
            return n;
        }

        private static string UnquoteText(string s)
        {
            s = s.Trim(' ', '\t');
            if (s.Length >= 2 && s[0] == '"' && s[s.Length - 1] == '"') s = s.Substring(1, s.Length - 2).Replace("\"\"", "\"");
            return s.Trim();
        }

        private static bool IsTimeName(string name)
        {
            string n = name.Trim().ToLowerInvariant();
            foreach (string suffix in new[] { "_utc", "_ms", "_s" })
                if (n.EndsWith(suffix, StringComparison.Ordinal)) { n = n.Substring(0, n.Length - suffix.Length); break; }
            return Array.IndexOf(TimeNames, n) >= 0;
        }

        private static Metric ParseMetric(string header, out Dictionary<string, string> labels)
        {
            labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string name = header.Trim();
            int brace = name.IndexOf('{');
            if (brace >= 0)
            {
                int close = name.LastIndexOf('}');
                if (close < brace || close != name.Length - 1) return Metric.None;
                string body = name.Substring(brace + 1, close - brace - 1);
                name = name.Substring(0, brace).Trim();
                int at = 0;
                while (at < body.Length && body.Substring(at).Trim().Length > 0)
                {
                    var m = Label.Match(body, at);
                    if (!m.Success || m.Index != at) return Metric.None;
                    labels[m.Groups["k"].Value] = UnescapeLabel(m.Groups["v"].Value);
                    at = m.Index + m.Length;
                }
            }
            string n = name.ToLowerInvariant();
            if (n.StartsWith("vllm:", StringComparison.Ordinal) || n.StartsWith("vllm_", StringComparison.Ordinal)) n = n.Substring(5);
            switch (n)
            {
                case "num_requests_running": return Metric.Running;
                case "num_requests_waiting": return Metric.Waiting;
                case "kv_cache_usage_perc": return Metric.KvCacheUsage;
                case "gpu_cache_usage_perc": return Metric.GpuCacheUsage;
                case "prompt_tokens_total": case "prompt_tokens": return Metric.PromptTokens;
                case "generation_tokens_total": case "generation_tokens": return Metric.GenerationTokens;
                case "request_success_total": case "request_success": return Metric.RequestSuccess;
                default: return Metric.None;
            }
        }

        /// <summary>Prometheus label-value escapes: \\ \" \n.</summary>
        private static string UnescapeLabel(string v)
        {
            if (v.IndexOf('\\') < 0) return v;
            var sb = new StringBuilder(v.Length);
            for (int i = 0; i < v.Length; i++)
            {
                if (v[i] == '\\' && i + 1 < v.Length)
                {
                    char e = v[++i];
                    sb.Append(e == 'n' ? '\n' : e);
                }
                else sb.Append(v[i]);
            }
            return sb.ToString();
        }

        private static string Describe(Metric m) => m switch
        {
            Metric.Running => "num_requests_running",
            Metric.Waiting => "num_requests_waiting",
            Metric.KvCacheUsage => "kv_cache_usage_perc",
            Metric.GpuCacheUsage => "gpu_cache_usage_perc",
            Metric.PromptTokens => "prompt_tokens_total",
            Metric.GenerationTokens => "generation_tokens_total",
            Metric.RequestSuccess => "request_success_total",
            _ => "a metric",
        };

        private static string Shorten(List<string> names)
            => names.Count <= 8 ? string.Join(", ", names.Select(s => "'" + s + "'"))
                : string.Join(", ", names.Take(8).Select(s => "'" + s + "'")) + $" and {names.Count - 8} more";

        // ---- cells --------------------------------------------------------------------------------------------

        private static bool IsBlankOrComment(char[] buf, int start, int length)
        {
            for (int i = start; i < start + length; i++)
            {
                char c = buf[i];
                if (c == ' ' || c == '\t') continue;
                return c == '#';
            }
            return true;
        }

        private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> s)
        {
            if (s.Length >= 2 && s[0] == '"' && s[s.Length - 1] == '"') s = s.Slice(1, s.Length - 2).Trim();
            return s;
        }

        private static bool IsMissing(ReadOnlySpan<char> s)
            => s.Length == 0
               || s.Equals("NaN".AsSpan(), StringComparison.OrdinalIgnoreCase)
               || s.Equals("null".AsSpan(), StringComparison.OrdinalIgnoreCase);

        private static TimeKind ChooseTimeKind(ReadOnlySpan<char> cell, string header, string file, long line)
        {
            if (TimestampParser.LooksLikeDate(cell)) return TimeKind.Iso;
            string h = header.Trim().ToLowerInvariant();
            if (!FastNumber.TryParseDouble(cell, out double v) || v < 0)
                throw new InputFormatException(ImportErrorIds.InvalidTimestamp, file, line, header,
                    $"'{cell.ToString()}' is neither an ISO 8601 time (YYYY-MM-DDTHH:MM:SS[.f][Z|±HH:MM]) nor Unix seconds or milliseconds.");
            if (h.EndsWith("_ms", StringComparison.Ordinal)) return TimeKind.UnixMilliseconds;
            if (h.EndsWith("_s", StringComparison.Ordinal)) return TimeKind.UnixSeconds;
            if (v >= 1e14)
                throw new InputFormatException(ImportErrorIds.InvalidTimestamp, file, line, header,
                    $"'{cell.ToString()}' is too large for Unix seconds or milliseconds (microseconds and nanoseconds are not read).");
            return v >= 1e11 ? TimeKind.UnixMilliseconds : TimeKind.UnixSeconds;
        }

        private static bool HasZone(ReadOnlySpan<char> s)
        {
            for (int i = 19; i < s.Length; i++)
                if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || s[i] == '-') return true;
            return false;
        }

        private static long ParseTime(ReadOnlySpan<char> cell, TimeKind kind, string file, long line, string header)
        {
            if (kind == TimeKind.Iso)
            {
                if (TimestampParser.TryParseUtcTicks(cell, TimeSpan.Zero, out long t)) return t;
                throw new InputFormatException(ImportErrorIds.InvalidTimestamp, file, line, header,
                    cell.Length == 0 ? "Empty time: a row cannot be placed without one." : $"'{cell.ToString()}' is not an ISO 8601 time like the first row's (YYYY-MM-DDTHH:MM:SS[.f][Z|±HH:MM]).");
            }
            if (TryParseUnixTicks(cell, kind == TimeKind.UnixMilliseconds, out long u)) return u;
            throw new InputFormatException(ImportErrorIds.InvalidTimestamp, file, line, header,
                cell.Length == 0 ? "Empty time: a row cannot be placed without one."
                : $"'{cell.ToString()}' is not Unix time in {(kind == TimeKind.UnixMilliseconds ? "milliseconds" : "seconds")} like the first row's.");
        }

        /// <summary>Unix seconds or milliseconds to UTC ticks: exact for plain decimals (up to 100 ns), via double for exponent notation.</summary>
        internal static bool TryParseUnixTicks(ReadOnlySpan<char> s, bool milliseconds, out long ticks)
        {
            ticks = 0;
            long perUnit = milliseconds ? TimeSpan.TicksPerMillisecond : TimeSpan.TicksPerSecond;
            int i = 0;
            if (s.Length > 0 && s[0] == '+') i++;
            long whole = 0; int digits = 0;
            for (; i < s.Length && (uint)(s[i] - '0') <= 9; i++)
            {
                if (++digits > 15) return false;
                whole = whole * 10 + (s[i] - '0');
            }
            long frac = 0; long fracScale = 1;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                for (; i < s.Length && (uint)(s[i] - '0') <= 9; i++)
                {
                    digits++;
                    if (fracScale < perUnit) { frac = frac * 10 + (s[i] - '0'); fracScale *= 10; }
                }
            }
            if (digits == 0) return false;
            if (i < s.Length)
            {
                if (s[i] != 'e' && s[i] != 'E') return false;
                if (!FastNumber.TryParseDouble(s, out double v) || !(v >= 0)) return false;
                double t = Math.Round(v * perUnit);
                if (t > DateTime.MaxValue.Ticks - UnixEpochTicks) return false;
                ticks = UnixEpochTicks + (long)t;
                return true;
            }
            if (whole > (DateTime.MaxValue.Ticks - UnixEpochTicks) / perUnit - 1) return false;
            ticks = UnixEpochTicks + whole * perUnit + frac * (perUnit / fracScale);
            return true;
        }

        // ---- series -------------------------------------------------------------------------------------------

        /// <summary>Gauge readings per row: a missing cell holds the previous reading (0 before the first).</summary>
        private static double[] Gauge(Column c, string file, List<long> lines, PrometheusCsvOptions options)
        {
            var v = c.Values;
            var g = new double[v.Count];
            double last = 0;
            for (int i = 0; i < v.Count; i++) { if (!double.IsNaN(v[i])) last = v[i]; g[i] = last; }
            if (c.MissingCount > 0)
                options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.EmptyReading, file, c.FirstMissingLine, c.Header,
                    $"{c.MissingCount} empty or NaN cell{(c.MissingCount == 1 ? "" : "s")} (the first at line {c.FirstMissingLine}): the gauge holds its previous reading there (0 before its first)."));
            if (c.FirstRoundedLine > 0)
                options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, c.FirstRoundedLine, c.Header,
                    $"Readings that are not whole numbers of requests (the first at line {c.FirstRoundedLine}) are rounded to the nearest whole number."));
            return g;
        }

        /// <summary>Whole request counts of the samples (rows 1..): rounded gauge readings.</summary>
        private static int[] Whole(double[] g, int n)
        {
            var r = new int[n];
            for (int i = 0; i < n; i++) r[i] = (int)Math.Min(int.MaxValue, Math.Round(g[i + 1], MidpointRounding.AwayFromZero));
            return r;
        }

        /// <summary>
        /// Per-sample rates (rows 1..) of a counter: the increase from the previous reading (the new value after a
        /// reset) over the time since it, spread evenly over the rows in between.
        /// </summary>
        private static double[] Rates(Column c, List<long> times, List<long> lines, string file, PrometheusCsvOptions options)
        {
            var v = c.Values;
            int rows = v.Count;
            var rate = new double[rows];
            int prev = -1, first = -1, interior = 0;
            long firstInteriorLine = 0;
            for (int i = 0; i < rows; i++)
            {
                if (double.IsNaN(v[i])) continue;
                if (prev < 0) first = i;
                else
                {
                    if (i - prev > 1)
                    {
                        if (interior == 0) firstInteriorLine = lines[prev + 1];
                        interior += i - prev - 1;
                    }
                    double increase = v[i] - v[prev];
                    if (increase < 0)
                    {
                        increase = v[i];
                        options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, lines[i], c.Header,
                            string.Format(CultureInfo.InvariantCulture,
                                "The counter went down from {0} (line {1}) to {2}: a reset (restarted server); counted from zero, as Prometheus rate() does.",
                                v[prev], lines[prev], v[i])));
                    }
                    double r = increase / ((times[i] - times[prev]) / (double)TimeSpan.TicksPerSecond);
                    for (int k = prev + 1; k <= i; k++) rate[k] = r;
                }
                prev = i;
            }
            if (prev < 0)
                options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.EmptyReading, file, 0, c.Header, "The counter has no reading at all: its rate reads 0."));
            else
            {
                if (interior > 0)
                    options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.EmptyReading, file, firstInteriorLine, c.Header,
                        $"{interior} empty or NaN cell{(interior == 1 ? "" : "s")} between readings (the first at line {firstInteriorLine}): the increase across them is spread evenly over those rows' intervals."));
                if (first > 0)
                    options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.EmptyReading, file, lines[first], c.Header,
                        $"The counter's first reading is at line {lines[first]}: the rate{(first == 1 ? "" : "s")} of the {first} sample{(first == 1 ? "" : "s")} up to that line read{(first == 1 ? "s" : "")} 0 (no earlier reading to count from)."));
                int after = rows - 1 - prev;
                if (after > 0)
                    options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.EmptyReading, file, lines[prev], c.Header,
                        $"No reading after line {lines[prev]}: the rate{(after == 1 ? "" : "s")} of the last {after} sample{(after == 1 ? "" : "s")} read{(after == 1 ? "s" : "")} 0."));
            }
            var result = new double[rows - 1];
            Array.Copy(rate, 1, result, 0, rows - 1);
            return result;
        }

        private static void ReportGaps(string file, List<long> times, List<long> lines, PrometheusCsvOptions options)
        {
            int m = times.Count - 1;
            if (m < 3) return;
            var dt = new long[m];
            for (int i = 0; i < m; i++) dt[i] = times[i + 1] - times[i];
            var sorted = (long[])dt.Clone();
            Array.Sort(sorted);
            long median = sorted[m / 2];
            int gaps = 0, longest = -1;
            for (int i = 0; i < m; i++)
                if (dt[i] > 2.5 * median)
                {
                    gaps++;
                    if (longest < 0 || dt[i] > dt[longest]) longest = i;
                }
            if (gaps == 0) return;
            options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, lines[longest + 1], null,
                string.Format(CultureInfo.InvariantCulture,
                    "{0} interval{1} longer than 2.5 x the usual {2:0.###} s between rows (the longest, {3:0.###} s, ends at line {4}): counter rates there are averages over the whole interval.",
                    gaps, gaps == 1 ? " is" : "s are", median / (double)TimeSpan.TicksPerSecond, dt[longest] / (double)TimeSpan.TicksPerSecond, lines[longest + 1])));
        }
    }
}
