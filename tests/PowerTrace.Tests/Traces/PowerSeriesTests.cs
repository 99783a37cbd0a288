using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Traces;

public class PowerSeriesTests
{
    [Fact]
    public void SummarySkipsNaNBinsAndComputesEnergyInWattHours()
    {
        var start = new DateTime(2025, 12, 11, 21, 8, 18, DateTimeKind.Utc);
        var s = new PowerSeries("t", TraceLevel.Node, start, 0.5, new[] { 100.0, double.NaN, 300.0, 200.0 });
        Assert.Equal(3, s.ValidBinCount);
        Assert.Equal(200.0, s.MeanWatts, 12);
        Assert.Equal(300.0, s.PeakWatts);
        Assert.Equal(100.0, s.MinWatts);
        Assert.Equal(600.0 * 0.5 / 3600.0, s.EnergyWh, 12);
        Assert.Equal(2.0, s.DurationSeconds);
        Assert.Equal(start.AddSeconds(1.5), s.BinStartUtc(3));
    }

    [Fact]
    public void UnspecifiedStartIsTreatedAsUtc()
    {
        var s = new PowerSeries("t", TraceLevel.Gpu, new DateTime(2025, 1, 1), 1, new[] { 1.0 });
        Assert.Equal(DateTimeKind.Utc, s.StartUtc.Kind);
    }

    [Fact]
    public void SliceKeepsTimeAlignment()
    {
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var s = new PowerSeries("t", TraceLevel.Node, start, 0.25, new[] { 1.0, 2, 3, 4, 5, 6 });
        var part = s.Slice(2, 3);
        Assert.Equal(start.AddSeconds(0.5), part.StartUtc);
        Assert.Equal(new[] { 3.0, 4, 5 }, part.Watts);
    }

    [Fact]
    public void RejectsNonPositiveBinWidth()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PowerSeries("t", TraceLevel.Node, DateTime.UtcNow, 0, new double[1]));
    }

    [Fact]
    public void RejectsInfiniteWatts()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PowerSeries("t", TraceLevel.Node, DateTime.UtcNow, 1, new[] { 1.0, double.PositiveInfinity }));
        Assert.Contains("Bin 1", ex.Message);
    }
}
