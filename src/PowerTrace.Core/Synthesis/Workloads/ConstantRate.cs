namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>A homogeneous Poisson process: the same rate all the time.</summary>
    public sealed class ConstantRate : ArrivalRate
    {
        /// <param name="ratePerSecond">Requests per second over the whole site.</param>
        public ConstantRate(double ratePerSecond) { RatePerSecond = ratePerSecond; }

        /// <summary>Requests per second over the whole site.</summary>
        public double RatePerSecond { get; }

        public override double MaxRatePerSecond => RatePerSecond;
        public override bool IsConstant => true;
        public override double RatePerSecondAt(System.DateTime startUtc, double seconds) => RatePerSecond;
        public override string ToString() => $"Poisson {RatePerSecond:0.###} req/s";
    }
}
