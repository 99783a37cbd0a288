namespace PowerTrace.Core.Import
{
    /// <summary>
    /// Stable error ids of the importers (<see cref="Errors.PowerTraceException.ErrorId"/>). Part of
    /// the public contract: scripts and tests match on them.
    /// </summary>
    public static class ImportErrorIds
    {
        /// <summary>A timestamp in no supported shape, or an impossible date.</summary>
        public const string InvalidTimestamp = "InvalidTimestamp";
        /// <summary>A field that should hold a number does not.</summary>
        public const string InvalidNumber = "InvalidNumber";
        /// <summary>A unit (in a header such as <c>[kWh]</c> or after a value) the reader does not know.</summary>
        public const string UnknownUnit = "UnknownUnit";
        /// <summary>A timestamp earlier than the previous one of the same channel.</summary>
        public const string TimestampsGoBackwards = "TimestampsGoBackwards";
        /// <summary>The file holds no data rows.</summary>
        public const string EmptyFile = "EmptyFile";
        /// <summary>The content matches no supported format.</summary>
        public const string UnknownFormat = "UnknownFormat";
        /// <summary>A required column is not in the header (or a named column does not exist).</summary>
        public const string MissingColumn = "MissingColumn";
        /// <summary>Two columns hold the same quantity (e.g. one engine metric under two model names), so the reader cannot tell which to use.</summary>
        public const string DuplicateColumn = "DuplicateColumn";
        /// <summary>A row with a different number of fields than the header or column list.</summary>
        public const string WrongFieldCount = "WrongFieldCount";
        /// <summary>A requested GPU index does not occur in the file.</summary>
        public const string GpuNotFound = "GpuNotFound";
        /// <summary>A JSON line that is not a JSON object with the expected members.</summary>
        public const string InvalidJson = "InvalidJson";
        /// <summary>A vLLM log with no periodic engine-state lines, or an engine asked for that no line (or, in a Prometheus CSV, no column) has.</summary>
        public const string NoEngineState = "NoEngineState";
        /// <summary>Traces to export do not share start time and bin width.</summary>
        public const string TraceGridMismatch = "TraceGridMismatch";
        /// <summary>An export target exists and overwriting was not allowed.</summary>
        public const string FileExists = "FileExists";
        /// <summary>An import or export setting that makes no sense (bin width, group size, ...).</summary>
        public const string InvalidImportSetting = "InvalidImportSetting";
        /// <summary>The vLLM log's timestamps carry no year and none was given.</summary>
        public const string YearRequired = "YearRequired";
        /// <summary>A negative power reading (power draw cannot be negative). Skippable with SkipInvalidRows, each row reported.</summary>
        public const string NegativeReading = "NegativeReading";
        /// <summary>A power reading beyond any real one (above 1e12 W, or one that overflows). Skippable with SkipInvalidRows.</summary>
        public const string ReadingOutOfRange = "ReadingOutOfRange";
        /// <summary>Samples spanning more bins than one trace holds (a corrupt timestamp far from the others, or a too-fine bin width).</summary>
        public const string TraceTooLong = "TraceTooLong";
    }
}
