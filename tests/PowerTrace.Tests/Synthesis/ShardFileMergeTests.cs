using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using Xunit;
using static PowerTrace.Tests.Synthesis.SynthesisTestSupport;

namespace PowerTrace.Tests.Synthesis;

/// <summary>Shard files (CSV + sidecar) merge exactly: byte-identical files, bit-identical traces; bad sets stop with stable ids.</summary>
public sealed class ShardFileMergeTests : IDisposable
{
    private static readonly SynthesisWorkload Poisson = SynthesisWorkload.Poisson(new ConstantRate(12));
    private readonly string _dir = Directory.CreateTempSubdirectory("pt-shardfiles").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static List<OutputLevel> Levels() => new()
    {
        new OutputLevel(TraceLevel.Server, 0.25), new OutputLevel(TraceLevel.Rack, 1), new OutputLevel(TraceLevel.Row, 60),
        new OutputLevel(TraceLevel.Site, 0.25), new OutputLevel(TraceLevel.Facility, 300),
    };

    private string RunShard(string name, int index, int count, ulong seed = 42)
    {
        var s = Small(Poisson, horizon: 600, outputs: Levels().ToArray());
        s.Seed = seed;
        s.ShardIndex = index;
        s.ShardCount = count;
        s.OutFile = Path.Combine(_dir, name);
        SynthesisEngine.Run(s);
        return s.OutFile;
    }

    private IEnumerable<string> Csvs(string stem) => Directory.GetFiles(_dir, stem + ".*.csv");

    [Fact]
    public void ShardFilesMergeByteForByteIntoTheUnshardedFiles()
    {
        RunShard("whole.csv", 0, 1);
        // 24 servers in 5 shards: racks of 4 are cut between shards.
        for (int i = 0; i < 5; i++) RunShard($"part{i}.csv", i, 5);
        var levels = SynthesisFileMerger.Merge(Enumerable.Range(0, 5).SelectMany(i => Csvs($"part{i}")));
        Assert.Equal(new[] { TraceLevel.Server, TraceLevel.Rack, TraceLevel.Row, TraceLevel.Site, TraceLevel.Facility }, levels.Select(l => l.Level));
        Assert.All(levels, l => Assert.Equal(0, l.InexactGroups));
        var written = SynthesisFileMerger.WriteMerged(levels, Path.Combine(_dir, "merged.csv"));
        foreach (var lv in new[] { "Server", "Rack", "Row", "Site", "Facility" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, $"whole.{lv}.csv")), File.ReadAllBytes(Path.Combine(_dir, $"merged.{lv}.csv")));
            string a = File.ReadAllText(Path.Combine(_dir, $"whole.{lv}.csv.powertrace.json")).Replace("whole.", "merged.");
            Assert.Equal(a, File.ReadAllText(Path.Combine(_dir, $"merged.{lv}.csv.powertrace.json")));
        }
        // And the merged objects equal the unsharded run's objects bit for bit.
        var mem = SynthesisEngine.Run(Small(Poisson, horizon: 600, outputs: Levels().ToArray()));
        var merged = levels.SelectMany(l => l.Traces).ToList();
        Assert.Equal(mem.Series.Count, merged.Count);
        for (int i = 0; i < merged.Count; i++)
        {
            Assert.Equal(mem.Series[i].Name, merged[i].Name);
            Assert.Equal(mem.Series[i].Position.Rack, merged[i].Position.Rack);
            Assert.Equal(mem.Series[i].Metadata.GpuCount, merged[i].Metadata.GpuCount);
            Assert.True(mem.Series[i].Watts.AsSpan().SequenceEqual(merged[i].Watts), mem.Series[i].Name);
        }
    }

    [Fact]
    public void MissingDuplicatedAndMismatchedShardsAreStableErrorsNamingThem()
    {
        for (int i = 0; i < 3; i++) RunShard($"p{i}.csv", i, 3);
        RunShard("other.csv", 1, 3, seed: 7);
        string Site(string stem) => Path.Combine(_dir, stem + ".Site.csv");

        var missing = Assert.Throws<InputFormatException>(() => SynthesisFileMerger.Merge(new[] { Site("p0"), Site("p2") }));
        Assert.Equal(MergeErrorIds.ShardMissing, missing.ErrorId);
        Assert.Contains("shard 1 of 3", missing.Message);

        string copy = Path.Combine(_dir, "copy.csv");
        File.Copy(Site("p1"), copy);
        File.Copy(Site("p1") + SynthesisFileManifest.Suffix, copy + SynthesisFileManifest.Suffix);
        var mismatchName = Assert.Throws<InputFormatException>(() => SynthesisFileMerger.Merge(new[] { Site("p0"), Site("p1"), copy, Site("p2") }));
        Assert.Equal(MergeErrorIds.ShardFileMismatch, mismatchName.ErrorId); // the sidecar names p1.Site.csv, not copy.csv

        var other = Assert.Throws<InputFormatException>(() => SynthesisFileMerger.Merge(new[] { Site("p0"), Site("other"), Site("p2") }));
        Assert.Equal(MergeErrorIds.ShardMismatch, other.ErrorId);
        Assert.Equal(Site("other"), other.File);
        Assert.Contains("seed 7", other.Message);

        File.Delete(Site("p2") + SynthesisFileManifest.Suffix);
        var noSidecar = Assert.Throws<InputFormatException>(() => SynthesisFileMerger.Merge(new[] { Site("p0"), Site("p2") }));
        Assert.Equal(MergeErrorIds.ShardManifestMissing, noSidecar.ErrorId);
        Assert.Equal(Site("p2"), noSidecar.File);

        File.AppendAllText(Site("p0"), "2024-01-01T01:00:00.000Z,1\n");
        Assert.Equal(MergeErrorIds.ShardFileMismatch, Assert.Throws<InputFormatException>(() => SynthesisFileMerger.Merge(new[] { Site("p0") })).ErrorId);
    }

    [Fact]
    public void TheSameShardTwiceIsShardDuplicated()
    {
        RunShard("a.csv", 0, 2);
        RunShard("b.csv", 1, 2);
        Directory.CreateDirectory(Path.Combine(_dir, "again"));
        // The same shard run again elsewhere (same settings, same seed): a faithful copy, given twice.
        var s = Small(Poisson, horizon: 600, outputs: Levels().ToArray());
        s.ShardIndex = 1; s.ShardCount = 2; s.OutFile = Path.Combine(_dir, "again", "b.csv");
        SynthesisEngine.Run(s);
        var e = Assert.Throws<InputFormatException>(() => SynthesisFileMerger.Merge(new[]
            { Path.Combine(_dir, "a.Site.csv"), Path.Combine(_dir, "b.Site.csv"), Path.Combine(_dir, "again", "b.Site.csv") }));
        Assert.Equal(MergeErrorIds.ShardDuplicated, e.ErrorId);
        Assert.Contains("Shard 1 of 2", e.Message);
    }
}
