namespace PowerTrace.Core.Import
{
    /// <summary>What an <see cref="ImportNotice"/> is about.</summary>
    public enum ImportNoticeKind
    {
        /// <summary>A column the importer does not use (shown under -Verbose).</summary>
        IgnoredColumn,
        /// <summary>A row that could not be parsed and was skipped because the caller asked for it (SkipInvalidRows).</summary>
        SkippedRow,
        /// <summary>A row whose reading is empty (no measurement): it contributes no sample.</summary>
        EmptyReading,
        /// <summary>Anything else worth telling the user.</summary>
        Information,
        /// <summary>The file's final line ends without a line end and does not parse: its writer stopped mid-record; it was not read.</summary>
        TruncatedLine,
    }

    /// <summary>
    /// Something an importer noticed and did not hide: an ignored column, a skipped row, an empty reading.
    /// Importers hand notices to the caller's callback (the cmdlets turn them into verbose or
    /// warning messages); they never change data silently.
    /// </summary>
    public sealed class ImportNotice
    {
        public ImportNotice(ImportNoticeKind kind, string file, long line, string? field, string message)
        {
            Kind = kind;
            File = file;
            Line = line;
            Field = field;
            Message = message;
        }

        /// <summary>What the notice is about.</summary>
        public ImportNoticeKind Kind { get; }
        /// <summary>File the notice concerns.</summary>
        public string File { get; }
        /// <summary>1-based line, or 0 for the whole file.</summary>
        public long Line { get; }
        /// <summary>Column or field name, when one is concerned.</summary>
        public string? Field { get; }
        /// <summary>Human-readable description.</summary>
        public string Message { get; }

        public override string ToString()
        {
            string where = System.IO.Path.GetFileName(File);
            if (Line > 0) where += $", line {Line}";
            if (!string.IsNullOrEmpty(Field)) where += $", field '{Field}'";
            return $"{where}: {Message}";
        }
    }
}
