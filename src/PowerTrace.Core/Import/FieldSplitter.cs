using System;
using System.Collections.Generic;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Splits one delimited line into fields (start, length) inside the line's buffer, trimming
    /// spaces and tabs around each field. A field that starts with a double quote runs to the
    /// closing quote (a doubled quote inside stays doubled in the span; <see cref="Text"/> unescapes).
    /// </summary>
    internal sealed class FieldSplitter
    {
        private int[] _starts = new int[16];
        private int[] _lengths = new int[16];

        /// <summary>Number of fields found by the last <see cref="Split"/>.</summary>
        public int Count { get; private set; }

        public int Start(int i) => _starts[i];
        public int Length(int i) => _lengths[i];

        /// <summary>
        /// Field <paramref name="i"/> as a span of <paramref name="buffer"/>, without its enclosing quotes when it has them
        /// (PowerShell's Export-Csv quotes every field, numbers and times included; a doubled quote inside stays doubled).
        /// </summary>
        public ReadOnlySpan<char> Span(char[] buffer, int i)
        {
            int s = _starts[i], n = _lengths[i];
            if (n >= 2 && buffer[s] == '"' && buffer[s + n - 1] == '"') { s++; n -= 2; }
            return new ReadOnlySpan<char>(buffer, s, n);
        }

        /// <summary>Field <paramref name="i"/> as a string, quotes removed.</summary>
        public string Text(char[] buffer, int i)
        {
            string s = new string(buffer, _starts[i], _lengths[i]);
            if (s.Length >= 2 && s[0] == '"' && s[s.Length - 1] == '"') s = s.Substring(1, s.Length - 2).Replace("\"\"", "\"");
            return s;
        }

        public void Split(char[] buffer, int start, int length, char delimiter = ',')
        {
            int count = 0;
            int end = start + length;
            int pos = start;
            while (true)
            {
                while (pos < end && (buffer[pos] == ' ' || buffer[pos] == '\t') && buffer[pos] != delimiter) pos++;
                int fs = pos;
                if (pos < end && buffer[pos] == '"')
                {
                    pos++;
                    while (pos < end)
                    {
                        if (buffer[pos] == '"')
                        {
                            if (pos + 1 < end && buffer[pos + 1] == '"') { pos += 2; continue; }
                            pos++;
                            break;
                        }
                        pos++;
                    }
                }
                while (pos < end && buffer[pos] != delimiter) pos++;
                int fe = pos;
                while (fe > fs && (buffer[fe - 1] == ' ' || buffer[fe - 1] == '\t')) fe--;
                if (count == _starts.Length)
                {
                    Array.Resize(ref _starts, count * 2);
                    Array.Resize(ref _lengths, count * 2);
                }
                _starts[count] = fs;
                _lengths[count] = fe - fs;
                count++;
                if (pos >= end) break;
                pos++; // skip the delimiter
            }
            Count = count;
        }

        /// <summary>All fields as strings (header lines).</summary>
        public List<string> All(char[] buffer)
        {
            var list = new List<string>(Count);
            for (int i = 0; i < Count; i++) list.Add(Text(buffer, i));
            return list;
        }
    }
}
