using PowerTrace.Core.Analysis;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Traces;
using Xunit;
using static PowerTrace.Tests.Analysis.AnalysisTraces;

namespace PowerTrace.Tests.Analysis;

public class OversubscriptionTests
{
    private static OversubscriptionSettings Settings(double limitKW, double nameplateKW = 26, double q = 0.95, int trials = 200, ulong seed = 1)
        => new() { LimitKW = limitKW, NameplateKW = nameplateKW, Quantile = q, Trials = trials, Seed = seed };

    [Fact]
    public void IdenticalConstantUnitsGiveTheExactAnswerAndBaselines()
    {
        // 40 racks drawing a constant 12 kW (distinct names, identical power): any n racks peak at 12 n kW.
        var units = Enumerable.Range(0, 40).Select(i => Constant($"rack {i}", TraceLevel.Rack, 12, 50)).ToList();
        var r = Oversubscription.Measure(units, Settings(600));
        Assert.Equal(40, r.UnitsThatFit); // 50 would fit, but only 40 are given
        Assert.True(r.FitIsLowerBound);
        Assert.Equal(23, r.NameplateCount);
        Assert.Equal(50, r.MeanPowerCount);
        Assert.Equal(40.0 / 23, r.OversubscriptionRatio, 12);
        for (int n = 1; n <= 40; n++) Assert.Equal(12.0 * n, r.Curve[n - 1].PeakQuantileKW, 9);
        Assert.Contains(r.Warnings, w => w.Contains("at least 40"));
        Assert.Contains(r.Warnings, w => w.Contains("distinct"));

        var r2 = Oversubscription.Measure(units, Settings(594));
        Assert.Equal(40, r2.UnitsThatFit);
        var r3 = Oversubscription.Measure(units, Settings(300));
        Assert.Equal(25, r3.UnitsThatFit);
        Assert.False(r3.FitIsLowerBound);
        Assert.Equal(0.0, r3.ExceedanceProbabilityAtCount);
        Assert.Equal(1.0, r3.Curve[25].ExceedanceProbability); // 26 racks: 312 kW > 300 kW always
        Assert.Equal(50.0, r3.Curve[25].MeanSecondsAboveLimit, 9); // above the whole horizon
    }

    [Fact]
    public void ConstantUnitsAtDifferentLevelsGiveTheExactAnswer()
    {
        // 10, 11, 12, 13 kW. Any 3 sum to at most 36, any 4 to 46.
        var units = new[] { 10.0, 11, 12, 13 }.Select((kw, i) => Constant($"u{i}", TraceLevel.Rack, kw, 8)).ToList();
        var r = Oversubscription.Measure(units, Settings(36, 10, 0.95, 400));
        Assert.Equal(3, r.UnitsThatFit);
        Assert.Equal(21, r.Curve[1].PeakMinKW, 9); // 10 + 11
        Assert.Equal(25, r.Curve[1].PeakMaxKW, 9); // 12 + 13
        Assert.Equal(46, r.Curve[3].PeakQuantileKW, 9);
        // At 35 kW the subset {11,12,13} (one in four) exceeds: the 95th percentile does, so 2 fit.
        var r2 = Oversubscription.Measure(units, Settings(35, 10, 0.95, 400));
        Assert.Equal(2, r2.UnitsThatFit);
        var at3 = r2.Curve[2];
        Assert.InRange(at3.ExceedanceProbability, 0.25 - 0.1, 0.25 + 0.1);
    }

    [Fact]
    public void SubsetPeaksMatchExactEnumerationOfFiveUnits()
    {
        // Five units with random 6-bin traces: subsets of 3 are 10 equally likely combinations.
        var rng = new Rng(11);
        var units = Enumerable.Range(0, 5)
            .Select(i => KW($"u{i}", TraceLevel.Server, 1, Enumerable.Range(0, 6).Select(_ => 1 + 9 * rng.NextDouble()).ToArray()))
            .ToList();
        double[] PeaksOf(int k) => Subsets(5, k)
            .Select(s => Enumerable.Range(0, 6).Max(b => s.Sum(u => units[u].Watts[b] / 1000.0)))
            .OrderBy(x => x).ToArray();
        // Exact inverse-CDF quantile; q = 0.85 lies strictly inside a step for 5, 10, 10, 5 and 1 combinations.
        const double q = 0.85;
        double ExactQ(int k) { var p = PeaksOf(k); return p[(int)Math.Ceiling(q * p.Length) - 1]; }
        var exact = Enumerable.Range(1, 5).Select(ExactQ).ToArray();

        var peaks3 = PeaksOf(3);
        double limit = (peaks3[5] + peaks3[6]) / 2; // 4 of the 10 three-subsets exceed it
        var s = new OversubscriptionSettings { LimitKW = Math.Max(limit, units.Max(u => u.PeakWatts / 1000)), NameplateKW = 10, Quantile = q, Trials = 40000, Seed = 3, AtCount = 3 };
        var r = Oversubscription.Measure(units, s);
        for (int k = 1; k <= 5; k++)
        {
            Assert.Equal(exact[k - 1], r.Curve[k - 1].PeakQuantileKW, 9);
            var p = PeaksOf(k);
            Assert.Equal(p.First(), r.Curve[k - 1].PeakMinKW, 9);
            Assert.Equal(p.Last(), r.Curve[k - 1].PeakMaxKW, 9);
            Assert.InRange(r.Curve[k - 1].PeakMeanKW, p.Average() - 0.1, p.Average() + 0.1);
        }
        int expectedFit = 0;
        while (expectedFit < 5 && exact[expectedFit] <= s.LimitKW) expectedFit++;
        Assert.Equal(expectedFit, r.UnitsThatFit);
        // Exceedance and time above at n = 3 against the enumeration.
        double pExceed = peaks3.Count(x => x > s.LimitKW) / 10.0;
        double secondsAbove = Subsets(5, 3).Average(sub => Enumerable.Range(0, 6).Count(b => sub.Sum(u => units[u].Watts[b] / 1000.0) > s.LimitKW));
        Assert.Equal(3, r.AtCount);
        Assert.InRange(r.ExceedanceProbabilityAtCount, pExceed - 0.015, pExceed + 0.015);
        Assert.InRange(r.ExpectedSecondsAboveLimitAtCount, secondsAbove - 0.05, secondsAbove + 0.05);
    }

    [Fact]
    public void BernoulliUnitsGiveHypergeometricPeaks()
    {
        // 400 one-bin units, each on (1 kW) with probability 0.3. The peak of n of them is the number on:
        // hypergeometric (K on among 400), close to binomial(n, 0.3).
        var rng = new Rng(5);
        var on = Enumerable.Range(0, 400).Select(_ => rng.NextDouble() < 0.3 ? 1.0 : 0.0).ToArray();
        var units = on.Select((v, i) => KW($"u{i}", TraceLevel.Server, 1, v)).ToList();
        int K = (int)on.Sum();
        const double limit = 6;
        var s = new OversubscriptionSettings { LimitKW = limit, NameplateKW = 1, Quantile = 0.9, Trials = 20000, Seed = 9, MaxCount = 30 };
        var r = Oversubscription.Measure(units, s);
        double LogChoose(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);
        double Pmf(int n, int x) => x < 0 || x > n || x > K || n - x > 400 - K ? 0 : Math.Exp(LogChoose(K, x) + LogChoose(400 - K, n - x) - LogChoose(400, n));
        int exactFit = 0;
        for (int n = 1; n <= 30; n++)
        {
            double pExceed = 1 - Enumerable.Range(0, (int)limit + 1).Sum(x => Pmf(n, x));
            double se = Math.Sqrt(pExceed * (1 - pExceed) / s.Trials);
            Assert.InRange(r.Curve[n - 1].ExceedanceProbability, pExceed - 5 * se - 1e-9, pExceed + 5 * se + 1e-9);
            double mean = n * (double)K / 400, pk = (double)K / 400;
            double seMean = Math.Sqrt(n * pk * (1 - pk) * (400.0 - n) / 399 / s.Trials);
            Assert.InRange(r.Curve[n - 1].PeakMeanKW, mean - 5 * seMean, mean + 5 * seMean);
            if (exactFit == n - 1 && 1 - pExceed >= 0.9 + 0.01) exactFit = n; // clear of the boundary
        }
        // The exact answer: the largest n with P(X_n <= 6) >= 0.9 (checked clear of the boundary).
        int exact = Enumerable.Range(1, 30).Last(n => Enumerable.Range(0, 7).Sum(x => Pmf(n, x)) >= 0.9);
        Assert.Equal(exact, exactFit); // no count sits on the boundary for this pool
        Assert.Equal(exact, r.UnitsThatFit);
    }

    private static double LogFactorial(int n)
    {
        double s = 0;
        for (int i = 2; i <= n; i++) s += Math.Log(i);
        return s;
    }

    [Fact]
    public void SameSeedSameAnswerOnAnyThreadCount()
    {
        var units = RandomUnits(30, 500, 21);
        var a = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 150, NameplateKW = 10, Seed = 4, MaxDegreeOfParallelism = 1 });
        var b = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 150, NameplateKW = 10, Seed = 4, MaxDegreeOfParallelism = 4 });
        var c = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 150, NameplateKW = 10, Seed = 5 });
        Assert.Equal(a.Curve.Select(p => p.PeakQuantileKW), b.Curve.Select(p => p.PeakQuantileKW));
        Assert.Equal(a.UnitsThatFit, b.UnitsThatFit);
        Assert.NotEqual(a.Curve.Select(p => p.PeakMeanKW), c.Curve.Select(p => p.PeakMeanKW));
    }

    [Fact]
    public void CurveNeverDecreasesAndAnswerIsTheLastFittingCount()
    {
        var units = RandomUnits(30, 500, 22);
        var r = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 150, NameplateKW = 10, Seed = 1 });
        for (int k = 1; k < r.Curve.Count; k++) Assert.True(r.Curve[k].PeakQuantileKW >= r.Curve[k - 1].PeakQuantileKW);
        Assert.True(r.Curve[r.UnitsThatFit - 1].PeakQuantileKW <= 150);
        Assert.True(r.Curve[r.UnitsThatFit].PeakQuantileKW > 150);
        Assert.Equal(r.UnitsThatFit, r.AtCount);
        Assert.Equal(15, r.NameplateCount);
        double meanUnit = units.Average(u => u.MeanWatts / 1000);
        Assert.Equal((int)Math.Floor(150 / meanUnit), r.MeanPowerCount);
        Assert.True(r.UnitsThatFit > r.NameplateCount && r.UnitsThatFit < r.MeanPowerCount);
    }

    [Fact]
    public void ReplacementExtendsBeyondThePoolAndSaysSo()
    {
        var units = Enumerable.Range(0, 4).Select(i => Constant($"u{i}", TraceLevel.Rack, 10, 20)).ToList();
        var r = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 95, NameplateKW = 20, AllowReplacement = true });
        Assert.Equal(9, r.UnitsThatFit);
        Assert.False(r.FitIsLowerBound);
        Assert.True(r.WithReplacement);
        Assert.Contains(r.Warnings, w => w.Contains("with replacement"));
        var without = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 95, NameplateKW = 20 });
        Assert.Equal(4, without.UnitsThatFit);
        Assert.True(without.FitIsLowerBound);
    }

    [Fact]
    public void ShorterHorizonTakesRandomWindowsAndWarns()
    {
        // One unit peaks at 10 kW in a single bin of 100; the rest is 1 kW. Over 10-bin windows the peak is
        // 10 kW in about 10 % of trials.
        var w = Enumerable.Repeat(1.0, 100).ToArray();
        w[37] = 10;
        var units = new List<PowerSeries> { KW("a", TraceLevel.Rack, 1, w), Constant("b", TraceLevel.Rack, 1, 100) };
        var r = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 10, NameplateKW = 10, Trials = 4000, HorizonSeconds = 10, AtCount = 1 });
        Assert.Equal(10, r.HorizonSeconds);
        Assert.Contains(r.Warnings, x => x.Contains("shorter than the traces"));
        double p = 0.5 * 10 / 91.0; // unit a drawn, window covering bin 37
        Assert.InRange(r.Curve[0].PeakMeanKW, 1 + 9 * p - 0.2, 1 + 9 * p + 0.2);
        var longer = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 11, NameplateKW = 10, HorizonSeconds = 1000 });
        Assert.Contains(longer.Warnings, x => x.Contains("longer than the traces"));
        Assert.Equal(100, longer.HorizonSeconds);
    }

    [Fact]
    public void FewDistinctSubsetsAreReported()
    {
        var units = RandomUnits(6, 100, 3);
        var r = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 1000, NameplateKW = 10 });
        Assert.Equal(6, r.UnitsThatFit);
        Assert.Contains(r.Warnings, x => x.Contains("distinct subsets"));
    }

    [Fact]
    public void ErrorsCarryStableIds()
    {
        var units = RandomUnits(5, 50, 1);
        void Expect(string id, IReadOnlyList<PowerSeries> u, OversubscriptionSettings s)
            => Assert.Equal(id, Assert.ThrowsAny<PowerTraceException>(() => Oversubscription.Measure(u, s)).ErrorId);
        Expect("NoInput", Array.Empty<PowerSeries>(), Settings(100));
        Expect("NonPositiveLimit", units, Settings(0));
        Expect("NonPositiveLimit", units, Settings(double.NaN));
        Expect("NonPositiveNameplate", units, Settings(100, -1));
        Expect("QuantileOutOfRange", units, Settings(100, 10, 0));
        Expect("QuantileOutOfRange", units, Settings(100, 10, 1));
        Expect("QuantileOutOfRange", units, Settings(100, 10, 1.5));
        Expect("TrialsOutOfRange", units, Settings(100, 10, 0.95, 0));
        Expect("LimitBelowUnitPeak", units, Settings(units.Max(u => u.PeakWatts) / 1000 - 0.01));
        Expect("CountOutOfRange", units, new OversubscriptionSettings { LimitKW = 100, NameplateKW = 10, AtCount = 6 });
        Expect("CountOutOfRange", units, new OversubscriptionSettings { LimitKW = 100, NameplateKW = 10, MaxCount = 0 });
        Expect("NonPositiveHorizon", units, new OversubscriptionSettings { LimitKW = 100, NameplateKW = 10, HorizonSeconds = 0 });
        var wide = new PowerSeries("w", TraceLevel.Rack, Start, 2, new double[25]);
        Expect("MixedBinWidths", units.Append(wide).ToList(), Settings(100));
        var late = new PowerSeries("l", TraceLevel.Rack, Start.AddSeconds(5), 1, new double[50]);
        Expect("MixedStartTimes", units.Append(late).ToList(), Settings(100));
    }

    [Fact]
    public void AddAndPeakMatchesScalarLoop()
    {
        var rng = new Rng(2);
        for (int h = 1; h < 40; h++)
        {
            var acc = Enumerable.Range(0, h).Select(_ => rng.NextDouble()).ToArray();
            var unit = Enumerable.Range(0, h + 3).Select(_ => rng.NextDouble()).ToArray();
            var expect = acc.Select((a, i) => a + unit[i + 3]).ToArray();
            double peak = Oversubscription.AddAndPeak(acc, unit, 3, h, 1.0, out int above);
            Assert.Equal(expect, acc);
            Assert.Equal(expect.Max(), peak);
            Assert.Equal(expect.Count(x => x > 1.0), above);
        }
    }

    /// <summary>Units with a shared diurnal-like swing plus independent noise, 2..8 kW.</summary>
    internal static List<PowerSeries> RandomUnits(int count, int bins, ulong seed)
    {
        var list = new List<PowerSeries>();
        for (int u = 0; u < count; u++)
        {
            var rng = Rng.ForStream(seed, (ulong)u);
            var w = new double[bins];
            for (int i = 0; i < bins; i++)
                w[i] = 5 + 1.5 * Math.Sin(2 * Math.PI * i / bins) + 1.5 * (2 * rng.NextDouble() - 1);
            list.Add(KW($"rack {u}", TraceLevel.Rack, 1, w));
        }
        return list;
    }
}
