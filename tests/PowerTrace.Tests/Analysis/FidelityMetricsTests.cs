using PowerTrace.Core.Analysis;
using PowerTrace.Core.Numerics;
using Xunit;

namespace PowerTrace.Tests.Analysis;

public class FidelityMetricsTests
{
    private static double[] Ar1(double phi, int n, ulong seed, double mean = 300, double sd = 20)
    {
        var rng = new Rng(seed);
        var x = new double[n];
        double e = 0;
        for (int i = 0; i < n; i++)
        {
            double z = Math.Sqrt(-2 * Math.Log(rng.NextDoubleNonZero())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            e = phi * e + Math.Sqrt(1 - phi * phi) * z;
            x[i] = mean + sd * e;
        }
        return x;
    }

    [Fact]
    public void IdenticalTracesArePerfect()
    {
        var p = Ar1(0.8, 2000, 1);
        var r = FidelityMetrics.Compare(p, (double[])p.Clone());
        Assert.Equal(0, r.EnergyErrorPercent, 12);
        Assert.Equal(1, r.AcfRSquared, 12);
        Assert.Equal(0, r.KsStatistic, 12);
        Assert.Equal(0, r.Nrmse, 12);
        Assert.Equal(0, r.P95ErrorPercent, 12);
        Assert.Equal(0, r.P99ErrorPercent, 12);
        Assert.Equal(50, r.AcfLags);
    }

    [Fact]
    public void HandComputedSmallArrays()
    {
        double[] p = { 100, 200, 300, 400 };
        double[] q = { 110, 210, 310, 410 };
        var r = FidelityMetrics.Compare(p, q);
        Assert.Equal(100.0 * 40 / 1000, r.EnergyErrorPercent, 12);   // 4 %
        Assert.Equal(10.0 / 300, r.Nrmse, 12);                       // RMSE 10 over range 300
        Assert.Equal(0.25, r.KsStatistic, 12);                       // at 100: F_P = 1/4, F_Q = 0
        // P95 by linear interpolation: 300 + 0.85·100 = 385 vs 395.
        Assert.Equal(100.0 * 10 / 385, r.P95ErrorPercent, 10);
        Assert.Equal(100.0 * 10 / 397, r.P99ErrorPercent, 10);
        // A pure shift keeps the autocorrelation: ACF R² = 1 (lags 1..3 here).
        Assert.Equal(3, r.AcfLags);
        Assert.Equal(1, r.AcfRSquared, 12);
        // Hand ACF of 100,200,300,400: mean 250, var sum 50000; lag 1: (-150·-50 + -50·50 + 50·150)/50000 = 0.25.
        var acf = FidelityMetrics.Acf(p, new[] { true, true, true, true }, 3);
        Assert.Equal(0.25, acf[0], 12);
        Assert.Equal((-150.0 * 50 + -50.0 * 150) / 50000, acf[1], 12);
        Assert.Equal(-150.0 * 150 / 50000, acf[2], 12);
    }

    [Fact]
    public void NaNBinsAreSkippedAndLengthMismatchThrows()
    {
        double[] p = { 100, double.NaN, 300, 400 };
        double[] q = { 100, 999, double.NaN, 400 };
        var r = FidelityMetrics.Compare(p, q);
        Assert.Equal(2, r.ValidBins);
        Assert.Equal(0, r.EnergyErrorPercent, 12);
        Assert.Throws<ArgumentException>(() => FidelityMetrics.Compare(new double[3], new double[4]));
    }

    [Fact]
    public void AcfOfAr1IsPhiToTheLag()
    {
        var x = Ar1(0.8, 200_000, 5);
        var valid = Enumerable.Repeat(true, x.Length).ToArray();
        var acf = FidelityMetrics.Acf(x, valid, 10);
        // Sampling s.e. about sqrt((1+phi²)/(1-phi²)/n) = 0.005: allow 3 s.e.
        for (int k = 1; k <= 10; k++) Assert.InRange(acf[k - 1] - Math.Pow(0.8, k), -0.015, 0.015);
        // Another AR(1) with the same phi reproduces the ACF; white noise does not.
        var r = FidelityMetrics.Compare(x, Ar1(0.8, 200_000, 6));
        Assert.True(r.AcfRSquared > 0.99, r.ToString());
        Assert.True(r.KsStatistic < 0.02, r.ToString());
        var white = FidelityMetrics.Compare(x, Ar1(0.0, 200_000, 7));
        Assert.True(white.AcfRSquared < 0.2, white.ToString());
    }

    [Fact]
    public void BaselinesAndMedian()
    {
        double[] p = { 100, 300, 100, 300 };
        var mean = FidelityMetrics.MeanPowerTrace(p);
        Assert.All(mean, v => Assert.Equal(200, v));
        var rm = FidelityMetrics.Compare(p, mean);
        Assert.Equal(0, rm.EnergyErrorPercent, 12);
        Assert.Equal(0.5, rm.KsStatistic, 12);
        var tdp = FidelityMetrics.Compare(p, FidelityMetrics.ConstantTrace(400, 4));
        Assert.Equal(100, tdp.EnergyErrorPercent, 12);
        Assert.False(double.IsNaN(tdp.AcfRSquared));

        var m = FidelityMetrics.Median(new[] { rm, tdp, FidelityMetrics.Compare(p, FidelityMetrics.ConstantTrace(300, 4)) });
        Assert.Equal(50, m.EnergyErrorPercent, 12);  // median of 0, 100, 50
        Assert.Equal(3, m.Runs);
        Assert.Equal(12, m.ValidBins);
    }
}
