using PowerTrace.Core.Errors;
using PowerTrace.Core.Model;
using PowerTrace.Core.Numerics;
using Xunit;

namespace PowerTrace.Tests.Model;

public class PowerModelJsonTests
{
    private static PowerModel Fitted()
    {
        var f = KnownTruth.Features(6000, 21);
        var w = KnownTruth.Generate(f, 22, out _);
        return PowerModelFitter.Fit(new[] { new PowerModelTrainingInput(KnownTruth.Trace(w), f, "requests.csv") }, KnownTruth.Profile);
    }

    [Fact]
    public void Round_trip_is_exact()
    {
        var m = Fitted();
        string path = Path.Combine(Path.GetTempPath(), "pt-model-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            PowerModelJson.Save(m, path);
            var back = PowerModelJson.Load(path);
            Assert.Equal(PowerModelJson.ToJson(m), PowerModelJson.ToJson(back));
            Assert.Equal(m.States.Select(s => s.MeanWatts), back.States.Select(s => s.MeanWatts));
            Assert.Equal(m.States.Select(s => s.Ar1), back.States.Select(s => s.Ar1));
            Assert.Equal(m.Transitions.RawProbabilities, back.Transitions.RawProbabilities);
            Assert.Equal(m.Provenance.CreatedUtc, back.Provenance.CreatedUtc);
            Assert.Equal(DateTimeKind.Utc, back.Provenance.Traces[0].StartUtc.Kind);
            Assert.Equal("requests.csv", back.Provenance.Traces[0].WorkloadFile);
            Assert.Equal(m.Configuration.IdleWattsPerGpu, back.Configuration.IdleWattsPerGpu);
            // Same seed, same synthesized trace from the loaded model.
            var f = KnownTruth.Features(500, 3);
            var a = new float[500]; var b = new float[500];
            var r1 = new Rng(5); var r2 = new Rng(5);
            m.CreateModelSynthesizer().SynthesizeFromFeatures(f, ref r1, a);
            back.CreateModelSynthesizer().SynthesizeFromFeatures(f, ref r2, b);
            Assert.Equal(a, b);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("not json at all", "NotAPowerModel")]
    [InlineData("{\"kind\":\"Something.Else\",\"schemaVersion\":1}", "NotAPowerModel")]
    [InlineData("[1,2,3]", "NotAPowerModel")]
    [InlineData("{\"kind\":\"PowerTrace.PowerModel\",\"schemaVersion\":99}", "UnsupportedSchemaVersion")]
    [InlineData("{\"kind\":\"PowerTrace.PowerModel\",\"schemaVersion\":1}", "InvalidPowerModel")]
    public void Bad_files_give_error_ids(string content, string errorId)
    {
        var e = Assert.Throws<InputFormatException>(() => PowerModelJson.Parse(System.Text.Encoding.UTF8.GetBytes(content), "x.json"));
        Assert.Equal(errorId, e.ErrorId);
    }

    [Fact]
    public void A_model_without_states_is_refused()
    {
        var json = PowerModelJson.ToJson(Fitted());
        var doc = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        doc["states"] = new System.Text.Json.Nodes.JsonArray();
        var e = Assert.Throws<InvalidSettingException>(() => PowerModelJson.Parse(System.Text.Encoding.UTF8.GetBytes(doc.ToJsonString()), "x.json"));
        Assert.Equal("ModelHasNoStates", e.ErrorId);
    }
}
