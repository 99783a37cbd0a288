using System;
using System.Globalization;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Invariant-culture number parsing over spans without allocation (netstandard2.0 has no span
    /// overload of double.Parse). Decimal numbers with at most 15 significant digits and a small
    /// exponent take an exact fast path (an integer mantissa divided or multiplied by an exact power
    /// of ten: one correctly rounded operation); everything else falls back to double.Parse.
    /// </summary>
    internal static class FastNumber
    {
        private static readonly double[] Pow10 =
        {
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
            1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        };

        /// <summary>Parses a finite invariant decimal ("-12.5", "3e2", "+7"). False when not a number.</summary>
        public static bool TryParseDouble(ReadOnlySpan<char> s, out double value)
        {
            value = 0;
            int n = s.Length;
            if (n == 0) return false;
            int i = 0;
            bool negative = false;
            if (s[0] == '-' || s[0] == '+') { negative = s[0] == '-'; i = 1; }
            long mantissa = 0;
            int digits = 0;       // significant digits accumulated
            int scale = 0;        // decimal exponent adjustment
            bool any = false, overflow = false;
            for (; i < n; i++)
            {
                int d = s[i] - '0';
                if ((uint)d > 9) break;
                any = true;
                if (mantissa == 0 && d == 0) continue;
                if (digits < 18) { mantissa = mantissa * 10 + d; digits++; }
                else { scale++; overflow = true; }
            }
            if (i < n && s[i] == '.')
            {
                i++;
                for (; i < n; i++)
                {
                    int d = s[i] - '0';
                    if ((uint)d > 9) break;
                    any = true;
                    if (mantissa == 0 && d == 0) { scale--; continue; }
                    if (digits < 18) { mantissa = mantissa * 10 + d; digits++; scale--; }
                    else overflow = true;
                }
            }
            if (!any) return false;
            if (i < n && (s[i] == 'e' || s[i] == 'E'))
            {
                i++;
                bool eneg = false;
                if (i < n && (s[i] == '-' || s[i] == '+')) { eneg = s[i] == '-'; i++; }
                int e = 0;
                bool edigits = false;
                for (; i < n; i++)
                {
                    int d = s[i] - '0';
                    if ((uint)d > 9) break;
                    edigits = true;
                    if (e < 100000) e = e * 10 + d;
                }
                if (!edigits) return false;
                scale += eneg ? -e : e;
            }
            if (i != n) return false;
            if (!overflow && digits <= 15 && scale >= -22 && scale <= 22)
            {
                double m = mantissa;
                value = scale < 0 ? m / Pow10[-scale] : m * Pow10[scale];
                if (negative) value = -value;
                return true;
            }
            // Exact fallback for long mantissas and large exponents.
            bool ok = double.TryParse(s.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            return ok && !double.IsInfinity(value) && !double.IsNaN(value);
        }

        /// <summary>Parses a non-negative or negative decimal integer that fits an int.</summary>
        public static bool TryParseInt(ReadOnlySpan<char> s, out int value)
        {
            value = 0;
            int n = s.Length;
            if (n == 0) return false;
            int i = 0;
            bool negative = false;
            if (s[0] == '-' || s[0] == '+') { negative = s[0] == '-'; i = 1; if (n == 1) return false; }
            long v = 0;
            for (; i < n; i++)
            {
                int d = s[i] - '0';
                if ((uint)d > 9) return false;
                v = v * 10 + d;
                if (v > int.MaxValue + 1L) return false;
            }
            if (negative) v = -v;
            if (v > int.MaxValue || v < int.MinValue) return false;
            value = (int)v;
            return true;
        }
    }
}
