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
        /// <summary>
        /// Type-7 p-quantile of the first <paramref name="count"/> entries of <paramref name="values"/> (no NaN) in expected
        /// O(count) time by selection (Hoare's quickselect); the entries are reordered in place. Same result as sorting
        /// and calling <see cref="SortedType7(double[], int, double)"/>.
        /// </summary>
        public static double SelectType7(double[] values, int count, double p)
        {
            if (values == null) throw new ArgumentNullException(nameof(values));
            if (count <= 0) return double.NaN;
            if (count > values.Length) throw new ArgumentOutOfRangeException(nameof(count));
            double h = (count - 1) * Math.Min(1, Math.Max(0, p));
            int lo = (int)Math.Floor(h);
            if (lo >= count - 1) lo = count - 1;
            double x = Select(values, count, lo);
            double frac = h - lo;
            if (frac <= 0 || lo >= count - 1) return x;
            double next = double.PositiveInfinity; // after selection every entry right of lo is >= x: the next order statistic is their minimum
            for (int i = lo + 1; i < count; i++) if (values[i] < next) next = values[i];
            return x + frac * (next - x);
        }

        /// <summary>Places the k-th smallest (0-based) of the first <paramref name="count"/> entries at index k, smaller ones left, larger right.</summary>
        private static double Select(double[] a, int count, int k)
        {
            int left = 0, right = count - 1;
            while (right > left)
            {
                int mid = left + (right - left) / 2;
                // Median of three as the pivot.
                if (a[mid] < a[left]) Swap(a, mid, left);
                if (a[right] < a[left]) Swap(a, right, left);
                if (a[right] < a[mid]) Swap(a, right, mid);
                double pivot = a[mid];
                int i = left, j = right;
                while (i <= j)
                {
                    while (a[i] < pivot) i++;
                    while (a[j] > pivot) j--;
                    if (i <= j) { Swap(a, i, j); i++; j--; }
                }
                if (k <= j) right = j;
                else if (k >= i) left = i;
                else return a[k];
            }
            return a[k];
        }

        private static void Swap(double[] a, int i, int j) { double t = a[i]; a[i] = a[j]; a[j] = t; }
    }
}
