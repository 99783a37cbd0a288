using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Analysis;
using PowerTrace.Core.Traces;
using PowerTrace.Tests.Analysis;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>Measure-Oversubscription, Measure-LoadProfile and Measure-PowerCap hosted in-process.</summary>
public sealed class AnalysisCmdletTests
{
    private static PowerShell Shell(params (string, object)[] vars)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("Measure-Oversubscription", typeof(MeasureOversubscriptionCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Measure-LoadProfile", typeof(MeasureLoadProfileCommand), null));
        iss.Commands.Add(new SessionStateCmdletEntry("Measure-PowerCap", typeof(MeasurePowerCapCommand), null));
        var ps = PowerShell.Create(iss);
        foreach (var (n, v) in vars) ps.Runspace.SessionStateProxy.SetVariable(n, v);
        return ps;
    }

    private static List<T> Run<T>(PowerShell ps, string script)
    {
        ps.AddScript(script);
        return ps.Invoke().Select(o => o.BaseObject).OfType<T>().ToList();
    }

    private static string ErrorIdOf(string script, params (string, object)[] vars)
    {
        // A terminating error stops the cmdlet's statement; in a script it lands in the error stream.
        using var ps = Shell(vars);
        try
        {
            Run<object>(ps, script);
        }
        catch (RuntimeException ex)
        {
            return ex.ErrorRecord.FullyQualifiedErrorId;
        }
        return Assert.Single(ps.Streams.Error).FullyQualifiedErrorId;
    }

    private static PowerSeries[] Racks(int n, double kw, int bins = 20)
        => Enumerable.Range(0, n).Select(i => AnalysisTraces.Constant($"rack {i}", TraceLevel.Rack, kw + 0.01 * i, bins)).ToArray();

    [Fact]
    public void OversubscriptionAccumulatesThePipelineAndAnswersOnce()
    {
        var units = OversubscriptionTests.RandomUnits(30, 400, 7);
        using var ps = Shell(("u", units.ToArray()));
        var r = Assert.Single(Run<OversubscriptionResult>(ps, "$u | Measure-Oversubscription -LimitKW 150 -NameplateKW 10 -Seed 3 -Trials 100"));
        Assert.False(ps.HadErrors);
        Assert.Equal(30, r.PoolSize);
        Assert.Equal(100, r.Trials);
        Assert.Equal(3UL, r.Seed);
        Assert.Equal(15, r.NameplateCount);
        var direct = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 150, NameplateKW = 10, Seed = 3, Trials = 100 });
        Assert.Equal(direct.UnitsThatFit, r.UnitsThatFit);
        Assert.Equal(direct.Curve.Select(p => p.PeakQuantileKW), r.Curve.Select(p => p.PeakQuantileKW));
        Assert.Equal(r.UnitsThatFit, r.AtCount);
    }

    [Fact]
    public void OversubscriptionSeedDefaultsToOneLikeEveryCmdlet()
    {
        var units = OversubscriptionTests.RandomUnits(30, 400, 7);
        using var ps = Shell(("u", units.ToArray()));
        var r = Assert.Single(Run<OversubscriptionResult>(ps, "$u | Measure-Oversubscription -LimitKW 150 -NameplateKW 10 -Trials 50"));
        Assert.Equal(1UL, r.Seed);
        Assert.Equal(1UL, new OversubscriptionSettings().Seed);
        var direct = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 150, NameplateKW = 10, Seed = 1, Trials = 50 });
        Assert.Equal(direct.Curve.Select(p => p.PeakQuantileKW), r.Curve.Select(p => p.PeakQuantileKW));
        var zero = Oversubscription.Measure(units, new OversubscriptionSettings { LimitKW = 150, NameplateKW = 10, Seed = 0, Trials = 50 });
        Assert.NotEqual(zero.Curve.Select(p => p.PeakQuantileKW), r.Curve.Select(p => p.PeakQuantileKW));
    }

    [Fact]
    public void OversubscriptionAtCountAndWarnings()
    {
        using var ps = Shell(("u", Racks(10, 12)));
        var r = Assert.Single(Run<OversubscriptionResult>(ps, "Measure-Oversubscription -InputObject $u -LimitKW 600 -NameplateKW 26 -AtCount 5 -HorizonSeconds 10"));
        Assert.Equal(5, r.AtCount);
        Assert.Equal(10, r.UnitsThatFit);
        Assert.True(r.FitIsLowerBound);
        Assert.Contains(ps.Streams.Warning, w => w.Message.Contains("at least 10"));
        Assert.Contains(ps.Streams.Warning, w => w.Message.Contains("shorter than the traces"));

        using var ps2 = Shell(("u", Racks(4, 10)));
        var r2 = Assert.Single(Run<OversubscriptionResult>(ps2, "$u | Measure-Oversubscription -LimitKW 95 -NameplateKW 20 -AllowReplacement -MaxCount 12"));
        Assert.True(r2.WithReplacement);
        Assert.Equal(12, r2.Curve.Count);
        Assert.Equal(9, r2.UnitsThatFit);
    }

    [Fact]
    public void OversubscriptionErrorIds()
    {
        var u = Racks(5, 10);
        Assert.StartsWith("NoInput", ErrorIdOf("@() | Measure-Oversubscription -LimitKW 600 -NameplateKW 26"));
        Assert.StartsWith("NonPositiveLimit", ErrorIdOf("$u | Measure-Oversubscription -LimitKW 0 -NameplateKW 26", ("u", u)));
        Assert.StartsWith("QuantileOutOfRange", ErrorIdOf("$u | Measure-Oversubscription -LimitKW 600 -NameplateKW 26 -Quantile 1", ("u", u)));
        Assert.StartsWith("LimitBelowUnitPeak", ErrorIdOf("$u | Measure-Oversubscription -LimitKW 5 -NameplateKW 26", ("u", u)));
        var wide = new PowerSeries("w", TraceLevel.Rack, AnalysisTraces.Start, 2, new double[10]);
        Assert.StartsWith("MixedBinWidths", ErrorIdOf("$u + $w | Measure-Oversubscription -LimitKW 600 -NameplateKW 26", ("u", u), ("w", wide)));
        var late = new PowerSeries("l", TraceLevel.Rack, AnalysisTraces.Start.AddMinutes(1), 1, new double[20]);
        Assert.StartsWith("MixedStartTimes", ErrorIdOf("$u + $l | Measure-Oversubscription -LimitKW 600 -NameplateKW 26", ("u", u), ("l", late)));
    }

    [Fact]
    public void LoadProfileTakesSeveralTraces()
    {
        var site1 = AnalysisTraces.KW("site 1", TraceLevel.Site, 1, 1, 3, 2, 6);
        var site2 = AnalysisTraces.KW("site 2", TraceLevel.Site, 1, 1, 3, 2, 8);
        using var ps = Shell(("a", site1), ("b", site2));
        var p = Assert.Single(Run<LoadProfile>(ps, "$a, $b | Measure-LoadProfile -PowerFactor 0.8 -LoadDurationPoints 5"));
        Assert.Equal(2, p.ReplicateCount);
        Assert.Equal(8, p.PeakKW, 12);
        Assert.Equal(5, p.LoadDuration.Count);
        Assert.Equal(8.0 / 1000 / 0.8, p.TransformerMVA, 12);
        Assert.StartsWith("NoInput", ErrorIdOf("@() | Measure-LoadProfile"));
        Assert.StartsWith("PowerFactorOutOfRange", ErrorIdOf("$a | Measure-LoadProfile -PowerFactor 1.5", ("a", site1)));
        var late = new PowerSeries("l", TraceLevel.Site, AnalysisTraces.Start.AddMinutes(1), 1, new double[4]);
        Assert.StartsWith("MixedStartTimes", ErrorIdOf("$a, $l | Measure-LoadProfile", ("a", site1), ("l", late)));
    }

    [Fact]
    public void PowerCapStreamsOneResultPerTrace()
    {
        var a = AnalysisTraces.KW("a", TraceLevel.Rack, 1, 1, 5, 6, 2);
        var b = AnalysisTraces.KW("b", TraceLevel.Rack, 1, 10, 6, 4, 0);
        using var ps = Shell(("a", a), ("b", b));
        var rs = Run<PowerCapResult>(ps, "$a, $b | Measure-PowerCap -CapKW 4");
        Assert.Equal(new[] { "a", "b" }, rs.Select(r => r.Name));
        Assert.Equal(1, rs[0].EpisodeCount);
        Assert.Equal(3, rs[0].EnergyAboveCapKWh * 3600, 9);
        using var ps2 = Shell(("b", b));
        var r2 = Assert.Single(Run<PowerCapResult>(ps2, "$b | Measure-PowerCap -KeepEnergyShare 0.9"));
        Assert.Equal(8, r2.CapKW, 12);
        Assert.StartsWith("NonPositiveCap", ErrorIdOf("$a | Measure-PowerCap -CapKW 0", ("a", a)));
        Assert.StartsWith("EnergyShareOutOfRange", ErrorIdOf("$a | Measure-PowerCap -KeepEnergyShare 2", ("a", a)));
        Assert.StartsWith("NoInput", ErrorIdOf("@() | Measure-PowerCap -CapKW 3"));
    }

    [Fact]
    public void PowerCapWritesANonTerminatingErrorForAnEmptyTraceAndGoesOn()
    {
        var empty = new PowerSeries("empty", TraceLevel.Rack, AnalysisTraces.Start, 1, new[] { double.NaN });
        var a = AnalysisTraces.KW("a", TraceLevel.Rack, 1, 1, 5);
        using var ps = Shell(("e", empty), ("a", a));
        var rs = Run<PowerCapResult>(ps, "$e, $a | Measure-PowerCap -CapKW 4");
        Assert.Equal("a", Assert.Single(rs).Name);
        Assert.StartsWith("NoInput", Assert.Single(ps.Streams.Error).FullyQualifiedErrorId);
    }
}
