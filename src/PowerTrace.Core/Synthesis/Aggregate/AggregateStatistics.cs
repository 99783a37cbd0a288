namespace PowerTrace.Core.Synthesis.Aggregate
{
    /// <summary>
    /// One server's power at one per-server request rate and one bin width, learned by exact synthesis: the mean and
    /// variance of its bin-mean GPU (node) power and the correlation of consecutive bins. What aggregate synthesis
    /// composes a many-server trace from.
    /// </summary>
    public sealed class AggregateStatistics
    {
        internal AggregateStatistics(double ratePerServer, double binSeconds, double meanWatts, double varianceWatts2, double lag1,
            int servers, double secondsPerServer, long requests)
        {
            RatePerServerPerSecond = ratePerServer;
            BinSeconds = binSeconds;
            MeanWatts = meanWatts;
            VarianceWatts2 = varianceWatts2;
            Lag1Correlation = lag1;
            CalibrationServers = servers;
            CalibrationSecondsPerServer = secondsPerServer;
            CalibrationRequests = requests;
        }

        /// <summary>Requests per second routed to one server.</summary>
        public double RatePerServerPerSecond { get; }

        /// <summary>Bin width the variance and correlation refer to, seconds.</summary>
        public double BinSeconds { get; }

        /// <summary>E[P | rate]: mean node (GPU) power of one server, watts (control-variate corrected for the realized request count).</summary>
        public double MeanWatts { get; }

        /// <summary>Var[P | rate, bin]: variance of one server's bin-mean node power around <see cref="MeanWatts"/>, W².</summary>
        public double VarianceWatts2 { get; }

        /// <summary>Correlation of one server's consecutive bin means (clamped to [-0.99, 0.99]).</summary>
        public double Lag1Correlation { get; }

        /// <summary>Servers synthesized exactly to learn these figures.</summary>
        public int CalibrationServers { get; }

        /// <summary>Seconds synthesized per calibration server (after a 300 s warm-up).</summary>
        public double CalibrationSecondsPerServer { get; }

        /// <summary>Requests the calibration servers served.</summary>
        public long CalibrationRequests { get; }

        public override string ToString()
            => $"{RatePerServerPerSecond:0.#####} req/s per server, {BinSeconds:0.###} s bins: mean {MeanWatts:0.0} W, sd {System.Math.Sqrt(VarianceWatts2):0.0} W, lag-1 {Lag1Correlation:0.000}";
    }
}
