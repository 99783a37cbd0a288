using Xunit;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Planning;
using PowerTrace.Core.Synthesis;
using PowerTrace.Reporting.Reports;
using PowerTrace.Testing;

namespace PowerTrace.Tests.Planning;

/// <summary>
/// The phased interconnection study: validation before any work (stable ids naming the parameter), the per-year figures'
/// internal consistency (energy, peaks, months, hours, phases entering service mid-year), determinism, the utility CSV
/// and the report. Figures are compared with each other and with TDP sizing, never with pinned model wattages.
/// </summary>
public class InterconnectionStudyTests
{
    private static readonly StandInPowerModel Stand = new StandInPowerModel();

    private static DateTime D(int y, int m, int d) => new DateTime(y, m, d, 0, 0, 0, DateTimeKind.Utc);

    private static InterconnectionStudySettings TwoPhases(IServerPowerModel? model = null) => new()
    {
        Phases = new List<BuildoutPhase>
        {
            new BuildoutPhase(D(2026, 1, 1), model ?? Stand, servers: 600, name: "one"),
            new BuildoutPhase(D(2026, 7, 1), model ?? Stand, servers: 1200, name: "two"),
        },
        Years = 1,
        SeedCount = 3,
        Seed = 4,
    };

    [Fact]
    public void AYearAddsUpAndPhasesCountFromTheirDates()
    {
        var r = InterconnectionStudy.Run(TwoPhases());
        var y = Assert.Single(r.Years);
        Assert.Equal(2026, y.Year);
        Assert.Equal(8760, y.HourlyProfileMW.Count);
        Assert.Equal(12, y.MonthlyPeakMW.Count);
        Assert.Equal(35040, y.Demand15MinMW.Count);
        Assert.Equal(1800, y.Servers);
        Assert.Equal(new[] { 600, 1200 }, y.ServersByPhase);
        Assert.Equal(1800 * (Stand.NameplateWatts + 1000) * 1.3 / 1e6, y.TdpSizingMW, 9);
        // Energy: the hourly profile (mean of seeds) and the months (P50 of seeds) agree with the annual energy within the seeds' spread.
        Assert.InRange(y.HourlyProfileMW.Sum() / y.EnergyMWh, 0.999, 1.001);
        Assert.InRange(y.MonthlyEnergyMWh.Sum() / y.EnergyMWh, 0.999, 1.001);
        Assert.True(y.EnergyP90MWh >= y.EnergyMWh && y.PeakDemandP90MW >= y.PeakDemandMW);
        // Peaks: the year's is the largest month's; below TDP sizing; above the mean.
        Assert.InRange(y.PeakDemandMW, y.MonthlyPeakMW.Max() - 1e-9, y.MonthlyPeakP90MW.Max() + 1e-9);
        Assert.True(y.PeakDemandMW < y.TdpSizingMW);
        Assert.InRange(y.LoadFactor, 0.2, 1.0);
        // Phase two enters on 1 July: the second half draws about three times the first (1800 vs 600 servers).
        double h1 = y.HourlyProfileMW.Take(181 * 24).Average(), h2 = y.HourlyProfileMW.Skip(182 * 24).Average();
        Assert.InRange(h2 / h1, 2.7, 3.1);
        // Its switching on is a step of about 2/3 of the load, left out of the ramp and step figures.
        double jump = y.HourlyProfileMW[181 * 24] - y.HourlyProfileMW[181 * 24 - 1];
        Assert.True(jump > 10 * y.Step15MinMW, $"switch-on {jump} MW vs largest step {y.Step15MinMW} MW");
        Assert.True(y.RampUp1MinMW > 0 && y.RampDown1MinMW > 0 && y.RampUp15MinMW >= y.RampUp1MinMW);
        Assert.Equal("Aggregate", y.Method);
        Assert.Same(r, y.Study);
    }

    [Fact]
    public void SameSettingsGiveTheSameStudyOnAnyThreadCount()
    {
        var a = TwoPhases(); a.MaxDegreeOfParallelism = 1;
        var b = TwoPhases(); b.MaxDegreeOfParallelism = 2;
        var ra = InterconnectionStudy.Run(a).Years[0];
        var rb = InterconnectionStudy.Run(b).Years[0];
        Assert.Equal(ra.HourlyProfileMW, rb.HourlyProfileMW);
        Assert.Equal(ra.PeakDemandMW, rb.PeakDemandMW);
        var c = TwoPhases(); c.Seed = 100;
        Assert.NotEqual(ra.Demand15MinMW, InterconnectionStudy.Run(c).Years[0].Demand15MinMW);
    }

    [Fact]
    public void MegawattPhasesBecomeServersByTdpSizingAndYearsDefaultToFullBuildPlusOne()
    {
        var s = new InterconnectionStudySettings
        {
            Phases = new List<BuildoutPhase> { new(D(2026, 1, 1), Stand, nameplateMW: 10), new(D(2027, 1, 1), Stand, nameplateMW: 5) },
        };
        Assert.Equal((int)Math.Floor(10e6 / (1.3 * (Stand.NameplateWatts + 1000))), s.ServersOf(0));
        Assert.Equal(2026, s.StudyFirstYear);
        Assert.Equal(3, s.StudyYears);
    }

    public static IEnumerable<object[]> BadInputs() => new[]
    {
        new object[] { "order", "PhasesOutOfOrder", "Phase" },
        new object[] { "overlap", "PhasesOverlap", "Phase" },
        new object[] { "zero", "PhaseHasNoServers", "Phase" },
        new object[] { "zeroMW", "PhaseHasNoServers", "Phase" },
        new object[] { "both", "PhaseServersAndMW", "Phase" },
        new object[] { "none", "NoPhases", "Phase" },
        new object[] { "horizon", "ResolutionDoesNotDivideHorizon", "Resolution" },
        new object[] { "demand", "ResolutionDoesNotDivideDemandInterval", "Resolution" },
        new object[] { "gpu", "ModelDoesNotFitGpu", "Phase" },
        new object[] { "unknownGpu", "UnknownGpu", "Phase" },
        new object[] { "years", "InvalidStudyYears", "Years" },
        new object[] { "seeds", "InvalidSeedCount", "SeedCount" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputStopsBeforeAnyWorkWithAStableIdNamingTheParameter(string what, string id, string parameter)
    {
        var counting = new CountingModel(Stand);
        var s = TwoPhases(counting);
        switch (what)
        {
            case "order": s.Phases = new List<BuildoutPhase> { new(D(2027, 1, 1), counting, 10), new(D(2026, 1, 1), counting, 10) }; break;
            case "overlap": s.Phases = new List<BuildoutPhase> { new(D(2026, 1, 1), counting, 10), new(D(2026, 1, 1), counting, 10) }; break;
            case "zero": s.Phases[1] = new BuildoutPhase(D(2026, 7, 1), counting, 0); break;
            case "zeroMW": s.Phases[1] = new BuildoutPhase(D(2026, 7, 1), counting, nameplateMW: 0.0001); break;
            case "both": s.Phases[1] = new BuildoutPhase(D(2026, 7, 1), counting, 10, nameplateMW: 5); break;
            case "none": s.Phases.Clear(); break;
            case "horizon": s.ResolutionSeconds = 7 * 60; break; // 525,600 minutes are not a multiple of 7
            case "demand": s.ResolutionSeconds = 8; break;       // divides the year, not 15 minutes
            case "gpu": s.Phases[0] = new BuildoutPhase(D(2026, 1, 1), ReferenceModels.Get("H100-TP4-70B"), 10, gpu: "A100"); break;
            case "unknownGpu": s.Phases[0] = new BuildoutPhase(D(2026, 1, 1), counting, 10, gpu: "no such GPU"); break;
            case "years": s.Years = 0; break;
            case "seeds": s.SeedCount = 0; break;
        }
        var ex = Assert.Throws<InvalidSettingException>(() => InterconnectionStudy.Run(s));
        Assert.Equal(id, ex.ErrorId);
        Assert.Equal(parameter, ex.Parameter);
        Assert.Equal(0, counting.Synthesizers);
    }

    [Fact]
    public void TheUtilityCsvHasAnHourPerRowAndAMegawattColumnPerYear()
    {
        var s = TwoPhases();
        s.Phases = new List<BuildoutPhase> { new(D(2027, 6, 1), Stand, 500) };
        s.Years = 2; s.SeedCount = 1; s.ResolutionSeconds = 900;
        var r = InterconnectionStudy.Run(s);
        Assert.Equal(8760, r.Years[0].HourlyProfileMW.Count);
        Assert.Equal(8784, r.Years[1].HourlyProfileMW.Count);
        Assert.True(double.IsNaN(r.Years[0].RampUp1MinMW)); // 15-minute resolution has no 1-minute ramps
        string dir = Path.Combine(Path.GetTempPath(), "pt-ic-" + Guid.NewGuid().ToString("N"));
        try
        {
            string csv = Path.Combine(dir, "load.csv");
            InterconnectionStudy.WriteUtilityCsv(r, csv);
            var lines = File.ReadAllLines(csv);
            Assert.Equal(8785, lines.Length);
            Assert.Equal("Month,Day,HourUtc,2027 MW,2028 MW", lines[0]);
            Assert.Equal("1,1,0,0.0000,", lines[1].Substring(0, 13));
            var feb29 = lines.Where(l => l.StartsWith("2,29,")).ToList();
            Assert.Equal(24, feb29.Count);
            Assert.All(feb29, l => Assert.Equal("", l.Split(',')[3]));
            Assert.All(feb29, l => Assert.True(double.Parse(l.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture) > 0));
            // 2027's column is its hourly profile; 2028's is its own, hour by hour.
            double sum2027 = lines.Skip(1).Select(l => l.Split(',')[3]).Where(c => c.Length > 0).Sum(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(r.Years[0].HourlyProfileMW.Sum(), sum2027, 1);
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));

            var files = InterconnectionReport.Write(r, Path.Combine(dir, "study.html"));
            Assert.Equal(5, files.Count);
            Assert.All(files, f => Assert.True(new FileInfo(f).Length > 1000, f));
            string html = File.ReadAllText(files[^1]);
            Assert.Contains("study-load-duration.png", html);
            Assert.Contains("Peak / TDP", html);
            InterconnectionReport.Write(r, Path.Combine(dir, "study.md"));
            Assert.Contains("| 2028 | 500 |", File.ReadAllText(Path.Combine(dir, "study.md")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    // A model that counts the synthesizers it hands out: validation must create none.
    private sealed class CountingModel : IServerPowerModel
    {
        private readonly IServerPowerModel _m;
        public int Synthesizers;
        public CountingModel(IServerPowerModel m) { _m = m; }
        public double BinSeconds => _m.BinSeconds;
        public double IdleWatts => _m.IdleWatts;
        public double NameplateWatts => _m.NameplateWatts;
        public int GpuCount => _m.GpuCount;
        public int StateCount => _m.StateCount;
        public double EstimateServiceSeconds(int p, int o) => _m.EstimateServiceSeconds(p, o);
        public IServerSynthesizer CreateSynthesizer() { Interlocked.Increment(ref Synthesizers); return _m.CreateSynthesizer(); }
    }
}
