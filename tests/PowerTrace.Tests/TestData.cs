namespace PowerTrace.Tests;

/// <summary>Locates the repository and ../shared/data (real public data, never committed here).</summary>
public static class TestData
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>../shared/data beside the repository.</summary>
    public static string Shared { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    public static string Path_(params string[] parts) => Path.Combine(new[] { Shared }.Concat(parts).ToArray());

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PowerTrace.sln"))) return dir.FullName;
            dir = dir.Parent;
        }
        throw new DirectoryNotFoundException("PowerTrace.sln not found above " + AppContext.BaseDirectory);
    }
}
