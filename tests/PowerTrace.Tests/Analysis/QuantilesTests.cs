using PowerTrace.Core.Analysis;
using Xunit;

namespace PowerTrace.Tests.Analysis;

public class QuantilesTests
{
    [Fact]
    public void SelectionGivesTheSortedType7Quantile()
    {
        var rng = new Random(11);
        foreach (int n in new[] { 1, 2, 3, 7, 100, 1001 })
        {
            // Few distinct values so that ties are common.
            double[] values = Enumerable.Range(0, n).Select(_ => (double)rng.Next(0, 9)).ToArray();
            double[] sorted = values.OrderBy(v => v).ToArray();
            foreach (double p in new[] { 0.0, 0.05, 0.5, 0.95, 0.999, 1.0 })
            {
                var work = (double[])values.Clone();
                Assert.Equal(Quantiles.SortedType7(sorted, p), Quantiles.SelectType7(work, n, p), 12);
            }
        }
        // Hand value: 1 2 3 4 at p = 0.95 -> h = 2.85 -> 3 + 0.85.
        Assert.Equal(3.85, Quantiles.SelectType7(new[] { 4.0, 1, 3, 2 }, 4, 0.95), 12);
        Assert.True(double.IsNaN(Quantiles.SelectType7(new double[3], 0, 0.5)));
    }
}
