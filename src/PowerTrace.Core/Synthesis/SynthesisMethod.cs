namespace PowerTrace.Core.Synthesis
{
    /// <summary>How a synthesis run computes its traces.</summary>
    public enum SynthesisMethod
    {
        /// <summary>
        /// Aggregate where it is accurate and pays, else Exact: Aggregate when the workload is rate-driven
        /// (Poisson, diurnal, rate series), routing is Random, the run is not sharded, no Node or Server level is
        /// requested, every requested trace sums at least <see cref="SynthesisSettings.AutoAggregateMinServers"/>
        /// servers and the finest requested resolution is at least <see cref="SynthesisSettings.AutoAggregateMinResolutionSeconds"/>.
        /// </summary>
        Auto = 0,

        /// <summary>Every server synthesized bin by bin with the power model (the reference method).</summary>
        Exact = 1,

        /// <summary>
        /// Central-limit composition: per-server mean, variance and bin-to-bin correlation at the output resolution,
        /// learned from short exact syntheses of one server at a grid of per-server rates (cached per model,
        /// token lengths and resolution), composed in O(bins) per trace (see <see cref="Aggregate.AggregateSynthesis"/>).
        /// </summary>
        Aggregate = 2,
    }
}
