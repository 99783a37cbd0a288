using System;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>One requested output: a hierarchy level at its own resolution.</summary>
    public sealed class OutputLevel
    {
        public OutputLevel(TraceLevel level, double resolutionSeconds)
        {
            Level = level;
            ResolutionSeconds = resolutionSeconds;
        }

        /// <summary>Node (GPUs only, per server), Server, Rack, Row, Site or Facility.</summary>
        public TraceLevel Level { get; }

        /// <summary>Output bin width, seconds: a whole multiple of the model's bin that divides the horizon (0.25 s .. 3600 s).</summary>
        public double ResolutionSeconds { get; }

        /// <summary>Shortest resolution accepted, seconds.</summary>
        public const double MinResolutionSeconds = 0.25;

        /// <summary>Longest resolution accepted, seconds.</summary>
        public const double MaxResolutionSeconds = 3600;

        public override string ToString() => $"{Level} @ {ResolutionSeconds:0.###} s";
    }
}
