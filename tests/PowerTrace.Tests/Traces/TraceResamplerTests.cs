using PowerTrace.Core.Errors;
using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Traces;

public class TraceResamplerTests
{
    private static readonly DateTime Start = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AveragesWholeGroupsAndSkipsUnmeasuredBins()
    {
        // 0.25 s bins -> 1 s: groups (1 2 3 4), (NaN 6 NaN 8), (NaN x4), then 2 bins left over.
        var t = new PowerSeries("t", TraceLevel.Server, Start, 0.25,
            new[] { 1.0, 2, 3, 4, double.NaN, 6, double.NaN, 8, double.NaN, double.NaN, double.NaN, double.NaN, 9, 9 },
            position: new HierarchyPosition(1, 2, 3));
        var r = TraceResampler.Resample(t, 1.0, ResampleAlignment.Start, out int dropped);
        Assert.Equal(1.0, r.BinSeconds);
        Assert.Equal(3, r.BinCount);
        Assert.Equal(2.5, r.Watts[0], 12);
        Assert.Equal(7, r.Watts[1], 12);
        Assert.True(double.IsNaN(r.Watts[2]));
        Assert.Equal(2, dropped);
        Assert.Equal(Start, r.StartUtc);
        Assert.Equal(DateTimeKind.Utc, r.StartUtc.Kind);
        Assert.Equal(TraceLevel.Server, r.Level);
        Assert.Equal("t", r.Name);
        Assert.Equal(t.Position, r.Position);
        // The width itself is the identity.
        Assert.Equal(t.Watts, TraceResampler.Resample(t, 0.25).Watts);
    }

    [Fact]
    public void UtcAlignmentPutsBinsOnTheGridOfTheNewWidth()
    {
        // 10 s bins from 12:00:40: to 60 s bins on the minute, the first whole minute starts 12:01:00 (2 bins dropped).
        var w = Enumerable.Range(0, 14).Select(i => (double)i).ToArray(); // bins at 12:00:40, :50, 12:01:00, ...
        var t = new PowerSeries("t", TraceLevel.Rack, Start.AddSeconds(40), 10, w);
        var r = TraceResampler.Resample(t, 60, ResampleAlignment.Utc, out int dropped);
        Assert.Equal(Start.AddMinutes(1), r.StartUtc);
        Assert.Equal(2, r.BinCount);
        Assert.Equal((2 + 3 + 4 + 5 + 6 + 7) / 6.0, r.Watts[0], 12);
        Assert.Equal((8 + 9 + 10 + 11 + 12 + 13) / 6.0, r.Watts[1], 12);
        Assert.Equal(2, dropped);
        // Start alignment keeps the trace's start instead: 12:00:40, groups 0..5 and 6..11, bins 12 and 13 dropped.
        var s = TraceResampler.Resample(t, 60);
        Assert.Equal(t.StartUtc, s.StartUtc);
        Assert.Equal(2.5, s.Watts[0], 12);
        // Already on the grid: nothing dropped at the front.
        var on = TraceResampler.Resample(new PowerSeries("o", TraceLevel.Rack, Start, 10, w), 60, ResampleAlignment.Utc, out int d2);
        Assert.Equal(Start, on.StartUtc);
        Assert.Equal(2, d2);
        Assert.Equal(2.5, on.Watts[0], 12);
    }

    [Fact]
    public void ConservesTheMeanOfCompleteTraces()
    {
        var rng = new Random(3);
        var w = Enumerable.Range(0, 3600).Select(_ => 400 + 300 * rng.NextDouble()).ToArray();
        var t = new PowerSeries("t", TraceLevel.Server, Start, 0.25, w);
        var r = TraceResampler.Resample(t, 900 * 0.25);
        Assert.Equal(t.MeanWatts, r.MeanWatts, 9);
        Assert.Equal(t.EnergyWh, r.EnergyWh, 6);
        Assert.True(r.PeakWatts <= t.PeakWatts);
    }

    [Fact]
    public void ErrorsCarryStableIds()
    {
        var t = new PowerSeries("t", TraceLevel.Server, Start.AddSeconds(0.5), 1, new double[10]);
        void Expect(string id, Action a) => Assert.Equal(id, Assert.Throws<InvalidSettingException>(a).ErrorId);
        Expect("BinWidthNotMultiple", () => TraceResampler.Resample(t, 1.5));
        Expect("BinWidthNotMultiple", () => TraceResampler.Resample(t, 0.5));
        Expect("BinWidthNotMultiple", () => TraceResampler.Resample(t, 0));
        Expect("BinWidthNotMultiple", () => TraceResampler.Resample(t, double.NaN));
        Expect("TraceTooShort", () => TraceResampler.Resample(t, 20));
        Expect("StartOffGrid", () => TraceResampler.Resample(t, 5, ResampleAlignment.Utc));
        Assert.Throws<ArgumentNullException>(() => TraceResampler.Resample(null!, 1));
    }
}
