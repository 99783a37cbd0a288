using System;
using System.Collections.Generic;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>What one synthesis run (or shard) produced.</summary>
    public sealed class SynthesisResult
    {
        internal SynthesisResult(IReadOnlyList<PowerSeries> series, IReadOnlyList<SynthesisFileOutput> files, int siteServers,
            int firstServer, int endServer, int shardIndex, int shardCount, long requests, long serverBins, double elapsedSeconds,
            double modelBinSeconds)
        {
            Series = series;
            Files = files;
            SiteServerCount = siteServers;
            FirstServer = firstServer;
            EndServer = endServer;
            ShardIndex = shardIndex;
            ShardCount = shardCount;
            RequestCount = requests;
            ServerBins = serverBins;
            ElapsedSeconds = elapsedSeconds;
            ModelBinSeconds = modelBinSeconds;
        }

        /// <summary>Traces kept in memory (empty when the output went to files).</summary>
        public IReadOnlyList<PowerSeries> Series { get; }

        /// <summary>CSV files written (empty without an output file).</summary>
        public IReadOnlyList<SynthesisFileOutput> Files { get; }

        /// <summary>Servers in the whole site.</summary>
        public int SiteServerCount { get; }

        /// <summary>First server (site-wide index) synthesized here.</summary>
        public int FirstServer { get; }

        /// <summary>One past the last server synthesized here.</summary>
        public int EndServer { get; }

        /// <summary>Shard synthesized (0 when unsharded).</summary>
        public int ShardIndex { get; }

        /// <summary>Shards the site was cut into.</summary>
        public int ShardCount { get; }

        /// <summary>Requests served by this run's servers.</summary>
        public long RequestCount { get; }

        /// <summary>Server × model-bin cells synthesized.</summary>
        public long ServerBins { get; }

        /// <summary>Wall-clock seconds of the run.</summary>
        public double ElapsedSeconds { get; }

        /// <summary>The model's bin width, seconds (what <see cref="TraceMerger"/> needs to merge exactly).</summary>
        public double ModelBinSeconds { get; }

        /// <summary>Server-bins per second of wall-clock time.</summary>
        public double ServerBinsPerSecond => ElapsedSeconds > 0 ? ServerBins / ElapsedSeconds : double.NaN;
    }

    /// <summary>One CSV file of synthesized traces (one column per trace, one row per bin).</summary>
    public sealed class SynthesisFileOutput
    {
        internal SynthesisFileOutput(string path, TraceLevel level, double resolutionSeconds, int traceCount, int binCount, DateTime startUtc, long sizeBytes)
        {
            Path = path;
            Level = level;
            ResolutionSeconds = resolutionSeconds;
            TraceCount = traceCount;
            BinCount = binCount;
            StartUtc = startUtc;
            SizeBytes = sizeBytes;
        }

        /// <summary>Full path of the file.</summary>
        public string Path { get; }
        /// <summary>Level of the traces in it.</summary>
        public TraceLevel Level { get; }
        /// <summary>Bin width, seconds.</summary>
        public double ResolutionSeconds { get; }
        /// <summary>Trace columns (besides the timestamp).</summary>
        public int TraceCount { get; }
        /// <summary>Data rows.</summary>
        public int BinCount { get; }
        /// <summary>First row's timestamp, UTC.</summary>
        public DateTime StartUtc { get; }
        /// <summary>File size, bytes.</summary>
        public long SizeBytes { get; }

        public override string ToString() => $"{Path} ({Level}, {TraceCount} traces x {BinCount} bins)";
    }

    /// <summary>Progress of a run, reported from worker threads.</summary>
    public sealed class SynthesisProgress
    {
        internal SynthesisProgress(string phase, long done, long total) { Phase = phase; Done = done; Total = total; }
        /// <summary>"Routing", "Synthesizing" or "Writing".</summary>
        public string Phase { get; }
        /// <summary>Servers (or CSV rows when writing) done.</summary>
        public long Done { get; }
        /// <summary>Servers (or CSV rows) in all.</summary>
        public long Total { get; }
        /// <summary>Done / Total (0..1).</summary>
        public double Fraction => Total > 0 ? (double)Done / Total : 0;
    }
}
