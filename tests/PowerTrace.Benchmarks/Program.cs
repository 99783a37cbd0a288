using System.Diagnostics;

namespace PowerTrace.Benchmarks;

/// <summary>
/// Entry point: `dotnet run -c Release --project tests/PowerTrace.Benchmarks -- [name ...]`.
/// With no name, runs every benchmark. Each benchmark is a class in this folder registered below.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Func<string[], int>> Benchmarks = new(StringComparer.OrdinalIgnoreCase)
    {
        // name => runner (args after the name); registered by each benchmark file's owner.
        ["emulator"] = EmulatorBenchmark.Run,
        ["model"] = ModelBenchmark.Run,
        ["import"] = ImportBenchmark.Run,
        ["analysis"] = AnalysisBenchmark.Run,
        ["synthesis"] = SynthesisBenchmark.Run,
        ["aggregate"] = ScaleBenchmark.RunAggregate,
        ["longhorizon"] = ScaleBenchmark.RunLongHorizon,
    };

    public static int Main(string[] args)
    {
        var names = args.Length == 0 ? Benchmarks.Keys.ToArray() : new[] { args[0] };
        var rest = args.Skip(1).ToArray();
        int rc = 0;
        foreach (var name in names)
        {
            if (!Benchmarks.TryGetValue(name, out var run))
            {
                Console.Error.WriteLine($"Unknown benchmark '{name}'. Known: {string.Join(", ", Benchmarks.Keys)}");
                return 2;
            }
            Console.WriteLine($"== {name}");
            rc |= run(rest);
        }
        return rc;
    }

    /// <summary>Peak working set of this process so far, MB.</summary>
    public static double PeakWorkingSetMB()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.PeakWorkingSet64 / 1024.0 / 1024.0;
    }

    /// <summary>Path of ../shared/data relative to the repository root, found by walking up.</summary>
    public static string SharedData()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PowerTrace.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
            dir = dir.Parent;
        }
        throw new DirectoryNotFoundException("Repository root (PowerTrace.sln) not found above " + AppContext.BaseDirectory);
    }
}
