using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>Resize-PowerTrace hosted in-process.</summary>
public sealed class ResizePowerTraceCommandTests
{
    private static readonly DateTime Start = new(2025, 6, 1, 0, 0, 30, DateTimeKind.Utc);

    private static PowerShell Shell(params (string, object)[] vars)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.Commands.Add(new SessionStateCmdletEntry("Resize-PowerTrace", typeof(ResizePowerTraceCommand), null));
        var ps = PowerShell.Create(iss);
        foreach (var (n, v) in vars) ps.Runspace.SessionStateProxy.SetVariable(n, v);
        return ps;
    }

    [Fact]
    public void ResizesEachTraceAndReportsTheBadOnesWithoutStopping()
    {
        var fine = new PowerSeries("fine", TraceLevel.Server, Start, 0.5, Enumerable.Range(0, 400).Select(i => (double)i).ToArray());
        var odd = new PowerSeries("odd", TraceLevel.Server, Start, 7, new double[20]);
        var coarse = new PowerSeries("coarse", TraceLevel.Site, Start, 5, Enumerable.Repeat(1000.0, 30).ToArray());
        using var ps = Shell(("t", new[] { fine, odd, coarse }));
        ps.AddScript("$t | Resize-PowerTrace -BinSeconds 60 -Alignment Utc -WarningVariable w; $w.Count");
        var output = ps.Invoke().Select(o => o.BaseObject).ToList();
        var traces = output.OfType<PowerSeries>().ToList();
        Assert.Equal(new[] { "fine", "coarse" }, traces.Select(x => x.Name));
        Assert.All(traces, x => Assert.Equal(60, x.BinSeconds));
        // 0.5 s bins from 00:00:30 to 00:03:50: whole minutes on the grid from 00:01:00 (bin 60) to 00:03:00 (bins 60..299).
        Assert.Equal(Start.AddSeconds(30), traces[0].StartUtc);
        Assert.Equal(Start.AddSeconds(30), traces[1].StartUtc);
        Assert.Equal(2, traces[0].BinCount);
        Assert.Equal(Enumerable.Range(60, 120).Average(), traces[0].Watts[0], 9);
        Assert.Equal(1000, traces[1].Watts[0], 12);
        var error = Assert.Single(ps.Streams.Error);
        Assert.Equal("BinWidthNotMultiple,PowerTrace.Commands.ResizePowerTraceCommand", error.FullyQualifiedErrorId);
        Assert.Equal(2, ps.Streams.Warning.Count); // fine: 60 + 100 bins dropped; coarse (00:00:30 to 00:03:00): 6 at the front
    }
}
