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
        public void Add(int group, long[] sums) => Add(group, 0, sums, OutBins);

        /// <summary>Adds <paramref name="count"/> values of <paramref name="sums"/> to bins [start, start + count) of a group (thread-safe).</summary>
        public abstract void Add(int group, int start, long[] sums, int count);

        /// <summary>Reads bins [start, start+count) of a group into <paramref name="into"/> (not thread-safe; after all adds).</summary>
        public abstract void Read(int group, int start, int count, long[] into);

        public virtual void Dispose() { }
    }

    internal sealed class MemoryLevelStore : LevelStore
    {
        private readonly long[] _sums;
        private readonly object _gate = new object();

        public MemoryLevelStore(int groups, int outBins) : base(groups, outBins) { _sums = new long[checked((long)groups * outBins)]; }

        public override void Add(int group, int start, long[] sums, int count)
        {
            long o = (long)group * OutBins + start;
            lock (_gate)
                for (int j = 0; j < count; j++) _sums[o + j] += sums[j];
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
            _bytes = new byte[Math.Min((long)outBins * 8, 1 << 20)];
        }

        // Unwritten stretches of the file read back as zeros (the file is extended with zeros), so a group's pieces
        // can be added in any order; _written only says whether a group was touched at all.
        public override void Add(int group, int start, long[] sums, int count)
        {
            lock (_gate)
            {
                long pos = ((long)group * OutBins + start) * 8;
                int bytes = count * 8;
                if (_bytes.Length < bytes) _bytes = new byte[bytes];
                if (_old.Length < count) _old = new long[count];
                if (pos < _file.Length)
                {
                    _file.Position = pos;
                    int avail = (int)Math.Min(bytes, _file.Length - pos);
                    ReadExactly(_bytes, avail);
                    if (avail < bytes) Array.Clear(_bytes, avail, bytes - avail);
                    Buffer.BlockCopy(_bytes, 0, _old, 0, bytes);
                    for (int j = 0; j < count; j++) _old[j] += sums[j];
                    Buffer.BlockCopy(_old, 0, _bytes, 0, bytes);
                }
                else Buffer.BlockCopy(sums, 0, _bytes, 0, bytes);
                _file.Position = pos;
                _file.Write(_bytes, 0, bytes);
                _written[group] = true;
            }
        }

        private long[] _old = Array.Empty<long>();

        public override void Read(int group, int start, int count, long[] into)
        {
            if (!_written[group]) { Array.Clear(into, 0, count); return; }
            if (_bytes.Length < count * 8) _bytes = new byte[count * 8];
            long pos = ((long)group * OutBins + start) * 8;
            int avail = (int)Math.Max(0, Math.Min(count * 8L, _file.Length - pos));
            _file.Position = Math.Min(pos, _file.Length);
            ReadExactly(_bytes, avail);
            if (avail < count * 8) Array.Clear(_bytes, avail, count * 8 - avail);
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
