using System.Text;

namespace PowerTrace.Tests.Import.Fuzz;

/// <summary>
/// Damages a real file the ways files get damaged: cut short, bytes flipped, columns swapped, lines duplicated,
/// reordered, deleted or blanked, re-encoded (UTF-16 with and without byte-order mark, Latin-1, CRLF), numbers
/// replaced by huge, tiny, negative or non-finite ones, fields emptied. Deterministic: one seed, one damaged file.
/// </summary>
internal static class Mutator
{
    private static readonly string[] Extremes =
    {
        "1e308", "-1e308", "1e400", "1e-320", "4.9e-324", "-1", "-0", "0", "NaN", "Infinity", "-Infinity",
        "99999999999999999999", "1e12", "1.0000001e12", "0x10", "1,5", "", " ", "[N/A]", "[Not Supported]", "+", ".", "1e", "--1",
    };

    private static readonly char[] Interesting = { '0', '1', '9', ',', ';', '.', '-', '/', ':', ' ', '\n', '\r', '"', '[', ']', 'e', 'E', 'Z', 'T', '+', '{', '}', '\t', '\0' };

    /// <summary>The damaged file's bytes and a description of what was done (for the failure report).</summary>
    public static (byte[] Bytes, string What) Mutate(string text, ulong seed, char delimiter = ',')
    {
        var r = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var what = new List<string>();
        var lines = text.Split('\n').ToList();
        if (lines.Count > 1 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        bool finalNewline = true;
        int ops = 1 + r.Next(3);
        for (int k = 0; k < ops; k++)
        {
            int n = lines.Count;
            int i = r.Next(Math.Max(1, n));
            switch (r.Next(11))
            {
                case 0: // duplicate a line
                    if (n > 0) { lines.Insert(i, lines[i]); what.Add($"duplicate line {i + 1}"); }
                    break;
                case 1: // swap two lines
                    if (n > 1) { int j = r.Next(n); (lines[i], lines[j]) = (lines[j], lines[i]); what.Add($"swap lines {i + 1} and {j + 1}"); }
                    break;
                case 2: // delete a line
                    if (n > 1) { lines.RemoveAt(i); what.Add($"delete line {i + 1}"); }
                    break;
                case 3: // swap two columns in every line
                    {
                        int a = r.Next(5), b = r.Next(5);
                        for (int L = 0; L < lines.Count; L++)
                        {
                            var f = lines[L].Split(delimiter);
                            if (a < f.Length && b < f.Length) { (f[a], f[b]) = (f[b], f[a]); lines[L] = string.Join(delimiter, f); }
                        }
                        what.Add($"swap columns {a} and {b}");
                        break;
                    }
                case 4: // a number replaced by an extreme
                case 5:
                    if (n > 0) { lines[i] = ReplaceNumber(lines[i], r, out string d); what.Add($"line {i + 1}: {d}"); }
                    break;
                case 6: // empty a field
                    if (n > 0)
                    {
                        var f = lines[i].Split(delimiter);
                        int c = r.Next(f.Length);
                        f[c] = "";
                        lines[i] = string.Join(delimiter, f);
                        what.Add($"line {i + 1}: empty field {c}");
                    }
                    break;
                case 7: // blank, whitespace or garbage line
                    {
                        string[] junk = { "", "   ", "\t", "garbage", "#comment", "\"", "{", ",,,", ";;;", "\u00e9\u00b5" };
                        string g = junk[r.Next(junk.Length)];
                        lines.Insert(i, g);
                        what.Add($"insert line {i + 1} '{g}'");
                        break;
                    }
                case 8: // cut the file short (no final newline)
                    {
                        string all = string.Join("\n", lines);
                        if (all.Length > 1)
                        {
                            int at = 1 + r.Next(all.Length - 1);
                            lines = all.Substring(0, at).Split('\n').ToList();
                            finalNewline = false;
                            what.Add($"cut at char {at}");
                        }
                        break;
                    }
                default: // flip characters
                    {
                        int flips = 1 + r.Next(4);
                        for (int q = 0; q < flips && lines.Count > 0; q++)
                        {
                            int li = r.Next(lines.Count);
                            var s = lines[li];
                            if (s.Length == 0) continue;
                            int p = r.Next(s.Length);
                            char c = r.Next(3) == 0 ? (char)r.Next(1, 256) : Interesting[r.Next(Interesting.Length)];
                            lines[li] = s.Substring(0, p) + c + s.Substring(p + 1);
                            what.Add($"line {li + 1} char {p} -> U+{(int)c:X4}");
                        }
                        break;
                    }
            }
        }
        string body = string.Join("\n", lines) + (finalNewline ? "\n" : "");
        byte[] bytes;
        switch (r.Next(14))
        {
            case 0: bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(body)).ToArray(); what.Add("UTF-16LE with BOM"); break;
            case 1: bytes = Encoding.Unicode.GetBytes(body); what.Add("UTF-16LE without BOM"); break;
            case 2: bytes = Encoding.BigEndianUnicode.GetPreamble().Concat(Encoding.BigEndianUnicode.GetBytes(body)).ToArray(); what.Add("UTF-16BE with BOM"); break;
            case 3: bytes = Encoding.Latin1.GetBytes(body.Replace(" ", "\u00a0")); what.Add("Latin-1, spaces as NBSP"); break;
            case 4: bytes = new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(body)).ToArray(); what.Add("UTF-8 with BOM"); break;
            case 5: bytes = Encoding.UTF8.GetBytes(body.Replace("\n", "\r\n")); what.Add("CRLF"); break;
            case 6: bytes = Encoding.UTF8.GetBytes(body.Replace("\n", "\r")); what.Add("CR only"); break;
            default: bytes = Encoding.UTF8.GetBytes(body); break;
        }
        return (bytes, string.Join("; ", what));
    }

    // Replaces one number-like token of the line with an extreme value.
    private static string ReplaceNumber(string line, Random r, out string what)
    {
        var spans = new List<(int Start, int Length)>();
        int i = 0;
        while (i < line.Length)
        {
            if (char.IsDigit(line[i]))
            {
                int s = i;
                while (i < line.Length && (char.IsDigit(line[i]) || line[i] == '.')) i++;
                spans.Add((s, i - s));
            }
            else i++;
        }
        string x = Extremes[r.Next(Extremes.Length)];
        if (spans.Count == 0) { what = "no number"; return line; }
        var (st, len) = spans[r.Next(spans.Count)];
        what = $"'{line.Substring(st, len)}' -> '{x}'";
        return line.Substring(0, st) + x + line.Substring(st + len);
    }

    /// <summary>The damaged bytes as the importers read them: BOM-detected, UTF-8 otherwise (invalid bytes replaced).</summary>
    public static string Decode(byte[] bytes)
    {
        using var sr = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        return sr.ReadToEnd();
    }
}
