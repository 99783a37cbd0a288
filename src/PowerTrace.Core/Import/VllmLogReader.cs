using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Reads vLLM's periodic engine-state lines (<c>loggers.py</c>: prompt and generation
    /// throughput, running and waiting requests, KV-cache usage) into an <see cref="EngineStateSeries"/>.
    /// </summary>
    /// <remarks>
    /// ANSI colour codes are stripped. Both the V1 wording (<c>Running: N reqs, Waiting: N reqs,
    /// GPU KV cache usage: x%</c>) and the V0 wording (<c>Running: N reqs, Swapped: N reqs,
    /// Pending: N reqs, GPU KV cache usage: x%</c>; Pending counts as waiting) are read. Other lines
    /// are not engine state and are passed over. A line that has the throughput wording but not the
    /// rest is an error (InvalidNumber / MissingColumn), never skipped.
    /// </remarks>
    public static class VllmLogReader
    {
        private static readonly Regex Ansi = new Regex(@"\x1B\[[0-9;?]*[A-Za-z]", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        private static readonly Regex Stamp = new Regex(@"(?<![0-9])(?<mo>\d\d)-(?<d>\d\d) (?<h>\d\d):(?<mi>\d\d):(?<s>\d\d)(?:\.(?<f>\d{1,6}))?(?![0-9])", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        private static readonly Regex EngineId = new Regex(@"Engine (?<e>\d+):", RegexOptions.Compiled | RegexOptions.CultureInvariant);
        private const string PromptLabel = "Avg prompt throughput:";
        private static readonly Regex Prompt = Field(@"Avg prompt throughput: (?<v>\S+) tokens/s");
        private static readonly Regex Gen = Field(@"Avg generation throughput: (?<v>\S+) tokens/s");
        private static readonly Regex Running = Field(@"Running: (?<v>\S+) reqs");
        private static readonly Regex Waiting = Field(@"(?:Waiting|Pending): (?<v>\S+) reqs");
        private static readonly Regex Kv = Field(@"(?:GPU )?KV cache usage: (?<v>[^%\s,]+)%");

        private static Regex Field(string p) => new Regex(p, RegexOptions.Compiled | RegexOptions.CultureInvariant);

        /// <summary>Reads one vLLM server log.</summary>
        /// <exception cref="InvalidSettingException">No <see cref="VllmLogOptions.Year"/> (YearRequired).</exception>
        /// <exception cref="InputFormatException">No engine-state lines (NoEngineState), a malformed one, or time going backwards.</exception>
        public static EngineStateSeries Read(string path, VllmLogOptions? options = null)
        {
            options ??= new VllmLogOptions();
            if (path == null) throw new ArgumentNullException(nameof(path));
            if (options.Year == null)
                throw new InvalidSettingException(ImportErrorIds.YearRequired, "Year", "vLLM log times carry no year: give the year of the log's first line.");
            int year = options.Year.Value;
            if (year < 1 || year > 9998) throw new InvalidSettingException(ImportErrorIds.InvalidImportSetting, "Year", $"Year {year} is out of range.");
            string file = Path.GetFullPath(path);
            var times = new List<long>();
            var run = new List<int>();
            var wait = new List<int>();
            var pt = new List<double>();
            var gt = new List<double>();
            var kv = new List<double>();
            int? engine = options.Engine;
            int lastMonth = 0;
            bool otherEngineNoted = false;
            var enginesSeen = new SortedSet<int>();
            bool anyLine = false;
            string firstStamp = "";
            using (var reader = new LineReader(file))
            {
                while (reader.ReadLine(out int ls, out int ll))
                {
                    anyLine = true;
                    long line = reader.LineNumber;
                    if ((line & 0xFFF) == 0) options.CancellationToken.ThrowIfCancellationRequested();
                    string raw = new string(reader.Buffer, ls, ll);
                    if (raw.IndexOf("throughput", StringComparison.Ordinal) < 0) continue;
                    string text = Ansi.Replace(raw, "");
                    // An engine-state line is one that says "Avg prompt throughput:"; the rest of it must be there.
                    int at = text.IndexOf(PromptLabel, StringComparison.Ordinal);
                    if (at < 0) continue;
                    var pm = Prompt.Match(text, at);
                    if (!pm.Success)
                    {
                        var bad = new InputFormatException(ImportErrorIds.InvalidNumber, file, line, "prompt throughput", "Engine-state line without 'Avg prompt throughput: <number> tokens/s'.");
                        if (reader.LastLineTerminated) throw bad;
                        options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.TruncatedLine, file, line, bad.Field,
                            "Final line cut short (the file ends without a line end: its writer stopped mid-record); not read: " + bad.Problem));
                        continue;
                    }
                    var em = EngineId.Match(text);
                    int e = 0;
                    if (em.Success && !int.TryParse(em.Groups["e"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out e))
                        throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, "Engine", $"'{em.Groups["e"].Value}' is not an engine number.");
                    enginesSeen.Add(e);
                    if (engine == null) engine = e;
                    else if (e != engine.Value)
                    {
                        if (!otherEngineNoted)
                            options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, line, "Engine", $"Lines of engine {e} are not read (reading engine {engine.Value})."));
                        otherEngineNoted = true;
                        continue;
                    }
                    long t;
                    double promptTps, genTps, kvUse;
                    int running, waiting;
                    try
                    {
                    var sm = Stamp.Match(text);
                    if (!sm.Success || sm.Index > pm.Index)
                        throw new InputFormatException(ImportErrorIds.InvalidTimestamp, file, line, "time", "No MM-DD HH:MM:SS time before the engine state.");
                    int mo = Int(sm, "mo"), d = Int(sm, "d");
                    // The log's times carry no year: only December followed by January is a new year. Any other month
                    // going down is time going backwards (reported), never a guessed year that would shift the rest of the log.
                    if (lastMonth == 12 && mo == 1) year++;
                    lastMonth = mo;
                    DateTime local;
                    try
                    {
                        local = new DateTime(year, mo, d, Int(sm, "h"), Int(sm, "mi"), Int(sm, "s"), DateTimeKind.Utc);
                        if (sm.Groups["f"].Success)
                            local = local.AddTicks(long.Parse(sm.Groups["f"].Value.PadRight(7, '0'), CultureInfo.InvariantCulture));
                    }
                    catch (ArgumentOutOfRangeException)
                    {
                        throw new InputFormatException(ImportErrorIds.InvalidTimestamp, file, line, "time", $"'{sm.Value}' is not a date in {year}.");
                    }
                    t = local.Ticks + options.TimeOffset.Ticks;
                    if (times.Count > 0 && t < times[times.Count - 1])
                        throw new InputFormatException(ImportErrorIds.TimestampsGoBackwards, file, line, "time", $"'{sm.Value}' is earlier than the previous engine-state line.");
                    if (times.Count == 0) firstStamp = $"'{sm.Value}' ({year})";
                    promptTps = Num(pm, file, line, "prompt throughput");
                    genTps = Num(Require(Gen, text, file, line, "generation throughput"), file, line, "generation throughput");
                    running = IntField(Require(Running, text, file, line, "Running"), file, line, "Running");
                    waiting = IntField(Require(Waiting, text, file, line, "Waiting"), file, line, "Waiting");
                    kvUse = Num(Require(Kv, text, file, line, "KV cache usage"), file, line, "KV cache usage");
                    }
                    catch (InputFormatException ex) when (!reader.LastLineTerminated && ex.ErrorId != ImportErrorIds.TimestampsGoBackwards)
                    {
                        // The file ends inside this line: the server stopped mid-record. Everything before it stands.
                        options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.TruncatedLine, file, line, ex.Field,
                            "Final line cut short (the file ends without a line end: its writer stopped mid-record); not read: " + ex.Problem));
                        continue;
                    }
                    if (times.Count == 0)
                        options.Notice?.Invoke(new ImportNotice(ImportNoticeKind.Information, file, line, "time",
                            $"First engine-state line at log time {firstStamp} is {TimestampParser.FormatUtc(t)} UTC (UTC = log time + TimeOffset {TimestampParser.FormatOffset(options.TimeOffset)})."));
                    times.Add(t);
                    pt.Add(promptTps);
                    gt.Add(genTps);
                    run.Add(running);
                    wait.Add(waiting);
                    kv.Add(kvUse);
                }
            }
            if (!anyLine) throw new InputFormatException(ImportErrorIds.EmptyFile, file, 0, null, "The file is empty.");
            if (times.Count == 0 && options.Engine != null && enginesSeen.Count > 0)
                throw new InputFormatException(ImportErrorIds.NoEngineState, file, 0, "Engine",
                    $"No engine-state lines of engine {options.Engine.Value}; the file has engine-state lines of engine{(enginesSeen.Count > 1 ? "s" : "")} {string.Join(", ", enginesSeen)}. Choose one of those with -Engine.");
            if (times.Count == 0) throw new InputFormatException(ImportErrorIds.NoEngineState, file, 0, null, "No vLLM engine-state lines ('Avg prompt throughput: ...') in the file.");
            long t0 = times[0];
            var ts = new double[times.Count];
            for (int i = 0; i < ts.Length; i++) ts[i] = (times[i] - t0) / (double)TimeSpan.TicksPerSecond;
            return new EngineStateSeries(Path.GetFileNameWithoutExtension(file), new DateTime(t0, DateTimeKind.Utc), ts,
                run.ToArray(), wait.ToArray(), pt.ToArray(), gt.ToArray(), kv.ToArray(), file);
        }

        private static int Int(Match m, string g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);

        private static Match Require(Regex r, string text, string file, long line, string field)
        {
            var m = r.Match(text);
            if (!m.Success) throw new InputFormatException(ImportErrorIds.MissingColumn, file, line, field, $"Engine-state line without '{field}'.");
            return m;
        }

        private static double Num(Match m, string file, long line, string field)
        {
            string v = m.Groups["v"].Value.TrimEnd(',');
            if (FastNumber.TryParseDouble(v.AsSpan(), out double d)) return d;
            throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, field, $"'{v}' is not a number.");
        }

        private static int IntField(Match m, string file, long line, string field)
        {
            string v = m.Groups["v"].Value.TrimEnd(',');
            if (FastNumber.TryParseInt(v.AsSpan(), out int d) && d >= 0) return d;
            throw new InputFormatException(ImportErrorIds.InvalidNumber, file, line, field, $"'{v}' is not a whole number of requests.");
        }
    }
}
