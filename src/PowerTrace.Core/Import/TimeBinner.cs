using System;
using System.Collections.Generic;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Bins one channel's samples onto a fixed grid on the fly, by time-weighted mean.
    /// </summary>
    /// <remarks>
    /// <para>Grid: bin k covers [k·bin, (k+1)·bin) in ticks from 0001-01-01 UTC, i.e. bins are aligned
    /// to whole multiples of the bin width (for widths that divide a day, to the epoch and to
    /// midnight), so traces from different files share one grid and can be summed or exported together.</para>
    /// <para>Each sample's value holds from its timestamp until the next sample (zero-order hold).
    /// Samples that share a timestamp are averaged into one. The sampling interval is the median of
    /// the first <see cref="WarmupIntervals"/> intervals (all of them in shorter files). An interval
    /// longer than GapFactor × that median is a gap: the sample before it holds for one median interval
    /// only, and the rest is unmeasured. The last sample holds for one median interval. A bin's value
    /// is the time-weighted mean over its measured part; a bin with no measured time is NaN.</para>
    /// <para>A NaN sample marks "unmeasured from here": it ends the previous sample's hold and holds
    /// nothing itself. A run of NaN samples after a real one, closed by a real one, is a gap.</para>
    /// </remarks>
    internal sealed class TimeBinner
    {
        /// <summary>Intervals used to find the median sampling interval.</summary>
        public const int WarmupIntervals = 1000;

        private readonly long _binTicks;
        private readonly double _gapFactor;
        private long _firstBin = long.MinValue;
        private double[] _sum = new double[256];    // watt·ticks
        private double[] _cover = new double[256];  // ticks
        private int _used;                          // bins in use from _firstBin

        private bool _hasPending;
        private long _pendT;
        private double _pendSum;
        private int _pendN;

        private bool _hasPrev;
        private long _prevT;
        private double _prevW;

        private List<long>? _warmT = new List<long>();
        private List<double>? _warmW = new List<double>();
        private long _hold;
        private long _gapThreshold;
        private long _nanRunStart = long.MinValue;

        public TimeBinner(long binTicks, double gapFactor)
        {
            _binTicks = binTicks;
            _gapFactor = gapFactor;
        }

        /// <summary>Gaps found: (last sample before, first sample after), ticks.</summary>
        public List<KeyValuePair<long, long>> Gaps { get; } = new List<KeyValuePair<long, long>>();

        /// <summary>Median sampling interval, ticks (0 until known).</summary>
        public long IntervalTicks => _hold;

        /// <summary>True once a sample that is not NaN was added.</summary>
        public bool HasValue { get; private set; }

        /// <summary>Distinct sample times seen.</summary>
        public long SampleCount { get; private set; }

        /// <summary>Time of the last accepted sample (ticks); long.MinValue before the first.</summary>
        public long LastTime => _hasPending ? _pendT : long.MinValue;

        /// <summary>Adds a sample; the caller guarantees t ≥ <see cref="LastTime"/>.</summary>
        public void Add(long t, double watts)
        {
            if (!double.IsNaN(watts)) HasValue = true;
            if (_hasPending)
            {
                if (t == _pendT) { _pendSum += watts; _pendN++; return; }
                Distinct(_pendT, _pendSum / _pendN);
            }
            _hasPending = true;
            _pendT = t;
            _pendSum = watts;
            _pendN = 1;
        }

        /// <summary>Flushes the last sample. Call once, after the last <see cref="Add"/>.</summary>
        public void Finish()
        {
            if (_hasPending) { Distinct(_pendT, _pendSum / _pendN); _hasPending = false; }
            if (_warmT != null) EndWarmup();
            if (_hasPrev) Deposit(_prevT, _prevT + _hold, _prevW);
        }

        private void Distinct(long t, double w)
        {
            SampleCount++;
            if (_warmT != null)
            {
                _warmT.Add(t);
                _warmW!.Add(w);
                if (_warmT.Count > WarmupIntervals) EndWarmup();
                return;
            }
            Segment(t, w);
        }

        private void EndWarmup()
        {
            var ts = _warmT!;
            var ws = _warmW!;
            _warmT = null;
            _warmW = null;
            if (ts.Count >= 2)
            {
                var iv = new long[ts.Count - 1];
                for (int i = 1; i < ts.Count; i++) iv[i - 1] = ts[i] - ts[i - 1];
                Array.Sort(iv);
                int m = iv.Length / 2;
                _hold = iv.Length % 2 == 1 ? iv[m] : (iv[m - 1] + iv[m]) / 2;
            }
            if (_hold <= 0) _hold = _binTicks; // a single sample: hold one bin
            _gapThreshold = (long)Math.Round(_gapFactor * _hold);
            for (int i = 0; i < ts.Count; i++) Segment(ts[i], ws[i]);
        }

        private void Segment(long t, double w)
        {
            if (_hasPrev)
            {
                long interval = t - _prevT;
                if (double.IsNaN(_prevW)) { /* unmeasured until this sample */ }
                else if (interval > _gapThreshold)
                {
                    Deposit(_prevT, _prevT + _hold, _prevW);
                    Gaps.Add(new KeyValuePair<long, long>(_prevT, t));
                }
                else Deposit(_prevT, t, _prevW);
            }
            if (double.IsNaN(w)) { if (_hasPrev && !double.IsNaN(_prevW) && _nanRunStart == long.MinValue) _nanRunStart = t; }
            else if (_nanRunStart != long.MinValue)
            {
                Gaps.Add(new KeyValuePair<long, long>(_nanRunStart, t));
                _nanRunStart = long.MinValue;
            }
            _hasPrev = true;
            _prevT = t;
            _prevW = w;
        }

        private void Deposit(long a, long b, double w)
        {
            if (b <= a || double.IsNaN(w)) return;
            long k0 = FloorDiv(a, _binTicks);
            long k1 = FloorDiv(b - 1, _binTicks);
            if (_firstBin == long.MinValue) _firstBin = k0;
            Ensure((int)(k1 - _firstBin + 1));
            for (long k = k0; k <= k1; k++)
            {
                long lo = Math.Max(a, k * _binTicks);
                long hi = Math.Min(b, (k + 1) * _binTicks);
                int idx = (int)(k - _firstBin);
                double dt = hi - lo;
                _sum[idx] += w * dt;
                _cover[idx] += dt;
            }
        }

        private void Ensure(int n)
        {
            if (n > _used) _used = n;
            if (n <= _sum.Length) return;
            int size = _sum.Length;
            while (size < n) size *= 2;
            Array.Resize(ref _sum, size);
            Array.Resize(ref _cover, size);
        }

        /// <summary>First bin index (absolute, bins of the grid from tick 0); long.MinValue when empty.</summary>
        public long FirstBin => _firstBin;

        /// <summary>Bins from <see cref="FirstBin"/>.</summary>
        public int BinCount => _used;

        /// <summary>Mean watts of bin <paramref name="absoluteBin"/>; NaN when unmeasured or outside.</summary>
        public double Mean(long absoluteBin)
        {
            long i = absoluteBin - _firstBin;
            if (_firstBin == long.MinValue || i < 0 || i >= _used) return double.NaN;
            double c = _cover[i];
            return c > 0 ? _sum[i] / c : double.NaN;
        }

        private static long FloorDiv(long a, long b)
        {
            long q = a / b;
            if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
            return q;
        }
    }
}
