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
    public void RampsUseTheResampledSeries()
    {
        // 0.25 s bins: one-second means 1 and 4 kW -> a 3 kW/s ramp; the largest bin-to-bin step is 4 kW.
        var p = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 0.25, 0, 0, 0, 4, 4, 4, 4, 4) });
        Assert.Equal(3, p.RampUpMaxKWPerSecond, 12);
        Assert.Equal(0, p.RampDownMaxKWPerSecond, 12);
        Assert.Equal(4, p.LargestStepKW, 12);
        // 300 s bins: 15-minute means 1, 2, 5 -> +1 and +3 kW per 15 min; 95th percentile 1 + 0.95·2 = 2.9.
        var q = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 300, 1, 1, 1, 2, 2, 2, 5, 5, 5) });
        Assert.Equal(3, q.RampUpMaxKWPer15Min, 12);
        Assert.Equal(2.9, q.RampUp95KWPer15Min, 12);
        Assert.Equal(0, q.RampDownMaxKWPer15Min, 12);
        Assert.Equal(900, q.LongRampIntervalSeconds);
        // Wider bins than a second: the per-second ramp is the per-bin change over the bin width (3 kW / 300 s).
        Assert.Equal(3.0 / 300, q.RampUpMaxKWPerSecond, 12);
        Assert.Equal(300, q.ShortRampIntervalSeconds);
        // Falling load: down ramps positive.
        var d = LoadProfileAnalysis.Measure(new[] { KW("s", TraceLevel.Site, 1, 5, 3) });
        Assert.Equal(2, d.RampDownMaxKWPerSecond, 12);
        Assert.Equal(0, d.RampUpMaxKWPerSecond, 12);
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
