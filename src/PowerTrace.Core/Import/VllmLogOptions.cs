using System;

namespace PowerTrace.Core.Import
{
    /// <summary>Settings for <see cref="VllmLogReader.Read"/>.</summary>
    public sealed class VllmLogOptions
    {
        /// <summary>
        /// Year of the log's first line (vLLM writes <c>MM-DD HH:MM:SS</c> without one). Required.
        /// A month that goes back (December to January) moves to the next year.
        /// </summary>
        public int? Year { get; set; }

        /// <summary>
        /// Added to every log time to bring it onto the UTC timeline of the power logs (the A6000
        /// log's clock is 8 h behind its power logs: +08:00). Default zero: log times read as UTC.
        /// </summary>
        public TimeSpan TimeOffset { get; set; } = TimeSpan.Zero;

        /// <summary>Engine to read when several log (vLLM's <c>Engine 000</c>, ...); null takes the first seen and reports others.</summary>
        public int? Engine { get; set; }

        /// <summary>Receives notices (lines of other engines that were not read).</summary>
        public Action<ImportNotice>? Notice { get; set; }

        /// <summary>Observed while reading.</summary>
        public System.Threading.CancellationToken CancellationToken { get; set; }
    }
}
