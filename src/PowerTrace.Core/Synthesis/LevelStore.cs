using System;
using System.IO;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Exact integer sums (milliwatt-bins) for the groups of one output level: in memory, or in a
    /// column-per-group spill file for levels that stream to CSV. Adds are integer, so the order in
    /// which workers add never changes the result.
    /// </summary>
    internal abstract class LevelStore : IDisposable
    {
        protected LevelStore(int groups, int outBins) { Groups = groups; OutBins = outBins; }

        public int Groups { get; }
        public int OutBins { get; }

        /// <summary>Adds <paramref name="sums"/> (OutBins values) to group <paramref name="group"/> (thread-safe).</summary>
        public abstract void Add(int group, long[] sums);

        /// <summary>Reads bins [start, start+count) of a group into <paramref name="into"/> (not thread-safe; after all adds).</summary>
        public abstract void Read(int group, int start, int count, long[] into);

        public virtual void Dispose() { }
    }

    internal sealed class MemoryLevelStore : LevelStore
    {
        private readonly long[] _sums;
        private readonly object _gate = new object();

        public MemoryLevelStore(int groups, int outBins) : base(groups, outBins) { _sums = new long[checked((long)groups * outBins)]; }

        public override void Add(int group, long[] sums)
        {
            long o = (long)group * OutBins;
            lock (_gate)
                for (int j = 0; j < OutBins; j++) _sums[o + j] += sums[j];
        }

        public override void Read(int group, int start, int count, long[] into)
            => Array.Copy(_sums, (long)group * OutBins + start, into, 0, count);
    }

    internal sealed class SpillLevelStore : LevelStore
    {
        private readonly FileStream _file;
        private readonly bool[] _written;
        private readonly object _gate = new object();
        private byte[] _bytes;

        public SpillLevelStore(string path, int groups, int outBins) : base(groups, outBins)
        {
            _file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            _written = new bool[groups];
            _bytes = new byte[(long)outBins * 8];
        }

        public override void Add(int group, long[] sums)
        {
            lock (_gate)
            {
                long pos = (long)group * OutBins * 8;
                if (_written[group])
                {
                    var old = new long[OutBins];
                    _file.Position = pos;
                    ReadExactly(_bytes, OutBins * 8);
                    Buffer.BlockCopy(_bytes, 0, old, 0, OutBins * 8);
                    for (int j = 0; j < OutBins; j++) old[j] += sums[j];
                    Buffer.BlockCopy(old, 0, _bytes, 0, OutBins * 8);
                }
                else Buffer.BlockCopy(sums, 0, _bytes, 0, OutBins * 8);
                _file.Position = pos;
                _file.Write(_bytes, 0, OutBins * 8);
                _written[group] = true;
            }
        }

        public override void Read(int group, int start, int count, long[] into)
        {
            if (!_written[group]) { Array.Clear(into, 0, count); return; }
            if (_bytes.Length < count * 8) _bytes = new byte[count * 8];
            _file.Position = ((long)group * OutBins + start) * 8;
            ReadExactly(_bytes, count * 8);
            Buffer.BlockCopy(_bytes, 0, into, 0, count * 8);
        }

        private void ReadExactly(byte[] buffer, int count)
        {
            int done = 0;
            while (done < count)
            {
                int n = _file.Read(buffer, done, count - done);
                if (n <= 0) throw new EndOfStreamException("The synthesis spill file ended early.");
                done += n;
            }
        }

        public override void Dispose() => _file.Dispose();
    }
}
