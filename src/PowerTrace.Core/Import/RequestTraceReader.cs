using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Reads request logs into a <see cref="RequestTrace"/>: Azure LLM inference CSV, Mooncake JSONL,
    /// and generic CSV with auto-detected (or named) columns.
    /// </summary>
    /// <remarks>
    /// Absolute timestamps: StartUtc is the first request's arrival and arrivals count from it.
    /// Relative times (Mooncake milliseconds, seconds columns): arrivals are kept as given, and
    /// StartUtc is <see cref="RequestImportOptions.StartUtc"/> (null when not given).
    /// Columns the reader does not use are reported as <see cref="ImportNoticeKind.IgnoredColumn"/>.
    /// Every row must parse; arrivals must not go backwards.
    /// </remarks>
    public static class RequestTraceReader
    {
        private static readonly string[] ArrivalNames = { "arrival_s", "arrival_time_s", "arrival_time", "arrival", "timestamp", "time", "time_s", "t", "ts", "start_time", "send_time", "arrival_ms", "timestamp_ms" };
        private static readonly string[] PromptNames = { "input_tokens", "prompt_tokens", "contexttokens", "context_tokens", "input_length", "input_len", "prompt_length", "prompt_len", "num_prompt_tokens", "prompt_tokens_count" };
        private static readonly string[] OutputNames = { "output_tokens", "generated_tokens", "generatedtokens", "completion_tokens", "output_length", "output_len", "num_output_tokens", "response_tokens", "decode_tokens" };
        private static readonly string[] TtftNames = { "ttft_s", "ttft", "time_to_first_token", "time_to_first_token_s", "ttft_ms" };
        private static readonly string[] LatencyNames = { "latency_s", "e2e_s", "e2e_latency_s", "end_to_end_latency_s", "latency", "e2e", "e2e_latency", "latency_ms", "e2e_ms" };

        /// <summary>Reads one request log.</summary>
        /// <exception cref="InputFormatException">Bad content; see <see cref="ImportErrorIds"/>.</exception>
        public static RequestTrace Read(string path, RequestImportOptions? options = null)
        {
            options ??= new RequestImportOptions();
            if (path == null) throw new ArgumentNullException(nameof(path));
            string file = Path.GetFullPath(path);
            using var reader = new LineReader(file);
            var split = new FieldSplitter();
            int ls, ll;
            while (true)
            {
                if (!reader.ReadLine(out ls, out ll))
                    throw new InputFormatException(ImportErrorIds.EmptyFile, file, 0, null, "The file holds no data.");
                if (!string.IsNullOrWhiteSpace(new string(reader.Buffer, ls, ll))) break;
            }
            var format = options.Format;
            char firstChar = new string(reader.Buffer, ls, ll).TrimStart()[0];
            if (format == RequestFileFormat.Auto) format = firstChar == '{' ? RequestFileFormat.Mooncake : RequestFileFormat.Generic;
            if (format == RequestFileFormat.Mooncake) return ReadMooncake(file, reader, ls, ll, options);
            return ReadCsv(file, reader, split, ls, ll, format, options);
        }

        private static RequestTrace ReadMooncake(string file, LineReader reader, int ls, int ll, RequestImportOptions o)
        {
            var arr = new List<double>();
            var pin = new List<int>();
            var pout = new List<int>();
            bool first = true;
            var ignored = new HashSet<string>();
            double last = double.NegativeInfinity;
            do
            {
                if (!first && string.IsNullOrWhiteSpace(new string(reader.Buffer, ls, ll))) continue;
                long line = reader.LineNumber;
                if ((line & 0xFFF) == 0) o.CancellationToken.ThrowIfCancellationRequested();
                first = false;
                string text = new string(reader.Buffer, ls, ll);
                double? ts = null; int? inLen = null, outLen = null;
                try
                {
                try
                {
                    var r = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
                    if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
                        throw new InputFormatException(ImportErrorIds.InvalidJson, file, line, null, "Not a JSON object.");
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        string name = r.GetString()!;
                        if (!r.Read()) break;
                        switch (name)
                        {
                            case "timestamp":
                                if (r.TokenType != JsonTokenType.Number || !r.TryGetDouble(out double t) || double.IsNaN(t) || double.IsInfinity(t))
                                    throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, name, "timestamp is not a number of milliseconds.");
                                ts = t; break;
                            case "input_length":
                                inLen = Tokens(r, file, line, name); break;
                            case "output_length":
                                outLen = Tokens(r, file, line, name); break;
                            default:
                                if (ignored.Add(name)) o.Notice?.Invoke(new ImportNotice(ImportNoticeKind.IgnoredColumn, file, line, name, "Member not used."));
                                r.Skip();
                                break;
                        }
                    }
                }
                catch (JsonException ex)
                {
                    throw new InputFormatException(ImportErrorIds.InvalidJson, file, line, null, "Malformed JSON: " + ex.Message, ex);
                }
                if (ts == null) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, "timestamp", "No 'timestamp' member.");
                if (inLen == null) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, "input_length", "No 'input_length' member.");
                if (outLen == null) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, "output_length", "No 'output_length' member.");
                }
                catch (InputFormatException ex) when (!reader.LastLineTerminated)
                {
                    TruncatedNotice(o, file, line, ex);
                    continue;
                }
                double sec = ts.Value / 1000.0;
                if (sec < last) throw new InputFormatException(ImportErrorIds.TimestampsGoBackwards, file, line, "timestamp", $"{ts.Value} ms is earlier than the previous request ({last * 1000} ms).");
                last = sec;
                arr.Add(sec); pin.Add(inLen.Value); pout.Add(outLen.Value);
            } while (reader.ReadLine(out ls, out ll));
            if (arr.Count == 0) throw new InputFormatException(ImportErrorIds.EmptyFile, file, 0, null, "The file holds no requests.");
            var trace = new RequestTrace(Path.GetFileNameWithoutExtension(file), "Mooncake", o.StartUtc, arr.ToArray(), pin.ToArray(), pout.ToArray(), null, null, file);
            NoteRelativeStart(trace, file, "timestamp", o);
            return trace;
        }

        private static void Truncate<T>(List<T> list, int count)
        {
            if (list.Count > count) list.RemoveRange(count, list.Count - count);
        }

        private static void TruncatedNotice(RequestImportOptions o, string file, long line, InputFormatException ex)
            => o.Notice?.Invoke(new ImportNotice(ImportNoticeKind.TruncatedLine, file, line, ex.Field,
                "Final line cut short (the file ends without a line end: its writer stopped mid-record); not read: " + ex.Problem));

        // Verbose check of the timeline: where the first relative arrival lands in UTC, if anywhere.
        private static void NoteRelativeStart(RequestTrace trace, string file, string field, RequestImportOptions o)
        {
            if (o.Notice == null) return;
            DateTime? first = trace.Count > 0 ? trace.ArrivalUtc(0) : null;
            o.Notice(new ImportNotice(ImportNoticeKind.Information, file, 0, field, first == null
                ? "Arrivals are relative seconds and no StartUtc was given: the trace has no place on the UTC timeline."
                : $"Arrivals are relative seconds counted from StartUtc {TimestampParser.FormatUtc(trace.StartUtc!.Value.Ticks)} UTC; the first request arrives at {TimestampParser.FormatUtc(first.Value.Ticks)} UTC."));
        }

        private static int Tokens(Utf8JsonReader r, string file, long line, string name)
        {
            if (r.TokenType != JsonTokenType.Number || !r.TryGetInt32(out int v) || v < 0)
                throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, name, "Not a non-negative whole number of tokens.");
            return v;
        }

        private static string Norm(string s) => s.Trim().Trim('"').Trim().ToLowerInvariant();

        private static int FindColumn(List<string> header, string? wanted, string[] spellings, string file, string role, bool required)
        {
            var norm = header.Select(Norm).ToList();
            if (wanted != null)
            {
                int i = norm.IndexOf(Norm(wanted));
                if (i < 0) throw new InputFormatException(ImportErrorIds.MissingColumn, file, 1, wanted, $"No column '{wanted}' for {role} (columns: {string.Join(", ", header)}).");
                return i;
            }
            foreach (var s in spellings)
            {
                int i = norm.IndexOf(s);
                if (i >= 0) return i;
            }
            if (required)
                throw new InputFormatException(ImportErrorIds.MissingColumn, file, 1, role,
                    $"No {role} column (looked for {string.Join(", ", spellings)}; columns: {string.Join(", ", header)}). Name it with the {role} column option.");
            return -1;
        }

        private static RequestTrace ReadCsv(string file, LineReader reader, FieldSplitter split, int ls, int ll, RequestFileFormat format, RequestImportOptions o)
        {
            char delimiter = CsvDialect.Detect(reader.Buffer, ls, ll);
            split.Split(reader.Buffer, ls, ll, delimiter);
            var header = split.All(reader.Buffer);
            if (delimiter == ';')
                o.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, reader.LineNumber, null,
                    "Semicolon-separated with decimal commas (the CSV Excel writes where the comma is the decimal separator): '0,25' reads as 0.25."));
            long headerLine = reader.LineNumber;
            if (header.Count > 0 && TimestampParser.LooksLikeDate(header[0].AsSpan()))
                throw new InputFormatException(ImportErrorIds.MissingColumn, file, headerLine, null, "A request CSV needs a header line naming its columns.");
            var norm = header.Select(Norm).ToList();
            bool azure = norm.Contains("timestamp") && norm.Contains("contexttokens") && norm.Contains("generatedtokens");
            if (format == RequestFileFormat.Azure && !azure)
            {
                string missing = new[] { "TIMESTAMP", "ContextTokens", "GeneratedTokens" }.First(c => !norm.Contains(c.ToLowerInvariant()));
                throw new InputFormatException(ImportErrorIds.MissingColumn, file, headerLine, missing, $"Not an Azure trace: no '{missing}' column.");
            }
            string label = azure ? "Azure" : "Generic";
            int ca = FindColumn(header, o.ArrivalColumn, ArrivalNames, file, "Arrival", true);
            int cp = FindColumn(header, o.PromptTokensColumn, PromptNames, file, "PromptTokens", true);
            int co = FindColumn(header, o.OutputTokensColumn, OutputNames, file, "OutputTokens", true);
            int cf = FindColumn(header, o.TtftColumn, TtftNames, file, "Ttft", false);
            int cl = FindColumn(header, o.LatencyColumn, LatencyNames, file, "Latency", false);
            for (int i = 0; i < header.Count; i++)
                if (i != ca && i != cp && i != co && i != cf && i != cl)
                    o.Notice?.Invoke(new ImportNotice(ImportNoticeKind.IgnoredColumn, file, headerLine, header[i].Trim(), "Column not used."));
            double arrScale = norm[ca].EndsWith("_ms", StringComparison.Ordinal) ? 1e-3 : 1;
            double fScale = cf >= 0 && norm[cf].EndsWith("_ms", StringComparison.Ordinal) ? 1e-3 : 1;
            double lScale = cl >= 0 && norm[cl].EndsWith("_ms", StringComparison.Ordinal) ? 1e-3 : 1;

            var ticks = new List<long>();
            var secs = new List<double>();
            var pin = new List<int>();
            var pout = new List<int>();
            var ttft = cf >= 0 ? new List<double>() : null;
            var lat = cl >= 0 ? new List<double>() : null;
            bool? absolute = null;
            string? firstText = null;
            while (reader.ReadLine(out ls, out ll))
            {
                char[] buf = reader.Buffer;
                long line = reader.LineNumber;
                if ((line & 0x3FFF) == 0) o.CancellationToken.ThrowIfCancellationRequested();
                if (ll == 0 || string.IsNullOrWhiteSpace(new string(buf, ls, ll))) continue;
                CsvDialect.NormalizeDecimals(buf, ls, ll, delimiter);
                split.Split(buf, ls, ll, delimiter);
                int before = pin.Count;
                try
                {
                if (split.Count != header.Count)
                    throw new InputFormatException(ImportErrorIds.WrongFieldCount, file, line, null, $"Expected {header.Count} fields ({string.Join(", ", header)}), found {split.Count}.");
                var a = split.Span(buf, ca);
                if (a.Length > 0 && a[0] == '"') a = a.Trim('"');
                bool isDate = TimestampParser.LooksLikeDate(a);
                if (absolute == null) absolute = isDate;
                if (absolute.Value)
                {
                    if (!TimestampParser.TryParseUtcTicks(a, o.UtcOffset, out long t))
                        throw new InputFormatException(ImportErrorIds.InvalidTimestamp, file, line, header[ca].Trim(),
                            a.Length == 0 ? "Empty timestamp." : $"'{a.ToString()}' is not a timestamp (expected YYYY-MM-DD HH:MM:SS[.fffffff][zone]).");
                    if (firstText == null) firstText = a.ToString();
                    if (ticks.Count > 0 && t < ticks[ticks.Count - 1])
                        throw new InputFormatException(ImportErrorIds.TimestampsGoBackwards, file, line, header[ca].Trim(), $"'{a.ToString()}' is earlier than the previous request.");
                    ticks.Add(t);
                }
                else
                {
                    if (!FastNumber.TryParseDouble(a, out double s))
                        throw new InputFormatException(isDate ? ImportErrorIds.InvalidTimestamp : ImportErrorIds.InvalidNumber, file, line, header[ca].Trim(),
                            $"'{a.ToString()}' is not a number of seconds (earlier rows hold seconds, not timestamps).");
                    s *= arrScale;
                    if (secs.Count > 0 && s < secs[secs.Count - 1])
                        throw new InputFormatException(ImportErrorIds.TimestampsGoBackwards, file, line, header[ca].Trim(), $"{a.ToString()} is earlier than the previous request.");
                    secs.Add(s);
                }
                pin.Add(Int(split, buf, cp, header, file, line));
                pout.Add(Int(split, buf, co, header, file, line));
                if (ttft != null) ttft.Add(Opt(split, buf, cf, header, file, line) * fScale);
                if (lat != null) lat.Add(Opt(split, buf, cl, header, file, line) * lScale);
                }
                catch (InputFormatException ex) when (!reader.LastLineTerminated)
                {
                    // The file ends inside this line: its writer stopped mid-record. Drop what the line added; keep the rest.
                    Truncate(ticks, before); Truncate(secs, before); Truncate(pin, before); Truncate(pout, before);
                    if (ttft != null) Truncate(ttft, before);
                    if (lat != null) Truncate(lat, before);
                    if (before == 0) absolute = null;
                    TruncatedNotice(o, file, line, ex);
                }
            }
            int n = pin.Count;
            if (n == 0) throw new InputFormatException(ImportErrorIds.EmptyFile, file, 0, null, "The file holds a header but no requests.");
            double[] arrival;
            DateTime? start;
            if (absolute == true)
            {
                long t0 = ticks[0];
                arrival = new double[n];
                for (int i = 0; i < n; i++) arrival[i] = (ticks[i] - t0) / (double)TimeSpan.TicksPerSecond;
                start = new DateTime(t0, DateTimeKind.Utc);
            }
            else
            {
                arrival = secs.ToArray();
                start = o.StartUtc;
            }
            var trace = new RequestTrace(Path.GetFileNameWithoutExtension(file), label, start, arrival, pin.ToArray(), pout.ToArray(),
                ttft?.ToArray(), lat?.ToArray(), file);
            if (absolute == true)
                o.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, 0, header[ca].Trim(),
                    $"First arrival '{firstText}' is {TimestampParser.FormatUtc(ticks[0])} UTC {TimestampParser.DescribeOffset(o.UtcOffset)}."));
            else NoteRelativeStart(trace, file, header[ca].Trim(), o);
            return trace;
        }

        private static int Int(FieldSplitter split, char[] buf, int col, List<string> header, string file, long line)
        {
            var s = split.Span(buf, col);
            if (FastNumber.TryParseInt(s, out int v) && v >= 0) return v;
            // "12.0" written by some tools: accept whole numbers only.
            if (FastNumber.TryParseDouble(s, out double d) && d >= 0 && d <= int.MaxValue && d == Math.Floor(d)) return (int)d;
            throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, header[col].Trim(),
                s.Length == 0 ? "Empty token count." : $"'{s.ToString()}' is not a non-negative whole number of tokens.");
        }

        // Measured latencies: empty means "not measured for this request" (NaN), as the type documents.
        private static double Opt(FieldSplitter split, char[] buf, int col, List<string> header, string file, long line)
        {
            var s = split.Span(buf, col);
            if (s.Length == 0 || s.SequenceEqual("NaN".AsSpan()) || s.SequenceEqual("NA".AsSpan())) return double.NaN;
            if (FastNumber.TryParseDouble(s, out double v) && v >= 0) return v;
            throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, header[col].Trim(), $"'{s.ToString()}' is not a non-negative number of seconds.");
        }
    }
}
