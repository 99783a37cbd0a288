using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;

namespace PowerTrace.Internal
{
    /// <summary>
    /// Reads durations as users write them: a TimeSpan, a number of seconds of any numeric type, or a string
    /// such as "250ms", "0.25s", "1s", "1m", "15min", "1h" or "00:01:00". A hashtable maps levels to durations
    /// (@{ Site = '250ms'; Row = '1m' }).
    /// </summary>
    /// <remarks>
    /// Unquoted, PowerShell reads <c>1s</c> as the Int16 1 ('s' is its short-integer suffix) and <c>1l</c> as
    /// an Int64, so every integer and floating type counts as seconds: <c>-Resolution 1s</c> means one second.
    /// Unit words that are not number suffixes ('250ms', 1m, '15min', 1h) reach the cmdlet as strings. Beware
    /// <c>1d</c>: unquoted it is the decimal 1, i.e. one second; write a day as '24h' or '1.00:00:00'.
    /// </remarks>
    internal static class ResolutionArgument
    {
        private static readonly Regex Unit = new Regex(@"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ms|s|sec|m|min|h|hr)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static double Seconds(object? value, string parameter)
        {
            if (value is PSObject ps) value = ps.BaseObject;
            switch (value)
            {
                case TimeSpan t: return t.TotalSeconds;
                case double d: return d;
                case float f: return f;
                case decimal m: return (double)m;
                case byte u8: return u8;
                case sbyte i8: return i8;
                case short i16: return i16;
                case ushort u16: return u16;
                case int i32: return i32;
                case uint u32: return u32;
                case long i64: return i64;
                case ulong u64: return u64;
                case System.Numerics.BigInteger big: return (double)big;
                case string s:
                    var match = Unit.Match(s);
                    if (match.Success)
                    {
                        double v = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                        switch (match.Groups[2].Value.ToLowerInvariant())
                        {
                            case "ms": return v / 1000;
                            case "m": case "min": return v * 60;
                            case "h": case "hr": return v * 3600;
                            default: return v;
                        }
                    }
                    if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var ts)) return ts.TotalSeconds;
                    break;
            }
            throw new InvalidSettingException("InvalidResolution", parameter,
                $"'{value}' is not a duration: use a TimeSpan, seconds, or a string like '250ms', '1s', '1m', '15min', '1h'.");
        }

        /// <summary>Resolution per level from -Resolution: one value for every level, a hashtable by level, or an array parallel to -Level.</summary>
        public static Dictionary<TraceLevel, double> PerLevel(object? resolution, TraceLevel[] levels, double fallbackSeconds)
        {
            var result = new Dictionary<TraceLevel, double>();
            if (resolution is PSObject ps) resolution = ps.BaseObject;
            if (resolution is IDictionary map)
            {
                foreach (DictionaryEntry e in map)
                {
                    object key = e.Key is PSObject kp ? kp.BaseObject : e.Key;
                    if (!Enum.TryParse(key?.ToString() ?? "", true, out TraceLevel level))
                        throw new InvalidSettingException("InvalidResolution", "Resolution", $"'{key}' is not a level (Node, Server, Rack, Row, Site, Facility).");
                    result[level] = Seconds(e.Value, "Resolution");
                }
                foreach (var l in levels)
                    if (!result.ContainsKey(l)) result[l] = fallbackSeconds;
            }
            else if (resolution is object[] arr)
            {
                if (arr.Length != levels.Length && arr.Length != 1)
                    throw new InvalidSettingException("InvalidResolution", "Resolution", $"{arr.Length} resolutions for {levels.Length} levels: give one, one per level, or a hashtable.");
                for (int i = 0; i < levels.Length; i++) result[levels[i]] = Seconds(arr[arr.Length == 1 ? 0 : i], "Resolution");
            }
            else
            {
                double s = resolution == null ? fallbackSeconds : Seconds(resolution, "Resolution");
                foreach (var l in levels) result[l] = s;
            }
            return result;
        }
    }
}
