using System.Collections.Generic;
using PowerTrace.Core.Hardware;

namespace PowerTrace.Core.Derivation
{
    /// <summary>
    /// Published measurements shipped with the module (the module cannot read ../shared/data at run time; a test
    /// recomputes every number here from the files and checks they agree).
    /// </summary>
    /// <remarks>
    /// <para>Phase powers: Splitwise's constant power model (Patel et al., ISCA 2024; splitwise-sim
    /// configs/power_model/constant.yaml, commit 3780880): per-GPU idle / prompt / token watts, A100-80GB 63 / 400 / 250,
    /// H100-80GB 75 / 700 / 380. The figures do not depend on the TP degree.</para>
    /// <para>Rates: Splitwise's measured profiles (splitwise-sim data/perf_model.csv, commit 3780880), batch-1 rows of
    /// llama2-70b (TP 2, 4, 8) and bloom-176b (TP 8) on a100-80gb and h100-80gb: prefill tokens/s = 1 / least-squares slope
    /// of prompt_time over prompt_size (128..8192 tokens); decode steps/s = 1000 / mean token_time (ms).</para>
    /// </remarks>
    public static class PublishedFigures
    {
        /// <summary>Source line of the Splitwise power figures.</summary>
        public const string SplitwisePowerSource = "Splitwise constant power model (Patel et al., ISCA 2024; splitwise-sim configs/power_model/constant.yaml)";

        /// <summary>Source line of the Splitwise rate figures.</summary>
        public const string SplitwisePerfSource = "Splitwise perf_model.csv (splitwise-sim data/perf_model.csv), batch 1";

        private static readonly PhasePowerFigure[] Phase =
        {
            new PhasePowerFigure("A100-SXM-80GB", 63, 400, 250, SplitwisePowerSource + ", a100-80gb"),
            new PhasePowerFigure("H100-SXM-80GB", 75, 700, 380, SplitwisePowerSource + ", h100-80gb"),
        };

        private const double L2 = 68.98e9, Bloom = 176.25e9;

        private static readonly RateAnchor[] Rates =
        {
            new RateAnchor("A100-SXM-80GB", 2, L2, L2, 2, 80, 2764.4, 17.493, SplitwisePerfSource + ", llama2-70b a100-80gb TP2"),
            new RateAnchor("A100-SXM-80GB", 4, L2, L2, 2, 80, 3619.5, 22.465, SplitwisePerfSource + ", llama2-70b a100-80gb TP4"),
            new RateAnchor("A100-SXM-80GB", 8, L2, L2, 2, 80, 5508.9, 22.171, SplitwisePerfSource + ", llama2-70b a100-80gb TP8"),
            new RateAnchor("A100-SXM-80GB", 8, Bloom, Bloom, 2, 70, 2362.2, 20.259, SplitwisePerfSource + ", bloom-176b a100-80gb TP8"),
            new RateAnchor("H100-SXM-80GB", 2, L2, L2, 2, 80, 6201.4, 26.814, SplitwisePerfSource + ", llama2-70b h100-80gb TP2"),
            new RateAnchor("H100-SXM-80GB", 4, L2, L2, 2, 80, 8828.2, 34.006, SplitwisePerfSource + ", llama2-70b h100-80gb TP4"),
            new RateAnchor("H100-SXM-80GB", 8, L2, L2, 2, 80, 10061.3, 32.907, SplitwisePerfSource + ", llama2-70b h100-80gb TP8"),
            new RateAnchor("H100-SXM-80GB", 8, Bloom, Bloom, 2, 70, 5417.6, 27.598, SplitwisePerfSource + ", bloom-176b h100-80gb TP8"),
        };

        /// <summary>Per-GPU phase powers, by GPU.</summary>
        public static IReadOnlyList<PhasePowerFigure> PhasePowers => Phase;

        /// <summary>Measured rate anchors.</summary>
        public static IReadOnlyList<RateAnchor> RateAnchors => Rates;

        /// <summary>The phase-power figure of a GPU (canonical name or alias); null when none is published here.</summary>
        public static PhasePowerFigure? PhasePowerFor(string gpu)
        {
            var spec = GpuCatalog.TryFind(gpu);
            string name = spec?.Name ?? gpu;
            foreach (var f in Phase) if (f.Gpu == name) return f;
            return null;
        }
    }
}
