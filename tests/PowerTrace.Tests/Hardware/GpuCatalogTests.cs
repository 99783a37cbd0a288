using PowerTrace.Core.Errors;
using PowerTrace.Core.Hardware;
using Xunit;

namespace PowerTrace.Tests.Hardware;

public class GpuCatalogTests
{
    [Theory]
    [InlineData("A100-40GB"), InlineData("a100-80gb"), InlineData("H100"), InlineData("H200"), InlineData("B200"), InlineData("L40S"), InlineData("MI300X"), InlineData("RTX A6000")]
    public void IssueListedGpusAreKnownWithSourcedFacts(string name)
    {
        var g = GpuCatalog.Find(name);
        Assert.True(g.IdleWatts > 0 && g.IdleWatts < g.TdpWatts);
        Assert.True(g.DenseBf16Tflops > 0 && g.MemoryBandwidthGBps > 0 && g.MemoryGB > 0);
        Assert.True(g.Sources.Count >= 2, "every number needs a source");
        if (!g.IdleWattsMeasured) Assert.Contains(g.Sources, s => s.Contains("estimate"));
    }

    [Fact]
    public void MeasuredIdleMatchesSplitwiseConstants()
    {
        // ../shared/data/splitwise/power_model_constant.yaml: idle A100 63 W, H100 75 W.
        var yaml = File.ReadAllText(TestData.Path_("splitwise", "power_model_constant.yaml"));
        Assert.Contains("a100-80gb: 63", yaml);
        Assert.Contains("h100-80gb: 75", yaml);
        Assert.Equal(63, GpuCatalog.Find("a100-80gb").IdleWatts);
        Assert.Equal(75, GpuCatalog.Find("h100-80gb").IdleWatts);
    }

    [Fact]
    public void UnknownGpuNamesTheKnownOnes()
    {
        var ex = Assert.Throws<InvalidSettingException>(() => GpuCatalog.Find("TPU-v5"));
        Assert.Equal("UnknownGpu", ex.ErrorId);
        Assert.Contains("H100-SXM-80GB", ex.Message);
    }
}
