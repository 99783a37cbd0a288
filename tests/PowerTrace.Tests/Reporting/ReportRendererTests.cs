using PowerTrace.Reporting.Reports;
using Xunit;

namespace PowerTrace.Tests.Reporting;

public class ReportRendererTests
{
    private static ReportDocument Sample()
    {
        var d = new ReportDocument("Site study", "240 servers");
        d.AddSection("Load profile")
            .Paragraph("Peak & mean <as seen by the utility>.")
            .Table(new[] { "Metric", "Value" }, new[] { new[] { "Peak (kW)", "750.1" }, new[] { "a|b", "1" } }, "Facility")
            .Image("plots/ldc.png", "Load-duration curve");
        return d;
    }

    [Fact]
    public void MarkdownHasTablesImagesAndEscapedPipes()
    {
        string md = ReportRenderer.ToMarkdown(Sample());
        Assert.StartsWith("# Site study\n", md);
        Assert.Contains("| Metric | Value |\n| --- | --- |\n| Peak (kW) | 750.1 |\n| a\\|b | 1 |\n", md);
        Assert.Contains("![Load-duration curve](plots/ldc.png)", md);
    }

    [Fact]
    public void HtmlEscapesText()
    {
        string html = ReportRenderer.ToHtml(Sample());
        Assert.Contains("Peak &amp; mean &lt;as seen by the utility&gt;.", html);
        Assert.Contains("<td>750.1</td>", html);
        Assert.Contains("<img src=\"plots/ldc.png\"", html);
    }

    [Fact]
    public void RenderingIsDeterministicAndWritesWhole()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string a = Path.Combine(dir, "a.md"), b = Path.Combine(dir, "b.md");
        ReportRenderer.Write(Sample(), a, ReportFormat.Markdown);
        ReportRenderer.Write(Sample(), b, ReportFormat.Markdown);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal(new[] { "a.md", "b.md" }, Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public void RejectsRaggedRows()
    {
        var d = new ReportDocument("t");
        Assert.Throws<ArgumentException>(() => d.AddSection("s").Table(new[] { "a", "b" }, new[] { new[] { "1" } }));
    }
}
