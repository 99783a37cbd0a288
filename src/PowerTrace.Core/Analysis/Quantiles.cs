using System;

namespace PowerTrace.Core.Analysis
{
    /// <summary>Empirical quantiles as the analyses define them.</summary>
    public static class Quantiles
    {
        /// <summary>
        /// The p-quantile of values sorted ascending, by linear interpolation between order statistics
        /// (Hyndman-Fan type 7, the default of R and numpy): h = (n − 1)·p, result = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
        /// NaN for an empty array. <paramref name="p"/> must lie in [0, 1].
        /// </summary>
        public static double SortedType7(double[] sortedAscending, double p) => SortedType7(sortedAscending, sortedAscending.Length, p);

        /// <summary>Type-7 quantile of the first <paramref name="count"/> entries (sorted ascending).</summary>
        public static double SortedType7(double[] sortedAscending, int count, double p)
        {
            if (sortedAscending == null) throw new ArgumentNullException(nameof(sortedAscending));
            if (count <= 0) return double.NaN;
            if (p <= 0) return sortedAscending[0];
            if (p >= 1) return sortedAscending[count - 1];
            double h = (count - 1) * p;
            int lo = (int)Math.Floor(h);
            if (lo >= count - 1) return sortedAscending[count - 1];
            double frac = h - lo;
            return sortedAscending[lo] + frac * (sortedAscending[lo + 1] - sortedAscending[lo]);
        }

        /// <summary>Type-7 p-quantile of unsorted values (copied and sorted; NaN entries are skipped).</summary>
        public static double Type7(double[] values, double p)
        {
            if (values == null) throw new ArgumentNullException(nameof(values));
            var copy = new double[values.Length];
            int n = 0;
            foreach (double v in values) if (!double.IsNaN(v)) copy[n++] = v;
            Array.Sort(copy, 0, n);
            return SortedType7(copy, n, p);
        }
    }
}
