using System;

namespace PowerTrace.Core.Errors
{
    /// <summary>
    /// Base of the core's exceptions. <see cref="ErrorId"/> is a stable identifier that the cmdlet
    /// layer uses as the PowerShell error id (part of the public contract: tests assert it).
    /// </summary>
    public class PowerTraceException : Exception
    {
        public PowerTraceException(string errorId, string message, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
        }

        /// <summary>Stable error id, e.g. "InvalidTimestamp".</summary>
        public string ErrorId { get; }
    }

    /// <summary>Bad content in an input file: names the file, the 1-based line and the field.</summary>
    public sealed class InputFormatException : PowerTraceException
    {
        public InputFormatException(string errorId, string file, long line, string? field, string problem, Exception? inner = null)
            : base(errorId, Compose(file, line, field, problem), inner)
        {
            File = file;
            Line = line;
            Field = field;
            Problem = problem;
        }

        /// <summary>Path of the offending file.</summary>
        public string File { get; }
        /// <summary>1-based line number; 0 when the problem concerns the whole file.</summary>
        public long Line { get; }
        /// <summary>Column or field name; null when the problem concerns the whole line or file.</summary>
        public string? Field { get; }
        /// <summary>The problem without the location.</summary>
        public string Problem { get; }

        private static string Compose(string file, long line, string? field, string problem)
        {
            string where = file;
            if (line > 0) where += $", line {line}";
            if (!string.IsNullOrEmpty(field)) where += $", field '{field}'";
            return $"{where}: {problem}";
        }
    }

    /// <summary>An argument that makes the whole call meaningless (a zero horizon, a model with no states, ...).</summary>
    public sealed class InvalidSettingException : PowerTraceException
    {
        public InvalidSettingException(string errorId, string parameter, string message)
            : base(errorId, message)
        {
            Parameter = parameter;
        }

        /// <summary>Name of the offending setting or parameter.</summary>
        public string Parameter { get; }
    }
}
