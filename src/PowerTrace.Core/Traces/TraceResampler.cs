using System;
using System.Globalization;
using PowerTrace.Core.Errors;

namespace PowerTrace.Core.Traces
{
    /// <summary>Where the coarse bins of <see cref="TraceResampler"/> start.</summary>
    public enum ResampleAlignment
    {
        /// <summary>The first coarse bin starts at the trace's start.</summary>
        Start = 0,
        /// <summary>Coarse bins start at whole multiples of the new width counted from UTC midnight (0001-01-01T00:00Z), e.g. on the minute for 60 s.</summary>
        Utc = 1,
    }

    /// <summary>
    /// Averages a trace to a coarser bin width that is a whole multiple of its own (e.g. 0.25 s to 1 s, 1 s to 60 s or 900 s).
    /// </summary>
    /// <remarks>
    /// <para>With f = new width / old width (a whole number within one part in a million), coarse bin j is the mean of the
    /// measured (not NaN) fine bins it covers; all fine bins have the same width, so this is the time-weighted mean power over
    /// the measured part of the coarse bin, the same rule the importer uses. A coarse bin with no measured fine bin is NaN.</para>
    /// <para>Only complete coarse bins are produced: fine bins before the first coarse boundary (with
    /// <see cref="ResampleAlignment.Utc"/>) and after the last complete group are dropped and counted in <c>droppedBins</c>.
    /// Bin starts stay UTC; metadata, gap report, level, name and hierarchy position are kept. One pass, O(n).</para>
    /// </remarks>
    public static class TraceResampler
    {
        /// <summary>Stable error id: the new width is not a positive whole multiple of the trace's bin width.</summary>
        public const string BinWidthNotMultipleErrorId = "BinWidthNotMultiple";
        /// <summary>Stable error id: with UTC alignment the trace's start is not a whole number of its bins from the coarse grid.</summary>
        public const string StartOffGridErrorId = "StartOffGrid";
        /// <summary>Stable error id: the trace is shorter than one coarse bin.</summary>
        public const string TraceTooShortErrorId = "TraceTooShort";

        /// <summary>Resamples <paramref name="trace"/> to <paramref name="binSeconds"/>-second bins.</summary>
        public static PowerSeries Resample(PowerSeries trace, double binSeconds, ResampleAlignment alignment = ResampleAlignment.Start)
            => Resample(trace, binSeconds, alignment, out _);

        /// <summary>Resamples <paramref name="trace"/> to <paramref name="binSeconds"/>-second bins; <paramref name="droppedBins"/> counts the fine bins outside complete coarse bins.</summary>
        public static PowerSeries Resample(PowerSeries trace, double binSeconds, ResampleAlignment alignment, out int droppedBins)
        {
            if (trace == null) throw new ArgumentNullException(nameof(trace));
            double fine = trace.BinSeconds;
            double ratio = binSeconds / fine;
            long f = double.IsNaN(ratio) || double.IsInfinity(ratio) ? 0 : (long)Math.Round(ratio);
            if (!(binSeconds > 0) || f < 1 || f > int.MaxValue || Math.Abs(f * fine - binSeconds) > 1e-6 * binSeconds)
                throw new InvalidSettingException(BinWidthNotMultipleErrorId, "BinSeconds",
                    string.Format(CultureInfo.InvariantCulture,
                        "The new bin width must be a whole multiple of the trace's {0} s bins; '{1}' cannot become {2} s bins.",
                        fine, trace.Name, binSeconds));
            int factor = (int)f;

            int lead = 0;
            if (alignment == ResampleAlignment.Utc)
            {
                // Seconds from the preceding grid point, in fine bins; must be whole.
                decimal coarseTicks = (decimal)binSeconds * TimeSpan.TicksPerSecond;
                decimal offsetTicks = trace.StartUtc.Ticks % coarseTicks;
                double offsetBins = (double)(offsetTicks / TimeSpan.TicksPerSecond) / fine;
                long whole = (long)Math.Round(offsetBins);
                if (Math.Abs(offsetBins - whole) > 1e-3)
                    throw new InvalidSettingException(StartOffGridErrorId, "Alignment",
                        string.Format(CultureInfo.InvariantCulture,
                            "'{0}' starts {1:yyyy-MM-ddTHH:mm:ss.fffZ}, {2:0.###} of its {3} s bins after a {4} s boundary: its bins straddle the UTC grid. Use -Alignment Start.",
                            trace.Name, trace.StartUtc, offsetBins, fine, binSeconds));
                whole %= factor;
                lead = whole == 0 ? 0 : factor - (int)whole;
            }

            double[] w = trace.Watts;
            int groups = w.Length > lead ? (w.Length - lead) / factor : 0;
            if (groups == 0)
                throw new InvalidSettingException(TraceTooShortErrorId, "BinSeconds",
                    string.Format(CultureInfo.InvariantCulture,
                        "'{0}' ({1} bins of {2} s) does not fill one complete {3} s bin{4}.",
                        trace.Name, w.Length, fine, binSeconds, lead > 0 ? " on the UTC grid" : ""));
            droppedBins = w.Length - groups * factor;

            var outW = new double[groups];
            for (int g = 0, i = lead; g < groups; g++)
            {
                double s = 0;
                int c = 0;
                for (int e = i + factor; i < e; i++)
                {
                    double v = w[i];
                    if (double.IsNaN(v)) continue;
                    s += v;
                    c++;
                }
                outW[g] = c > 0 ? s / c : double.NaN;
            }
            return new PowerSeries(trace.Name, trace.Level, trace.BinStartUtc(lead), factor * fine, outW,
                trace.Metadata, trace.Gaps, trace.Position);
        }
    }
}
