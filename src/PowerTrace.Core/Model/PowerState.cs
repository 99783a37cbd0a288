namespace PowerTrace.Core.Model
{
    /// <summary>
    /// One operating state of a power model: the node power distribution in that state (Gaussian with an
    /// AR(1) residual, kept inside the observed range) and how much of the training time it covered.
    /// </summary>
    public sealed class PowerState
    {
        public PowerState(int index, string name, double meanWatts, double stdWatts, double share, double ar1, double minWatts, double maxWatts, long binCount)
        {
            Index = index;
            Name = name;
            MeanWatts = meanWatts;
            StdWatts = stdWatts;
            Share = share;
            Ar1 = ar1;
            MinWatts = minWatts;
            MaxWatts = maxWatts;
            BinCount = binCount;
        }

        /// <summary>Position in the model (states are sorted by mean power).</summary>
        public int Index { get; }

        /// <summary>What the state coincides with: idle, prefill, decode, with a level suffix where there are several (e.g. "decode-2").</summary>
        public string Name { get; }

        /// <summary>Mean node power of the training bins labelled with this state, watts.</summary>
        public double MeanWatts { get; }

        /// <summary>Standard deviation of node power in this state, watts.</summary>
        public double StdWatts { get; }

        /// <summary>Fraction of the training bins in this state (0..1).</summary>
        public double Share { get; }

        /// <summary>Lag-one autocorrelation of the standardized residual between consecutive bins in this state (0 where no persistence).</summary>
        public double Ar1 { get; }

        /// <summary>Lowest node power observed in this state, watts (samples are clamped to it).</summary>
        public double MinWatts { get; }

        /// <summary>Highest node power observed in this state, watts (samples are clamped to it).</summary>
        public double MaxWatts { get; }

        /// <summary>Training bins labelled with this state.</summary>
        public long BinCount { get; }

        public override string ToString() => $"{Name}: {MeanWatts:0.#} W ± {StdWatts:0.#} W, {Share:P1}";
    }
}
