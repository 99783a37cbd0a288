using System;
using System.Collections.Generic;
using System.Globalization;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Analysis
{
    /// <summary>Checks that traces analysed together share their bin width and start time.</summary>
    internal static class TraceAlignment
    {
        /// <summary>
        /// Throws NoInput for an empty list, MixedBinWidths when bin widths differ by more than one part in
        /// a million, MixedStartTimes when start times differ by more than a millisecond or a thousandth
        /// of a bin (whichever is larger). Returns the common length (the shortest trace's bin count) and
        /// adds a warning when lengths differ.
        /// </summary>
        internal static int Check(IReadOnlyList<PowerSeries> traces, string parameter, List<string> warnings)
        {
            if (traces == null || traces.Count == 0)
                throw new InvalidSettingException(AnalysisErrorIds.NoInput, parameter, "No trace was given.");
            PowerSeries first = traces[0] ?? throw new InvalidSettingException(AnalysisErrorIds.NoInput, parameter, "A null trace was given.");
            double bin = first.BinSeconds;
            double startTolSeconds = Math.Max(1e-3, bin * 1e-3);
            int minLen = first.BinCount, maxLen = first.BinCount;
            for (int i = 1; i < traces.Count; i++)
            {
                PowerSeries t = traces[i] ?? throw new InvalidSettingException(AnalysisErrorIds.NoInput, parameter, $"Trace {i} is null.");
                if (Math.Abs(t.BinSeconds - bin) > 1e-6 * bin)
                    throw new InvalidSettingException(AnalysisErrorIds.MixedBinWidths, parameter,
                        string.Format(CultureInfo.InvariantCulture,
                            "Traces must share one bin width: '{0}' has {1} s bins, '{2}' has {3} s. Resample them to one width first.",
                            first.Name, bin, t.Name, t.BinSeconds));
                if (Math.Abs((t.StartUtc - first.StartUtc).TotalSeconds) > startTolSeconds)
                    throw new InvalidSettingException(AnalysisErrorIds.MixedStartTimes, parameter,
                        string.Format(CultureInfo.InvariantCulture,
                            "Traces must start at the same instant: '{0}' starts {1:yyyy-MM-ddTHH:mm:ss.fffZ}, '{2}' starts {3:yyyy-MM-ddTHH:mm:ss.fffZ}.",
                            first.Name, first.StartUtc, t.Name, t.StartUtc));
                minLen = Math.Min(minLen, t.BinCount);
                maxLen = Math.Max(maxLen, t.BinCount);
            }
            if (minLen == 0)
                throw new InvalidSettingException(AnalysisErrorIds.NoInput, parameter, "A trace has no bins.");
            if (minLen != maxLen)
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "Traces differ in length ({0} to {1} bins); only the first {0} bins ({2:0.###} h), common to all, are used.",
                    minLen, maxLen, minLen * bin / 3600.0));
            return minLen;
        }
    }
}
