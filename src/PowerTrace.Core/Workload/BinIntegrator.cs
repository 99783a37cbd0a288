using System;

namespace PowerTrace.Core.Workload
{
    /// <summary>
    /// Adds piecewise-constant levels over time intervals to per-bin time averages in O(1) per interval:
    /// the partial first and last bins are written directly, the full bins in between go to a difference
    /// array that <see cref="Flush"/> prefix-sums once (O(bins)). So any number of intervals of any length
    /// costs O(intervals + bins), never O(interval length).
    /// </summary>
    internal sealed class BinIntegrator
    {
        private double[] _diff = new double[1];
        private double _binSeconds = 1;
        private int _binCount;
        private double _horizon;

        /// <summary>Prepares for <paramref name="binCount"/> bins of <paramref name="binSeconds"/> (reuses storage).</summary>
        public void Reset(double binSeconds, int binCount)
        {
            if (_diff.Length < binCount + 1) _diff = new double[binCount + 1];
            else Array.Clear(_diff, 0, binCount + 1);
            _binSeconds = binSeconds;
            _binCount = binCount;
            _horizon = binCount * binSeconds;
        }

        /// <summary>
        /// Adds <paramref name="levelPerBin"/> × (overlap of [t0, t1) with the bin) / binSeconds to each bin of
        /// <paramref name="target"/>. Times in seconds from bin 0; parts outside [0, horizon) are ignored.
        /// </summary>
        public void Add(float[] target, double t0, double t1, double levelPerBin)
        {
            if (levelPerBin == 0) return;
            if (t0 < 0) t0 = 0;
            if (t1 > _horizon) t1 = _horizon;
            if (!(t1 > t0)) return;
            double bs = _binSeconds;
            int b0 = (int)(t0 / bs);
            int b1 = (int)(t1 / bs);
            if (b0 >= _binCount) return;
            if (b1 > _binCount) b1 = _binCount;
            if (b0 == b1)
            {
                target[b0] += (float)(levelPerBin * (t1 - t0) / bs);
                return;
            }
            target[b0] += (float)(levelPerBin * ((b0 + 1) * bs - t0) / bs);
            if (b1 > b0 + 1)
            {
                _diff[b0 + 1] += levelPerBin;
                _diff[b1] -= levelPerBin;
            }
            if (b1 < _binCount)
            {
                double part = t1 - b1 * bs;
                if (part > 0) target[b1] += (float)(levelPerBin * part / bs);
            }
        }

        /// <summary>Adds the accumulated full-bin levels to <paramref name="target"/> and clears them.</summary>
        public void Flush(float[] target)
        {
            double run = 0;
            for (int i = 0; i < _binCount; i++)
            {
                double d = _diff[i];
                if (d != 0) { run += d; _diff[i] = 0; if (Math.Abs(run) < 1e-9) run = 0; }
                if (run != 0) target[i] += (float)run;
            }
            _diff[_binCount] = 0;
        }
    }
}
