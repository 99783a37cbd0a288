using System;
using System.IO;
using System.Text;

namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Streams a text file line by line into a reused char buffer, without allocating a string per
    /// line. Handles \n, \r\n and a missing final newline; strips a UTF-8 byte-order mark.
    /// </summary>
    internal sealed class LineReader : IDisposable
    {
        private readonly TextReader _reader;
        private readonly FileStream _stream;
        private char[] _buffer;
        private int _start;   // start of unread data
        private int _end;     // end of valid data
        private bool _eof;

        public LineReader(string path, int bufferChars = 1 << 16)
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
            _stream = stream;
            _reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            _buffer = new char[bufferChars];
        }

        /// <summary>The buffer that <see cref="ReadLine"/> points into; valid until the next call.</summary>
        public char[] Buffer => _buffer;

        /// <summary>Bytes of the file read so far (buffered ahead of the current line).</summary>
        public long BytesRead => _stream.Position;

        /// <summary>Length of the file, bytes.</summary>
        public long Length => _stream.Length;

        /// <summary>1-based number of the line last returned.</summary>
        public long LineNumber { get; private set; }

        /// <summary>
        /// False when the line last returned ended the file without a line terminator: the final line of a
        /// file whose writer stopped in the middle of a record (a logger killed while writing) looks like this.
        /// </summary>
        public bool LastLineTerminated { get; private set; } = true;

        /// <summary>Reads the next line (without its terminator). False at end of file.</summary>
        public bool ReadLine(out int start, out int length)
        {
            while (true)
            {
                int nl = _start < _end ? Array.IndexOf(_buffer, '\n', _start, _end - _start) : -1;
                if (nl >= 0)
                {
                    start = _start;
                    length = nl - _start;
                    if (length > 0 && _buffer[nl - 1] == '\r') length--;
                    _start = nl + 1;
                    LineNumber++;
                    LastLineTerminated = true;
                    return true;
                }
                if (_eof)
                {
                    if (_start < _end)
                    {
                        start = _start;
                        length = _end - _start;
                        if (length > 0 && _buffer[start + length - 1] == '\r') length--;
                        _start = _end;
                        LineNumber++;
                        LastLineTerminated = false;
                        return true;
                    }
                    start = 0; length = 0;
                    return false;
                }
                Fill();
            }
        }

        private void Fill()
        {
            if (_start > 0)
            {
                int keep = _end - _start;
                if (keep > 0) Array.Copy(_buffer, _start, _buffer, 0, keep);
                _end = keep;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2); // a line longer than the buffer
            int n = _reader.Read(_buffer, _end, _buffer.Length - _end);
            if (n <= 0) _eof = true;
            else _end += n;
        }

        public void Dispose() => _reader.Dispose();
    }
}
