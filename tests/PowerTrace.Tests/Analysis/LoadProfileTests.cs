using PowerTrace.Core.Analysis;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;
using Xunit;
using static PowerTrace.Tests.Analysis.AnalysisTraces;

namespace PowerTrace.Tests.Analysis;

public class LoadProfileTests
{
    [Fact]
    public void ConstantTraceHasLoadFactorOneAndNoRamps()
    {
        var p = LoadProfileAnalysis.Measure(new[] { Constant("site", TraceLevel.Site, 750, 7200, 0.25) });
        Assert.Equal(750, p.PeakKW, 9);
        Assert.Equal(750, p.MeanKW, 9);
        Assert.Equal(750, p.MinKW, 9);
        Assert.Equal(1.0, p.LoadFactor, 12);
        Assert.Equal(1.0, p.PeakToAverage, 12);
        Assert.Equal(0.0, p.CoefficientOfVariation, 12);
        Assert.Equal(0.0, p.RampUp95KWPerSecond);
        Assert.Equal(0.0, p.RampUpMaxKWPerSecond);
        Assert.Equal(0.0, p.RampDown95KWPerSecond);
        Assert.Equal(0.0, p.RampDownMaxKWPerSecond);
        Assert.Equal(0.0, p.RampUp95KWPer15Min);
        Assert.Equal(0.0, p.RampDownMaxKWPer15Min);
        Assert.Equal(0.0, p.RampUpMaxKWPer15MinBlock);
        Assert.Equal(0.0, p.RampDown95KWPer15MinBlock);
        Assert.Equal(0.0, p.LargestStepKW);
        Assert.All(p.LoadDuration, x => Assert.Equal(750, x.PowerKW, 9));
        Assert.Equal(0.5, p.DurationHours, 12);
        Assert.Equal(0.375, p.EnergyMWh, 9);
        Assert.Equal(750 * 8.76, p.AnnualEnergyMWh, 9);
        Assert.Equal(0.75 / 0.9, p.TransformerMVA, 12);
        Assert.Null(p.HourlyProfileKW);
        Assert.True(double.IsNaN(p.PeakP95AcrossSeedsKW));
        Assert.True(double.IsNaN(p.CoincidenceFactor));
    }

    [Fact]
    public void SmallTraceMatchesHandComputedValues()
    {
        // 1 s bins, kW 1, 3, 2, 6: mean 3, peak 6, changes +2, -1, +4.
        var p = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 1, 1, 3, 2, 6) }, 0.8, 3);
        Assert.Equal(6, p.PeakKW, 12);
        Assert.Equal(3, p.MeanKW, 12);
        Assert.Equal(1, p.MinKW, 12);
        Assert.Equal(0.5, p.LoadFactor, 12);
        Assert.Equal(2, p.PeakToAverage, 12);
        Assert.Equal(Math.Sqrt(3.5) / 3, p.CoefficientOfVariation, 12);
        // Sorted changes -1, 2, 4: type-7 95th percentile = 2 + 0.9·2 = 3.8; 5th = -1 + 0.1·3 = -0.7.
        Assert.Equal(3.8, p.RampUp95KWPerSecond, 12);
        Assert.Equal(4, p.RampUpMaxKWPerSecond, 12);
        Assert.Equal(0.7, p.RampDown95KWPerSecond, 12);
        Assert.Equal(1, p.RampDownMaxKWPerSecond, 12);
        Assert.Equal(1, p.ShortRampIntervalSeconds);
        Assert.True(double.IsNaN(p.RampUp95KWPer15Min)); // under two 15-minute blocks
        Assert.Equal(4, p.LargestStepKW, 12);
        // Load-duration curve at f = 0, 0.5, 1: 6, the median 2.5, 1.
        Assert.Equal(new[] { 6.0, 2.5, 1.0 }, p.LoadDuration.Select(x => Math.Round(x.PowerKW, 12)));
        Assert.Equal(new[] { 0.0, 0.5, 1.0 }, p.LoadDuration.Select(x => x.ExceedanceFraction));
        Assert.Equal(2.0 / 3600, p.LoadDuration[1].HoursAtOrAbove, 12);
        Assert.Equal(3.0 * 4 / 3600 / 1000, p.EnergyMWh, 15);
        Assert.Equal(6.0 / 1000 / 0.8, p.TransformerMVA, 12);
    }

    [Fact]
    public void RampsUseTheOneSecondMeanAndTheBinWidth()
    {
        // 0.25 s bins: the 1-s trailing means S are 1, 2, 3, 4, 4 (from bin 3); the one full window gives S(7) − S(3) = 3 kW/s.
        // The largest bin-to-bin step is 4 kW.
        var p = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 0.25, 0, 0, 0, 4, 4, 4, 4, 4) });
        Assert.Equal(3, p.RampUpMaxKWPerSecond, 12);
        Assert.Equal(0, p.RampDownMaxKWPerSecond, 12);
        Assert.Equal(4, p.LargestStepKW, 12);
        Assert.Equal(1, p.RampSmoothingSeconds, 12);
        // 300 s bins (no smoothing): rolling 15-minute changes at every bin 1, 1, 1, 3, 3, 3 -> max 3 and 95th 3; the block means 1, 2, 5
        // change by +1 and +3 -> block 95th percentile 1 + 0.95·2 = 2.9.
        var q = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 300, 1, 1, 1, 2, 2, 2, 5, 5, 5) });
        Assert.Equal(3, q.RampUpMaxKWPer15Min, 12);
        Assert.Equal(3, q.RampUp95KWPer15Min, 12);
        Assert.Equal(3, q.RampUpMaxKWPer15MinBlock, 12);
        Assert.Equal(2.9, q.RampUp95KWPer15MinBlock, 12);
        Assert.Equal(0, q.RampDownMaxKWPer15Min, 12);
        Assert.Equal(0, q.RampDownMaxKWPer15MinBlock, 12);
        Assert.Equal(900, q.LongRampIntervalSeconds);
        Assert.Equal(300, q.RampSmoothingSeconds);
        // Wider bins than a second: the per-second ramp is the per-bin change over the bin width (3 kW / 300 s).
        Assert.Equal(3.0 / 300, q.RampUpMaxKWPerSecond, 12);
        Assert.Equal(300, q.ShortRampIntervalSeconds);
        // Falling load: down ramps positive.
        var d = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 1, 5, 3) });
        Assert.Equal(2, d.RampDownMaxKWPerSecond, 12);
        Assert.Equal(0, d.RampUpMaxKWPerSecond, 12);
    }

    [Fact]
    public void RollingRampsSeeEveryWindowWhileBlockRampsSeeAlignedOnes()
    {
        // 300 s bins, kW 1 1 2 2 2 5 5 5 5. Rolling 3-bin changes: 1, 1, 3, 3, 3, 0 (sorted 0 1 1 3 3 3): max 3, type-7 95th
        // (h = 4.75) 3, 5th (h = 0.25) 0.25 > 0 so no fall. Block means 4/3, 3, 5: changes +5/3, +2 -> max 2, 95th 5/3 + 0.95/3.
        var up = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 300, 1, 1, 2, 2, 2, 5, 5, 5, 5) });
        Assert.Equal(3, up.RampUpMaxKWPer15Min, 12);
        Assert.Equal(3, up.RampUp95KWPer15Min, 12);
        Assert.Equal(0, up.RampDownMaxKWPer15Min, 12);
        Assert.Equal(0, up.RampDown95KWPer15Min, 12);
        Assert.Equal(2, up.RampUpMaxKWPer15MinBlock, 12);
        Assert.Equal(5.0 / 3 + 0.95 / 3, up.RampUp95KWPer15MinBlock, 12);
        Assert.Equal(0, up.RampDown95KWPer15MinBlock, 12);
        // Mirrored: kW 5 5 5 5 2 2 2 1 1. Rolling changes 0, -3, -3, -3, -1, -1 (sorted -3 -3 -3 -1 -1 0): down max 3, down
        // 95th = -(5th) = 3; up 95th (h = 4.75: -1 + 0.75) floored to 0. Block means 5, 3, 4/3: falls 2 and 5/3 -> down max 2,
        // down 95th = -(-2 + 0.05·(1/3)).
        var down = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 300, 5, 5, 5, 5, 2, 2, 2, 1, 1) });
        Assert.Equal(3, down.RampDownMaxKWPer15Min, 12);
        Assert.Equal(3, down.RampDown95KWPer15Min, 12);
        Assert.Equal(0, down.RampUp95KWPer15Min, 12);
        Assert.Equal(0, down.RampUpMaxKWPer15Min, 12);
        Assert.Equal(2, down.RampDownMaxKWPer15MinBlock, 12);
        Assert.Equal(2 - 0.05 / 3, down.RampDown95KWPer15MinBlock, 12);
        // Sub-second bins: 0.5 s, kW 0 0 0 4 4 4. 1-s trailing means from bin 1: 0, 0, 2, 4, 4; 1-s changes 2, 4, 2 -> max 4,
        // 95th 2 + 0.9·2 = 3.8 kW/s (aligned 1-s blocks 0, 2, 4 would give only 2 kW/s).
        var fine = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 0.5, 0, 0, 0, 4, 4, 4) });
        Assert.Equal(4, fine.RampUpMaxKWPerSecond, 12);
        Assert.Equal(3.8, fine.RampUp95KWPerSecond, 12);
        Assert.Equal(0, fine.RampDownMaxKWPerSecond, 12);
        Assert.Equal(1, fine.ShortRampIntervalSeconds, 12);
    }

    [Fact]
    public void FifteenMinuteRampsUseTheOneSecondMean()
    {
        // 0.5 s bins, 1802 of them, all 0 but the last at 10 kW. The 1-s mean at the last bin is 5 kW; the one 15-minute
        // window (bins 1 to 1801) rises 5 kW, not the raw 10 kW. Too short for two 15-minute blocks.
        var kw = new double[1802];
        kw[1801] = 10;
        var p = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 0.5, kw) });
        Assert.Equal(5, p.RampUpMaxKWPer15Min, 12);
        Assert.Equal(5, p.RampUpMaxKWPerSecond, 12);
        Assert.Equal(10, p.LargestStepKW, 12);
        Assert.True(double.IsNaN(p.RampUpMaxKWPer15MinBlock));
        // Unmeasured bins: 0.5 s, kW 2 NaN 4 4 -> 1-s means 2 (bin 1: only bin 0 measured), 4, 4; one window: +2 kW/s.
        var g = LoadProfileAnalysis.Measure(new[] { KW("g", TraceLevel.Site, 0.5, 2, double.NaN, 4, 4) });
        Assert.Equal(2, g.RampUpMaxKWPerSecond, 12);
        Assert.Equal(2, g.RampUp95KWPerSecond, 12);
    }

    [Fact]
    public void RollingRampsMatchTheDefinitionOnARandomTrace()
    {
        // 0.25 s bins with gaps, two replicates; reference by the definition: direct 4-bin means, every pair, full sort.
        var rng = new Random(5);
        var reps = Enumerable.Range(0, 2).Select(r => new PowerSeries($"r{r}", TraceLevel.Site, Start, 0.25,
            Enumerable.Range(0, 4000).Select(i => rng.NextDouble() < 0.02 ? double.NaN : 500_000 + 20_000 * Math.Sin(i / 300.0) + rng.Next(0, 50_000)).ToArray())).ToArray();
        var p = LoadProfileAnalysis.Measure(reps);
        double[] Changes(int k)
        {
            var d = new List<double>();
            foreach (var rep in reps)
            {
                double S(int i)
                {
                    var win = Enumerable.Range(i - 3, 4).Select(j => rep.Watts[j]).Where(v => !double.IsNaN(v)).ToArray();
                    return win.Length == 0 ? double.NaN : win.Average() / 1000;
                }
                for (int i = 3; i + k < 4000; i++)
                {
                    double c = S(i + k) - S(i);
                    if (!double.IsNaN(c)) d.Add(c / (k * 0.25));
                }
            }
            d.Sort();
            return d.ToArray();
        }
        double[] s = Changes(4), l = Changes(3600);
        Assert.Equal(Quantiles.SortedType7(s, 0.95), p.RampUp95KWPerSecond, 9);
        Assert.Equal(s[^1], p.RampUpMaxKWPerSecond, 9);
        Assert.Equal(-Quantiles.SortedType7(s, 0.05), p.RampDown95KWPerSecond, 9);
        Assert.Equal(-s[0], p.RampDownMaxKWPerSecond, 9);
        Assert.Equal(900 * Quantiles.SortedType7(l, 0.95), p.RampUp95KWPer15Min, 9);
        Assert.Equal(900 * l[^1], p.RampUpMaxKWPer15Min, 9);
        Assert.Equal(-900 * l[0], p.RampDownMaxKWPer15Min, 9);
    }

    [Fact]
    public void ReplicatesArePooledAndTheirPeaksGiveTheP95()
    {
        var a = KW("seed 1", TraceLevel.Site, 1, 5, 10, 5);
        var b = KW("seed 2", TraceLevel.Site, 1, 5, 20, 5);
        var p = LoadProfileAnalysis.Measure(new[] { a, b });
        Assert.Equal(2, p.ReplicateCount);
        Assert.Equal(20, p.PeakKW, 12);
        Assert.Equal(10 + 0.95 * 10, p.PeakP95AcrossSeedsKW, 12);
        Assert.Equal(50.0 / 6, p.MeanKW, 12);
        Assert.Equal(15, p.RampUpMaxKWPerSecond, 12); // within seed 2; never across the replicates' boundary
        Assert.Equal(15, p.LargestStepKW, 12);
    }

    [Fact]
    public void DiversityComesFromServerTracesBesideTheSite()
    {
        var s1 = KW("server 1", TraceLevel.Server, 1, 1, 0);
        var s2 = KW("server 2", TraceLevel.Server, 1, 0, 1);
        var site = KW("site", TraceLevel.Site, 1, 1, 1);
        var p = LoadProfileAnalysis.Measure(new[] { s1, site, s2 });
        Assert.Equal("site", p.Name);
        Assert.Equal(TraceLevel.Site, p.Level);
        Assert.Equal(TraceLevel.Server, p.ComponentLevel);
        Assert.Equal(2, p.ComponentCount);
        Assert.Equal(2, p.SumOfComponentPeaksKW, 12);
        Assert.Equal(0.5, p.CoincidenceFactor, 12);
        Assert.Equal(2, p.DiversityFactor, 12);
        Assert.Equal(1, p.PeakKW, 12); // server traces are not part of the profile
        var rack = KW("rack", TraceLevel.Rack, 1, 1, 1);
        var q = LoadProfileAnalysis.Measure(new[] { s1, site, s2, rack });
        Assert.Contains(q.Warnings, w => w.Contains("ignored"));
    }

    [Fact]
    public void AYearGivesAn8760HourProfile()
    {
        var w = Enumerable.Range(0, 8760 * 4).Select(i => (i / 4) * 1000.0).ToArray(); // 15-minute bins, kW = hour index
        var p = LoadProfileAnalysis.Measure(new[] { new PowerSeries("year", TraceLevel.Facility, Start, 900, w) });
        Assert.NotNull(p.HourlyProfileKW);
        Assert.Equal(8760, p.HourlyProfileKW!.Count);
        for (int h = 0; h < 8760; h += 97) Assert.Equal(h, p.HourlyProfileKW[h], 9);
        Assert.Equal(8760, p.DurationHours, 9);
        Assert.Equal(p.AnnualEnergyMWh, p.EnergyMWh, 6);
        Assert.Equal(0, p.RampDownMaxKWPer15Min, 12);
        Assert.Equal(1, p.RampUpMaxKWPer15Min, 12);
    }

    [Fact]
    public void ErrorsCarryStableIds()
    {
        var ok = KW("s", TraceLevel.Site, 1, 1, 2);
        void Expect(string id, Action a) => Assert.Equal(id, Assert.ThrowsAny<PowerTraceException>(a).ErrorId);
        Expect("NoInput", () => LoadProfileAnalysis.Measure(Array.Empty<PowerSeries>()));
        Expect("NoInput", () => LoadProfileAnalysis.Measure(new[] { new PowerSeries("n", TraceLevel.Site, Start, 1, new[] { double.NaN }) }));
        Expect("MixedBinWidths", () => LoadProfileAnalysis.Measure(new[] { ok, KW("t", TraceLevel.Site, 2, 1, 2) }));
        Expect("MixedStartTimes", () => LoadProfileAnalysis.Measure(new[] { ok, new PowerSeries("t", TraceLevel.Site, Start.AddHours(1), 1, new[] { 1.0, 2 }) }));
        Expect("PowerFactorOutOfRange", () => LoadProfileAnalysis.Measure(new[] { ok }, 0));
        Expect("PowerFactorOutOfRange", () => LoadProfileAnalysis.Measure(new[] { ok }, 1.1));
        Expect("PointCountOutOfRange", () => LoadProfileAnalysis.Measure(new[] { ok }, 0.9, 1));
    }
}
