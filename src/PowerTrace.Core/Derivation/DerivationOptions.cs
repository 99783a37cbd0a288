namespace PowerTrace.Core.Derivation
{
    /// <summary>Settings of <see cref="PowerModelDeriver.Derive"/>.</summary>
    public sealed class DerivationOptions
    {
        /// <summary>
        /// Use the published figures shipped with the module (<see cref="PublishedFigures"/>): per-GPU phase powers
        /// and measured token rates. Default true.
        /// </summary>
        public bool UsePublishedFigures { get; set; } = true;

        /// <summary>Bytes per weight of the source models (they do not record it); default 2 (BF16).</summary>
        public double SourceBytesPerParameter { get; set; } = 2;

        /// <summary>
        /// Share of a busy GPU's dynamic power that does not follow how much work it gets done per second (clock tree,
        /// leakage at raised clocks, stalls that keep units powered); the rest scales with achieved efficiency.
        /// Default 0.5 (see <see cref="StatePowerRules"/>).
        /// </summary>
        public double BusyFloorShare { get; set; } = 0.5;

        /// <summary>Creation time written into the derived model's provenance; null = now. Reference models use their anchor's, so they are deterministic.</summary>
        public System.DateTime? CreatedUtc { get; set; }

        /// <summary>Extra text prepended to the derivation note (e.g. the reference model's name and purpose).</summary>
        public string? Note { get; set; }
    }
}
