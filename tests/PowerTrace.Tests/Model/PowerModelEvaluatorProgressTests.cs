using PowerTrace.Core.Model;
using PowerTrace.Core.Traces;
using Xunit;

namespace PowerTrace.Tests.Model;

/// <summary>Test-PowerModel's progress and Ctrl+C come from the evaluator: one report per trace × seed, cancellation honoured.</summary>
public class PowerModelEvaluatorProgressTests
{
    private static (PowerModel model, PowerSeries[] traces, PowerTrace.Core.Workload.WorkloadFeatures[] features) Setup()
    {
        var f = KnownTruth.Features(3000, 5);
        var w = KnownTruth.Generate(f, 6, out _);
        var model = PowerModelFitter.Fit(new[] { new PowerModelTrainingInput(KnownTruth.Trace(w), f) }, KnownTruth.Profile, new PowerModelFitOptions { StateCount = 4 });
        var f2 = KnownTruth.Features(2000, 7);
        var w2 = KnownTruth.Generate(f2, 8, out _);
        return (model, new[] { KnownTruth.Trace(w, "a"), KnownTruth.Trace(w2, "b") }, new[] { f, f2 });
    }

    [Fact]
    public void Progress_is_reported_per_trace_and_seed()
    {
        var (model, traces, features) = Setup();
        var seen = new List<(int done, int total)>();
        var rows = PowerModelEvaluator.Evaluate(model, traces, features, seeds: 3, progress: (d, t) => seen.Add((d, t)));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (i, 6)), seen);
        Assert.Equal(9, rows.Count); // 2 traces + total, 3 methods each
    }

    [Fact]
    public void Cancellation_stops_the_evaluation()
    {
        var (model, traces, features) = Setup();
        using var cts = new CancellationTokenSource();
        int calls = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => PowerModelEvaluator.Evaluate(model, traces, features, seeds: 5, cancellationToken: cts.Token,
            progress: (d, t) => { calls++; if (d == 2) cts.Cancel(); }));
        Assert.Equal(2, calls);
    }
}
