using System;

namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// The number (or weighted sum) of open intervals as a step function of time, with its running integral, so the average
    /// count over any window is an O(log n) lookup. Built once from n intervals in O(n log n).
    /// </summary>
    internal sealed class StepIntegral
    {
        private readonly double[] _times;
        private readonly double[] _cum;
        private readonly double[] _level;

        public StepIntegral(double[] starts, double[] ends, int count, double[]? weights = null)
        {
            var t = new double[2 * count];
            var d = new double[2 * count];
            int m = 0;
            for (int i = 0; i < count; i++)
            {
                if (!(ends[i] > starts[i])) continue;
                double wgt = weights != null ? weights[i] : 1.0;
                t[m] = starts[i]; d[m++] = wgt;
                t[m] = ends[i]; d[m++] = -wgt;
            }
            Array.Sort(t, d, 0, m);
            _times = new double[m + 1];
            _cum = new double[m + 1];
            _level = new double[m + 1];
            _times[0] = m > 0 ? t[0] : 0;
            double level = 0; double cum = 0; int k = 0;
            for (int j = 0; j < m; j++)
            {
                if (k > 0 && t[j] == _times[k - 1]) { level += d[j]; _level[k - 1] = level; continue; }
                if (k > 0) cum += _level[k - 1] * (t[j] - _times[k - 1]);
                level += d[j];
                _times[k] = t[j]; _cum[k] = cum; _level[k] = level; k++;
            }
            Count = k;
        }

        private int Count { get; }

        /// <summary>Integral of the count from −∞ to <paramref name="time"/>, count·seconds.</summary>
        public double Integral(double time)
        {
            if (Count == 0 || time <= _times[0]) return 0;
            int idx = Array.BinarySearch(_times, 0, Count, time);
            if (idx < 0) idx = ~idx - 1;
            return _cum[idx] + _level[idx] * (time - _times[idx]);
        }

        /// <summary>Time-averaged count over [t0, t1] (NaN when the window is empty).</summary>
        public double Average(double t0, double t1)
        {
            if (t1 > t0) return (Integral(t1) - Integral(t0)) / (t1 - t0);
            return double.NaN;
        }
    }
}
