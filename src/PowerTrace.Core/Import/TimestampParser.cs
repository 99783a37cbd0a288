using System;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Allocation-free parser for the timestamp shapes the power and request logs use:
    /// <c>YYYY/MM/DD HH:MM:SS[.f…]</c> (nvidia-smi), <c>YYYY-MM-DD[T ]HH:MM:SS[.f…][Z|±HH:MM|±HHMM]</c>
    /// (IPMI, Azure, ISO-8601). Up to 7 fractional digits are exact (100 ns ticks); more are
    /// truncated to ticks. A timestamp without a zone is read as local time at
    /// <c>defaultOffset</c> (UTC when zero): UTC = local − offset. Nothing else is accepted.
    /// </summary>
    internal static class TimestampParser
    {
        private static readonly int[] DaysBeforeMonth = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };

        /// <summary>True when the text starts like a date (4 digits then '-' or '/').</summary>
        public static bool LooksLikeDate(ReadOnlySpan<char> s)
            => s.Length >= 10 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) && (s[4] == '-' || s[4] == '/');

        /// <summary>Parses to UTC ticks (DateTime.Ticks of the UTC instant).</summary>
        public static bool TryParseUtcTicks(ReadOnlySpan<char> s, TimeSpan defaultOffset, out long utcTicks)
        {
            utcTicks = 0;
            if (s.Length < 19) return false;
            if (!Digits(s, 0, 4, out int year)) return false;
            char dsep = s[4];
            if (dsep != '-' && dsep != '/') return false;
            if (!Digits(s, 5, 2, out int month) || s[7] != dsep || !Digits(s, 8, 2, out int day)) return false;
            if (s[10] != ' ' && s[10] != 'T') return false;
            if (!Digits(s, 11, 2, out int hour) || s[13] != ':' || !Digits(s, 14, 2, out int minute) || s[16] != ':' || !Digits(s, 17, 2, out int second))
                return false;
            if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
            if (day > DaysIn(year, month)) return false;
            int i = 19;
            long frac = 0;
            if (i < s.Length && (s[i] == '.' || s[i] == ','))
            {
                i++;
                int nd = 0;
                while (i < s.Length && IsDigit(s[i]))
                {
                    if (nd < 7) { frac = frac * 10 + (s[i] - '0'); nd++; }
                    i++;
                }
                if (nd == 0) return false;
                for (int k = nd; k < 7; k++) frac *= 10;
            }
            long offsetTicks = defaultOffset.Ticks;
            if (i < s.Length)
            {
                char z = s[i];
                if (z == 'Z' || z == 'z') { offsetTicks = 0; i++; }
                else if (z == '+' || z == '-')
                {
                    int sign = z == '-' ? -1 : 1;
                    i++;
                    if (!Digits(s, i, 2, out int oh)) return false;
                    i += 2;
                    int om = 0;
                    if (i < s.Length && s[i] == ':') i++;
                    if (i < s.Length)
                    {
                        if (!Digits(s, i, 2, out om)) return false;
                        i += 2;
                    }
                    if (oh > 14 || om > 59) return false;
                    offsetTicks = sign * (oh * TimeSpan.TicksPerHour + om * TimeSpan.TicksPerMinute);
                }
                if (i != s.Length) return false;
            }
            long days = DaysFromCivil(year, month, day);
            long ticks = days * TimeSpan.TicksPerDay + hour * TimeSpan.TicksPerHour + minute * TimeSpan.TicksPerMinute
                         + second * TimeSpan.TicksPerSecond + frac;
            utcTicks = ticks - offsetTicks;
            return utcTicks >= 0 && utcTicks <= DateTime.MaxValue.Ticks;
        }

        /// <summary>UTC ticks as <c>yyyy-MM-dd HH:mm:ss.fff</c> (more digits when the time has them).</summary>
        public static string FormatUtc(long utcTicks)
        {
            var d = new DateTime(utcTicks, DateTimeKind.Utc);
            return d.ToString(utcTicks % TimeSpan.TicksPerMillisecond == 0 ? "yyyy-MM-dd HH:mm:ss.fff" : "yyyy-MM-dd HH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>An offset as <c>+08:00</c> / <c>-05:00</c>.</summary>
        public static string FormatOffset(TimeSpan offset)
        {
            var d = offset.Duration();
            string text = $"{(long)d.TotalHours:00}:{d.Minutes:00}";
            if (d.Ticks % TimeSpan.TicksPerMinute != 0) text += ":" + (d.Ticks % TimeSpan.TicksPerMinute / (double)TimeSpan.TicksPerSecond).ToString("00.#######", System.Globalization.CultureInfo.InvariantCulture);
            return (offset < TimeSpan.Zero ? "-" : "+") + text;
        }

        /// <summary>How zone-less timestamps were read, for verbose output: the sign rule UTC = local − offset.</summary>
        public static string DescribeOffset(TimeSpan utcOffset)
            => utcOffset == TimeSpan.Zero
                ? "(a time without a zone is read as UTC: UtcOffset +00:00)"
                : $"(a time without a zone is local time: UTC = local time - UtcOffset {FormatOffset(utcOffset)})";

        private static int DaysIn(int year, int month)
        {
            if (month == 2) return DateTime.IsLeapYear(year) ? 29 : 28;
            return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
        }

        // Days from 0001-01-01 (DateTime's origin).
        private static long DaysFromCivil(int year, int month, int day)
        {
            int y = year - 1;
            long days = y * 365L + y / 4 - y / 100 + y / 400 + DaysBeforeMonth[month - 1] + day - 1;
            if (month > 2 && DateTime.IsLeapYear(year)) days++;
            return days;
        }

        private static bool IsDigit(char c) => (uint)(c - '0') <= 9;

        private static bool Digits(ReadOnlySpan<char> s, int at, int count, out int value)
        {
            value = 0;
            if (at + count > s.Length) return false;
            for (int k = 0; k < count; k++)
            {
                int d = s[at + k] - '0';
                if ((uint)d > 9) return false;
                value = value * 10 + d;
            }
            return true;
        }
    }
}
