using PowerTrace.Core.Traces;

namespace PowerTrace.Tests.Analysis;

/// <summary>Known-truth traces for the analysis tests.</summary>
internal static class AnalysisTraces
{
    public static readonly DateTime Start = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A trace from kilowatt values.</summary>
    public static PowerSeries KW(string name, TraceLevel level, double binSeconds, params double[] kw)
        => new(name, level, Start, binSeconds, kw.Select(v => v * 1000.0).ToArray());

    /// <summary>A constant trace, kW.</summary>
    public static PowerSeries Constant(string name, TraceLevel level, double kw, int bins, double binSeconds = 1)
        => new(name, level, Start, binSeconds, Enumerable.Repeat(kw * 1000.0, bins).ToArray());

    /// <summary>All k-subsets of {0..n-1}.</summary>
    public static IEnumerable<int[]> Subsets(int n, int k)
    {
        var idx = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return (int[])idx.Clone();
            int i = k - 1;
            while (i >= 0 && idx[i] == n - k + i) i--;
            if (i < 0) yield break;
            idx[i]++;
            for (int j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
        }
    }
}
