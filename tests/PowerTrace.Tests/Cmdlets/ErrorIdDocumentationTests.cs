using System.Text.RegularExpressions;
using PowerTrace.Tests.Import.Fuzz;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>Error ids are public contract: every id the sources can raise is listed in about_PowerTrace.</summary>
public sealed class ErrorIdDocumentationTests
{
    [Fact]
    public void EveryErrorIdInTheSourcesIsListedInAboutPowerTrace()
    {
        var src = Path.Combine(TestData.RepoRoot, "src");
        var constants = new Dictionary<string, string>();
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")).ToList();
        foreach (var f in files)
            foreach (Match m in Regex.Matches(File.ReadAllText(f), @"const string (\w+) = ""(\w+)"""))
                constants[m.Groups[1].Value] = m.Groups[2].Value;
        var used = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            string s = File.ReadAllText(f);
            foreach (Match m in Regex.Matches(s, @"(?:InvalidSettingException|InputFormatException|PowerTraceException|ErrorRecord)\(\s*""(\w+)"""))
                used.Add(m.Groups[1].Value);
            foreach (Match m in Regex.Matches(s, @"new ErrorRecord\([^;]*?,\s*""(\w+)""\s*,\s*ErrorCategory", RegexOptions.Singleline))
                used.Add(m.Groups[1].Value);
            foreach (Match m in Regex.Matches(s, @"\b\w+ErrorIds\.(\w+)"))
                used.Add(constants.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Groups[1].Value);
        }
        Assert.True(used.Count > 50, $"found only {used.Count} ids: the scan is broken");
        var documented = ImporterFuzzTests.ReadDocumentedIds();
        var missing = used.Where(id => !documented.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "Error ids not listed in about_PowerTrace (ERROR IDS): " + string.Join(", ", missing));
    }
}
