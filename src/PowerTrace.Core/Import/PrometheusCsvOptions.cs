using System;

namespace PowerTrace.Core.Import
{
    /// <summary>Engine-state file formats that <c>Import-EngineState</c> reads.</summary>
    public enum EngineStateFormat
    {
        /// <summary>
        /// Detect from the content (<see cref="PrometheusCsvReader.DetectFormat"/>): a first line that is a CSV header
        /// naming vLLM metrics (or starting with a timestamp column) is <see cref="PrometheusCsv"/>; anything else is
        /// read as a <see cref="VllmLog"/>.
        /// </summary>
        Auto,
        /// <summary>vLLM server log with periodic <c>loggers.py</c> engine-state lines (<see cref="VllmLogReader"/>).</summary>
        VllmLog,
        /// <summary>vLLM's Prometheus metrics scraped to a wide CSV: a timestamp column and one column per metric (<see cref="PrometheusCsvReader"/>).</summary>
        PrometheusCsv,
    }

    /// <summary>Settings for <see cref="PrometheusCsvReader.Read"/>.</summary>
    public sealed class PrometheusCsvOptions
    {
        /// <summary>
        /// Added to every time after it is read, to correct a scraper whose clock was off: UTC = file time + TimeOffset
        /// (the same sign as <see cref="VllmLogOptions.TimeOffset"/>). Default zero: times with a zone and Unix times
        /// are UTC already; times without a zone are read as UTC.
        /// </summary>
        public TimeSpan TimeOffset { get; set; } = TimeSpan.Zero;

        /// <summary>
        /// Engine to read when the columns carry an <c>engine="N"</c> label for several engines (vLLM V1); a column
        /// without an engine label counts as engine 0. Null takes the engine of the first metric column and reports
        /// the others.
        /// </summary>
        public int? Engine { get; set; }

        /// <summary>Receives notices: ignored columns, counter resets, missing cells, scrape gaps, how times were read.</summary>
        public Action<ImportNotice>? Notice { get; set; }

        /// <summary>Observed while reading.</summary>
        public System.Threading.CancellationToken CancellationToken { get; set; }
    }
}
