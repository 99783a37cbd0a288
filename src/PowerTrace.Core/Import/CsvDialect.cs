using System;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// The two CSV dialects the readers recognise: comma-separated with decimal points (the invariant form,
    /// nvidia-smi, Azure traces) and semicolon-separated with decimal commas (what Excel writes where the
    /// comma is the decimal separator: much of Europe).
    /// </summary>
    /// <remarks>
    /// The dialect is decided from the first non-blank line: semicolons that split it into at least as many
    /// fields as commas do mean the semicolon dialect (<c>2025-01-01 00:00:00;71,5</c> is two fields either way:
    /// semicolon). In that dialect every comma of a data line is a decimal separator and is read as a point,
    /// so <c>71,5</c> is 71.5 W and <c>00:00:00,250</c> a quarter second; thousands separators are not supported.
    /// </remarks>
    internal static class CsvDialect
    {
        /// <summary>';' for the semicolon/decimal-comma dialect, ',' otherwise.</summary>
        public static char Detect(char[] buf, int start, int length)
        {
            int semis = 0, commas = 0;
            bool quoted = false;
            for (int i = start; i < start + length; i++)
            {
                char c = buf[i];
                if (c == '"') quoted = !quoted;
                else if (quoted) continue;
                else if (c == ';') semis++;
                else if (c == ',') commas++;
            }
            return semis > 0 && semis >= commas ? ';' : ',';
        }

        /// <summary>In the semicolon dialect, turns a data line's decimal commas into points (in place).</summary>
        public static void NormalizeDecimals(char[] buf, int start, int length, char delimiter)
        {
            if (delimiter != ';') return;
            for (int i = start; i < start + length; i++) if (buf[i] == ',') buf[i] = '.';
        }
    }
}
