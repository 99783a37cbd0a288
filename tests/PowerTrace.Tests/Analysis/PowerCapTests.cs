using PowerTrace.Core.Analysis;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Traces;
using Xunit;
using static PowerTrace.Tests.Analysis.AnalysisTraces;

namespace PowerTrace.Tests.Analysis;

public class PowerCapTests
{
    [Fact]
    public void CapOnAHandMadeTrace()
    {
        // 2 s bins; above 4 kW: {5, 6}, {7, 7, 7}, then a gap (NaN) and {8}.
        var t = KW("rack", TraceLevel.Rack, 2, 1, 5, 6, 2, 7, 7, 7, 1, double.NaN, 8);
        var r = PowerCap.Measure(t, 4);
        Assert.Equal(4, r.CapKW);
        Assert.Equal(8, r.PeakKW, 12);
        Assert.Equal(4, r.PeakAfterCapKW, 12);
        Assert.Equal(3, r.EpisodeCount);
        Assert.Equal(6, r.LongestEpisodeSeconds, 12);
        Assert.Equal(12, r.SecondsAboveCap, 12);
        Assert.Equal(12.0 / 18, r.ShareOfTimeAboveCap, 12);
        Assert.Equal((1 + 2 + 3 + 3 + 3 + 4) * 2 / 3600.0, r.EnergyAboveCapKWh, 12);
        Assert.Equal(44 * 2 / 3600.0, r.EnergyKWh, 12);
        Assert.Equal(1 - 16.0 / 44, r.EnergyShareKept, 12);
        Assert.True(double.IsNaN(r.RequestedEnergyShare));

        var none = PowerCap.Measure(t, 100);
        Assert.Equal(0, none.EpisodeCount);
        Assert.Equal(0, none.EnergyAboveCapKWh);
        Assert.Equal(8, none.PeakAfterCapKW, 12);
        Assert.Equal(1, none.EnergyShareKept);
    }

    [Fact]
    public void CapForEnergyShareIsExactOnHandValues()
    {
        var t = KW("t", TraceLevel.Site, 1, 10, 6, 4, 0);
        // Total 20 kW·s. Keep 90 %: 2 kW·s above the cap -> cap 8 (only the 10 is cut).
        Assert.Equal(8, PowerCap.CapForEnergyShare(t, 0.9), 12);
        // Keep 50 %: 10 kW·s above -> three bins above: (10 + 6 + 4 − 10) / 3.
        Assert.Equal(10.0 / 3, PowerCap.CapForEnergyShare(t, 0.5), 12);
        // Keep everything: the peak.
        Assert.Equal(10, PowerCap.CapForEnergyShare(t, 1), 12);
        var r = PowerCap.MeasureKeepingEnergyShare(t, 0.5);
        Assert.Equal(0.5, r.RequestedEnergyShare);
        Assert.Equal(0.5, r.EnergyShareKept, 12);
    }

    [Fact]
    public void CapForEnergyShareKeepsTheShareOnRandomTraces()
    {
        var rng = new Rng(8);
        var w = Enumerable.Range(0, 5000).Select(_ => 300 + 100 * rng.NextGaussian()).Select(v => Math.Max(0, v)).ToArray();
        var t = new PowerSeries("r", TraceLevel.Server, Start, 0.25, w);
        foreach (double share in new[] { 0.5, 0.9, 0.99, 0.999, 0.99999 })
        {
            var r = PowerCap.MeasureKeepingEnergyShare(t, share);
            Assert.Equal(share, r.EnergyShareKept, 9);
            Assert.True(r.CapKW <= t.PeakWatts / 1000);
        }
    }

    [Fact]
    public void ErrorsCarryStableIds()
    {
        var t = KW("t", TraceLevel.Site, 1, 1, 2);
        void Expect(string id, Action a) => Assert.Equal(id, Assert.ThrowsAny<PowerTraceException>(a).ErrorId);
        Expect("NonPositiveCap", () => PowerCap.Measure(t, 0));
        Expect("NonPositiveCap", () => PowerCap.Measure(t, -3));
        Expect("NonPositiveCap", () => PowerCap.Measure(t, double.NaN));
        Expect("EnergyShareOutOfRange", () => PowerCap.CapForEnergyShare(t, 0));
        Expect("EnergyShareOutOfRange", () => PowerCap.CapForEnergyShare(t, 1.01));
        Expect("NoInput", () => PowerCap.Measure(new PowerSeries("n", TraceLevel.Site, Start, 1, new[] { double.NaN }), 1));
    }
}
