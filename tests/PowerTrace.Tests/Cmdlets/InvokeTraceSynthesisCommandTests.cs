using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Traces;
using PowerTrace.Core.Workload;
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
    [InlineData("-RatePerSecond 5 -Servers 4 -OutFile 'variable:/synth.csv'", "InvalidOutFile")]
    [InlineData("-RatePerSecond 5 -Servers 4 -OutFile 'nosuchdrive:/synth.csv'", "InvalidOutFile")]
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

    [Theory]
    [InlineData(typeof(PowerTrace.Commands.InvokeTraceSynthesisCommand))]
    [InlineData(typeof(PowerTrace.Commands.MergePowerTraceCommand))]
    public void EveryParameterHasExactlyOneDocSummary(Type cmdlet)
    {
        var xml = System.Xml.Linq.XDocument.Load(Path.Combine(Path.GetDirectoryName(cmdlet.Assembly.Location)!, "PowerTrace.xml"));
        var members = xml.Descendants("member").ToDictionary(m => (string)m.Attribute("name")!);
        foreach (var p in cmdlet.GetProperties().Where(p => p.GetCustomAttributes(typeof(ParameterAttribute), false).Length > 0))
        {
            Assert.True(members.TryGetValue($"P:{cmdlet.FullName}.{p.Name}", out var m), $"{p.Name} has no doc comment");
            Assert.Single(m!.Elements("summary"));
        }
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

    private static (List<PSObject> Output, PowerShell Ps) Run(Runspace rs, string script, params object[] args)
    {
        var ps = PowerShell.Create();
        ps.Runspace = rs;
        ps.AddScript(script);
        foreach (var a in args) ps.AddArgument(a);
        var output = ps.Invoke().ToList();
        return (output, ps);
    }

    private static Runspace Open()
    {
        var rs = RunspaceFactory.CreateRunspace(Session());
        rs.Open();
        return rs;
    }

    private static string ErrorId(PowerShell ps) => ps.Streams.Error.Single().FullyQualifiedErrorId.Split(',')[0];

    // Unquoted, 1s is an Int16 ('s' is PowerShell's short suffix), 1l an Int64, 1u a UInt32, ...: every numeric type is seconds.
    [Theory]
    [InlineData("1s")] [InlineData("1l")] [InlineData("1u")] [InlineData("1ul")] [InlineData("1us")] [InlineData("1uy")]
    [InlineData("1y")] [InlineData("1n")] [InlineData("1d")] [InlineData("1.0")] [InlineData("1")] [InlineData("'1s'")]
    [InlineData("'1000ms'")] [InlineData("([timespan]'00:00:01')")] [InlineData("@{ Site = 1s }")] [InlineData("@(1s)")]
    public void ResolutionAcceptsEveryNumericTypeAsSeconds(string resolution)
    {
        using var rs = Open();
        var (output, ps) = Run(rs, $"param($m) Invoke-TraceSynthesis -Model $m -RatePerSecond 2 -Servers 2 -HorizonSeconds 60 -Resolution {resolution}", new StandInPowerModel());
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
        var site = Assert.IsType<PowerSeries>(Assert.Single(output).BaseObject);
        Assert.Equal(1.0, site.BinSeconds);
        Assert.Equal(60, site.BinCount);
    }

    [Theory]
    [InlineData("900s", 900.0)] [InlineData("'15min'", 900.0)] [InlineData("'1h'", 3600.0)] [InlineData("1800l", 1800.0)]
    public void RateIntervalAcceptsNumbersAndUnitStrings(string interval, double seconds)
    {
        using var rs = Open();
        // Rate 0 for the first interval, then 5/s: the first interval's site power is idle only
        // (no warm-up: the repeating series would otherwise carry the last interval's traffic in).
        var (output, ps) = Run(rs, $"param($m) Invoke-TraceSynthesis -Model $m -RateSeries 0, 5 -RateInterval {interval} -Servers 2 -HorizonSeconds 7200 -Resolution 900 -Router RoundRobin -WarmUpSeconds 0", new StandInPowerModel(noiseWatts: 0));
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
        var site = Assert.IsType<PowerSeries>(Assert.Single(output).BaseObject);
        int quiet = (int)(seconds / 900);
        for (int j = 0; j < quiet; j++) Assert.Equal(2 * (400 + 1000.0), site.Watts[j], 6);
        Assert.True(site.Watts[quiet] > 2 * 1400 + 10, $"bin {quiet}: {site.Watts[quiet]} W");
    }

    [Fact]
    public void WarmUpStartsTheHorizonInSteadyState()
    {
        using var rs = Open();
        // 200 servers at 2 req/s each: without a warm-up every server starts idle and empty, so the first
        // second sits well below the rest of the hour; with the default warm-up it does not.
        const string cmd = "param($m) Invoke-TraceSynthesis -Model $m -RatePerSecond 400 -Servers 200 -HorizonSeconds 600 -Resolution 1 -Seed 5";
        var (cold, ps1) = Run(rs, cmd + " -WarmUpSeconds 0", new StandInPowerModel(noiseWatts: 0));
        var (warm, ps2) = Run(rs, cmd, new StandInPowerModel(noiseWatts: 0));
        Assert.False(ps1.HadErrors || ps2.HadErrors);
        var c = Assert.IsType<PowerSeries>(Assert.Single(cold).BaseObject);
        var w = Assert.IsType<PowerSeries>(Assert.Single(warm).BaseObject);
        double steady = w.Watts.Skip(60).Average(), spread = w.Watts.Skip(60).Max() - w.Watts.Skip(60).Min();
        Assert.True(steady - c.Watts[0] > 2 * spread, $"cold start {c.Watts[0]} W vs steady {steady} W (spread {spread} W)");
        Assert.True(Math.Abs(w.Watts[0] - steady) <= spread, $"warm start {w.Watts[0]} W vs steady {steady} W (spread {spread} W)");
    }

    [Fact]
    public void NoLayoutSaysHowToGiveOne()
    {
        using var rs = Open();
        var (output, ps) = Run(rs, "param($m) Invoke-TraceSynthesis -Model $m -RatePerSecond 5", new StandInPowerModel());
        Assert.Empty(output);
        Assert.Equal("NoServers", ErrorId(ps));
        string message = ps.Streams.Error.Single().Exception.Message;
        Assert.Contains("-Servers N", message);
        Assert.Contains("-ServersPerRack", message);
        Assert.Contains("-RacksPerRow", message);
        Assert.Contains("-Rows", message);
    }

    [Fact]
    public void TokenLengthsWithTokenDistributionIsAmbiguous()
    {
        var log = new RequestTrace("log", "Generic", null, new[] { 0.0, 1.0 }, new[] { 100, 200 }, new[] { 10, 20 });
        string file = Path.Combine(Path.GetTempPath(), "pt-tok-" + Guid.NewGuid().ToString("N") + ".csv");
        using var rs = Open();
        var (output, ps) = Run(rs, $"param($m, $l) Invoke-TraceSynthesis -Model $m -RatePerSecond 5 -Servers 2 -TokenLengths $l -TokenDistribution AzureCode -OutFile '{file}'", new StandInPowerModel(), log);
        Assert.Empty(output);
        Assert.Equal("AmbiguousTokenLengths", ErrorId(ps));
        Assert.False(File.Exists(file));
        // Each alone is fine.
        Assert.Single(Run(rs, "param($m, $l) Invoke-TraceSynthesis -Model $m -RatePerSecond 5 -Servers 2 -HorizonSeconds 60 -TokenLengths $l", new StandInPowerModel(), log).Output);
        Assert.Single(Run(rs, "param($m) Invoke-TraceSynthesis -Model $m -RatePerSecond 5 -Servers 2 -HorizonSeconds 60 -TokenDistribution AzureCode", new StandInPowerModel()).Output);
    }

    [Fact]
    public void OutFileIsNotReplacedWithoutForceAndWhatIfWritesNothing()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pt-out-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "site.csv"), facility = Path.Combine(dir, "site.Facility.csv");
            File.WriteAllText(facility, "keep");
            using var rs = Open();
            const string args = "-RatePerSecond 5 -Servers 2 -HorizonSeconds 60 -Level Site, Facility";
            // Several levels: site.Site.csv is new, site.Facility.csv exists.
            var (output, ps) = Run(rs, $"param($m) Invoke-TraceSynthesis -Model $m {args} -OutFile '{file}'", new StandInPowerModel());
            Assert.Empty(output);
            Assert.Equal("FileExists", ErrorId(ps));
            Assert.Equal("keep", File.ReadAllText(facility));
            Assert.False(File.Exists(Path.Combine(dir, "site.Site.csv")));

            (output, ps) = Run(rs, $"param($m) Invoke-TraceSynthesis -Model $m {args} -OutFile '{file}' -WhatIf", new StandInPowerModel());
            Assert.Empty(output);
            Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
            Assert.Equal("keep", File.ReadAllText(facility));
            Assert.Equal(new[] { facility }, Directory.GetFiles(dir));

            (output, ps) = Run(rs, $"param($m) Invoke-TraceSynthesis -Model $m {args} -OutFile '{file}' -Force", new StandInPowerModel());
            Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
            Assert.Equal(2, output.Count);
            Assert.StartsWith("TimestampUtc", File.ReadAllText(facility));
            Assert.True(File.Exists(Path.Combine(dir, "site.Site.csv")));
        }
        finally { Directory.Delete(dir, true); }
    }

    private const string Grid = "-RatePerSecond 10 -ServersPerRack 4 -RacksPerRow 3 -Rows 2 -Duration '00:01:00' -Level Server, Rack, Row, Site, Facility -Resolution @{ Server = '250ms'; Rack = 1; Row = '5s'; Site = '0.5s'; Facility = '1m' }";

    [Fact]
    public void MergeEmitsTheUnshardedOrderAndIsExactWithoutTheModelBin()
    {
        // A 0.2 s model bin: the old default of 0.25 s could not recover the milliwatt sums of 1 s or 5 s bins.
        var model = new StandInPowerModel(binSeconds: 0.2);
        const string grid = "-RatePerSecond 10 -ServersPerRack 4 -RacksPerRow 3 -Rows 2 -Duration '00:01:00' -Level Server, Rack, Row, Site, Facility -Resolution @{ Server = '0.4s'; Rack = 1; Row = '5s'; Site = '0.4s'; Facility = '1m' }";
        using var rs = Open();
        var whole = Run(rs, $"param($m) Invoke-TraceSynthesis -Model $m {grid} -Seed 4", model).Output.Select(o => (PowerSeries)o.BaseObject).ToList();
        // Shards arriving last-first, as ForEach-Object -Parallel may return them.
        var (output, ps) = Run(rs, $"param($m) $s = 4, 3, 2, 1, 0 | ForEach-Object {{ Invoke-TraceSynthesis -Model $m {grid} -Seed 4 -ShardIndex $_ -ShardCount 5 }}; $s | Merge-PowerTrace", model);
        Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
        Assert.Empty(ps.Streams.Warning);
        var merged = output.Select(o => (PowerSeries)o.BaseObject).ToList();
        Assert.Equal(whole.Select(t => (t.Level, t.Name)), merged.Select(t => (t.Level, t.Name)));
        for (int i = 0; i < whole.Count; i++)
            Assert.Equal(whole[i].Watts.Select(BitConverter.DoubleToInt64Bits), merged[i].Watts.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void MergeWarnsAboutDuplicateShardsOtherSeedsOtherSettingsAndMissingShards()
    {
        var model = new StandInPowerModel();
        using var rs = Open();
        string shard(int i, int seed = 1, string extra = "") => $"(Invoke-TraceSynthesis -Model $m {Grid} -Seed {seed} -ShardIndex {i} -ShardCount 2 {extra})";

        var (_, ps) = Run(rs, $"param($m) {shard(0)} + {shard(1)} | Merge-PowerTrace", model);
        Assert.Empty(ps.Streams.Warning);

        (_, ps) = Run(rs, $"param($m) $a = {shard(0)}; $a + $a + {shard(1)} | Merge-PowerTrace", model);
        Assert.Contains(ps.Streams.Warning, w => w.Message.Contains("shard 0 of 2 (seed 1)") && w.Message.Contains("more than once"));

        (_, ps) = Run(rs, $"param($m) {shard(0)} + {shard(1, seed: 2)} | Merge-PowerTrace", model);
        Assert.Contains(ps.Streams.Warning, w => w.Message.Contains("different seeds (1, 2)"));

        (_, ps) = Run(rs, $"param($m) {shard(0)} + {shard(1, extra: "-Pue 1.5")} | Merge-PowerTrace", model);
        Assert.Contains(ps.Streams.Warning, w => w.Message.Contains("different settings"));

        (_, ps) = Run(rs, $"param($m) {shard(0)} | Merge-PowerTrace", model);
        Assert.Contains(ps.Streams.Warning, w => w.Message.Contains("Only 1 of 2 shards") && w.Message.Contains("missing shard(s) 1"));
    }
}
