using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerTrace.Commands;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Model;
using Xunit;

namespace PowerTrace.Tests.Cmdlets;

/// <summary>Get-PowerModel and New-PowerModel -From hosted in-process.</summary>
public class DerivationCmdletTests
{
    private static PowerShell Shell()
    {
        var iss = InitialSessionState.CreateDefault2();
        foreach (var (name, type) in new[] {
            ("Get-PowerModel", typeof(GetPowerModelCommand)), ("New-PowerModel", typeof(NewPowerModelCommand)),
            ("Export-PowerModel", typeof(ExportPowerModelCommand)), ("Import-PowerModel", typeof(ImportPowerModelCommand)) })
            iss.Commands.Add(new SessionStateCmdletEntry(name, type, null));
        return PowerShell.Create(iss);
    }

    [Fact]
    public void Get_PowerModel_lists_and_returns_reference_models()
    {
        using var ps = Shell();
        ps.AddScript("Get-PowerModel; Get-PowerModel -Name 'H100-TP4-*'; Get-PowerModel A100-TP1-8B -Bound High");
        var r = ps.Invoke();
        Assert.False(ps.HadErrors);
        Assert.Equal(16, r.Count(o => o.BaseObject is ReferenceModelInfo));
        var models = r.Select(o => o.BaseObject).OfType<PowerModel>().ToList();
        Assert.Equal(3, models.Count);
        Assert.Equal(4, models[0].Configuration.TensorParallel);
        Assert.Equal(ModelBound.High, models[2].Provenance.Uncertainty!.Bound);
    }

    [Fact]
    public void Unknown_name_is_a_non_terminating_UnknownReferenceModel()
    {
        using var ps = Shell();
        ps.AddScript("Get-PowerModel -Name H100-TP3-70B, H100-TP2-70B");
        var r = ps.Invoke();
        Assert.Single(r);
        Assert.Equal("UnknownReferenceModel,PowerTrace.Commands.GetPowerModelCommand", ps.Streams.Error.Single().FullyQualifiedErrorId);
    }

    [Fact]
    public void New_PowerModel_From_derives_and_gives_bounds_and_round_trips()
    {
        string file = Path.Combine(Path.GetTempPath(), "pt-derive-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using var ps = Shell();
            ps.AddScript($@"
                $m = Get-PowerModel H100-TP8-70B
                $d = $m | New-PowerModel -Gpu H200 -TensorParallel 8 -Parameters 70e9
                $d
                New-PowerModel -From $d -Bound Low
                $d | Export-PowerModel -Path '{file}'
                Import-PowerModel -Path '{file}'");
            var r = ps.Invoke().Select(o => (PowerModel)o.BaseObject).ToList();
            Assert.False(ps.HadErrors, string.Join("; ", ps.Streams.Error));
            Assert.Equal(3, r.Count);
            Assert.Equal("H200-SXM-141GB", r[0].Configuration.GpuType);
            Assert.Contains("Derived for 8x H200", r[0].Provenance.Derivation);
            Assert.True(r[1].States[^1].MeanWatts < r[0].States[^1].MeanWatts);
            Assert.Equal(r[0].Provenance.Derivation, r[2].Provenance.Derivation);
            Assert.Equal(r[0].Provenance.Uncertainty!.RateRelative, r[2].Provenance.Uncertainty!.RateRelative);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("New-PowerModel -From (Get-PowerModel H100-TP1-8B) -Gpu Z9000 -TensorParallel 1", "UnknownGpu")]
    [InlineData("New-PowerModel -From (Get-PowerModel H100-TP1-8B) -Gpu H100 -TensorParallel 2 -Parameters 0", "InvalidModelSize")]
    [InlineData("New-PowerModel -From (Get-PowerModel H100-TP1-8B) -Gpu H100 -TensorParallel 3 -GpuCount 8 -Parameters 8e9", "InvalidTensorParallel")]
    [InlineData("New-PowerModel -From (Get-PowerModel H100-TP1-8B) -Gpu H100 -TensorParallel 2 -ModelName my-model", "InvalidModelSize")]
    [InlineData("New-PowerModel -From (Get-PowerModel H100-TP1-8B) -Gpu H100 -TensorParallel 1 -Parameters 70e9", "ModelDoesNotFit")]
    public void Missing_facts_give_error_ids(string script, string id)
    {
        using var ps = Shell();
        ps.AddScript(script);
        Assert.Empty(ps.Invoke());
        Assert.Equal(id + ",PowerTrace.Commands.NewPowerModelCommand", ps.Streams.Error.Single().FullyQualifiedErrorId);
    }
}
