using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Traces;
using PowerTrace.Testing;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

public class InvokeTraceSynthesisCommandTests
{
    private static InitialSessionState Session()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("Invoke-TraceSynthesis", typeof(InvokeTraceSynthesisCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Merge-PowerTrace", typeof(MergePowerTraceCommand), null));
        return iss;
    }

    private const string Common = "-RatePerSecond 10 -ServersPerRack 4 -RacksPerRow 3 -Rows 2 -Duration '00:05:00' -Seed 9 -Level Server,Rack,Row,Site,Facility -Resolution @{ Server = '250ms'; Rack = 1; Row = '5s'; Site = '0.25s'; Facility = '1m' }";

    [Fact]
    public void ShardsRunInParallelRunspacesMergeExactlyIntoTheUnshardedRun()
    {
        var model = new StandInPowerModel();
        using var pool = RunspaceFactory.CreateRunspacePool(Session());
        pool.SetMaxRunspaces(3);
        pool.Open();
        const int shards = 3;
        var jobs = new List<(PowerShell ps, IAsyncResult handle)>();
        for (int i = 0; i < shards; i++)
        {
            var ps = PowerShell.Create();
            ps.RunspacePool = pool;
            ps.AddScript($"param($m) Invoke-TraceSynthesis -Model $m {Common} -ShardIndex {i} -ShardCount {shards} -ThrottleLimit 1").AddArgument(model);
            jobs.Add((ps, ps.BeginInvoke()));
        }
        var parts = new List<PSObject>();
        foreach (var (ps, handle) in jobs)
        {
            parts.AddRange(ps.EndInvoke(handle));
            Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
            ps.Dispose();
        }

        using var rs = RunspaceFactory.CreateRunspace(Session());
        rs.Open();
        using var merge = PowerShell.Create();
        merge.Runspace = rs;
        var merged = merge.AddCommand("Merge-PowerTrace").Invoke(parts).Select(o => (PowerSeries)o.BaseObject).ToList();
        Assert.Empty(merge.Streams.Warning);

        using var whole = PowerShell.Create();
        whole.Runspace = rs;
        var expected = whole.AddScript($"param($m) Invoke-TraceSynthesis -Model $m {Common}").AddArgument(model).Invoke()
            .Select(o => (PowerSeries)o.BaseObject).ToList();
        Assert.False(whole.HadErrors, string.Join("; ", whole.Streams.Error));

        Assert.Equal(24 + 6 + 2 + 1 + 1, expected.Count);
        Assert.Equal(expected.Count, merged.Count);
        var byName = merged.ToDictionary(t => (t.Level, t.Name));
        foreach (var e in expected)
        {
            var m = byName[(e.Level, e.Name)];
            Assert.Equal(e.BinSeconds, m.BinSeconds);
            Assert.Equal(e.Watts.Select(BitConverter.DoubleToInt64Bits), m.Watts.Select(BitConverter.DoubleToInt64Bits));
        }
        Assert.Equal(1.0, expected.Single(t => t.Level == TraceLevel.Rack && t.Name == "rack 0").BinSeconds);
        Assert.Equal(60.0, expected.Single(t => t.Level == TraceLevel.Facility).BinSeconds);
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), expected[0].StartUtc);
    }

    [Theory]
    [InlineData("-RatePerSecond 5 -Servers 4 -Duration '00:00:00'", "NonPositiveHorizon")]
    [InlineData("-RatePerSecond 5 -Servers 4 -HorizonSeconds -60", "NonPositiveHorizon")]
    [InlineData("-RatePerSecond 0 -Servers 4", "NonPositiveRate")]
    [InlineData("-Diurnal -PeakRatePerSecond 0 -TroughRatePerSecond 0 -Servers 4", "NonPositiveRate")]
    [InlineData("-RatePerSecond 5 -Servers 0", "NoServers")]
    [InlineData("-RatePerSecond 5", "NoServers")]
    [InlineData("-RatePerSecond 5 -Servers 4 -HorizonSeconds 600 -Resolution 7", "ResolutionDoesNotDivideHorizon")]
    [InlineData("-RatePerSecond 5 -Servers 4 -ShardIndex 2 -ShardCount 2", "InvalidShard")]
    [InlineData("-RatePerSecond 5 -Servers 4 -Resolution 'soon'", "InvalidResolution")]
    public void BadInputGivesAStableErrorId(string args, string id)
    {
        using var rs = RunspaceFactory.CreateRunspace(Session());
        rs.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = rs;
        ps.AddScript($"param($m) Invoke-TraceSynthesis -Model $m {args}").AddArgument(new StandInPowerModel());
        var output = ps.Invoke();
        Assert.Empty(output);
        Assert.Equal(id, ps.Streams.Error.Single().FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void ModelWithoutStatesIsRefused()
    {
        using var rs = RunspaceFactory.CreateRunspace(Session());
        rs.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = rs;
        ps.AddScript("param($m) Invoke-TraceSynthesis -Model $m -RatePerSecond 5 -Servers 4").AddArgument(new StandInPowerModel(stateCount: 0));
        Assert.Empty(ps.Invoke());
        Assert.Equal("ModelHasNoStates", ps.Streams.Error.Single().FullyQualifiedErrorId.Split(',')[0]);
    }
}
