using System;
using System.Collections.Generic;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// The compositional power model of one configuration (GPU type × model × TP degree): operating
    /// states with a Gaussian AR(1) power distribution each, workload-conditioned transitions between
    /// them, and the serving profile that turns requests into workload features.
    /// </summary>
    /// <remarks>
    /// Immutable. Fitted by <see cref="PowerModelFitter"/>, saved and loaded by <see cref="PowerModelJson"/>.
    /// Synthesis: <see cref="CreateSynthesizer"/> gives a per-thread engine (<see cref="PowerModelSynthesizer"/>).
    /// </remarks>
    public sealed class PowerModel : IServerPowerModel
    {
        /// <summary>Most states a model may have (the sampler searches a row of at most this many).</summary>
        public const int MaxStates = 16;

        private readonly PowerState[] _states;
        internal readonly CompiledChain Chain;

        public PowerModel(
            ModelConfiguration configuration,
            double binSeconds,
            IReadOnlyList<PowerState> states,
            ServingProfile servingProfile,
            TransitionModel transitions,
            ModelProvenance provenance,
            double workloadLagSeconds = 0,
            WorkPower? workPower = null)
        {
            Configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
            if (!(binSeconds > 0) || double.IsInfinity(binSeconds))
                throw new InvalidSettingException("InvalidBinWidth", nameof(binSeconds), $"Bin width must be a positive number of seconds, not {binSeconds}.");
            if (states == null || states.Count == 0)
                throw new InvalidSettingException("ModelHasNoStates", nameof(states), "The power model has no states: fit it on traces with measured bins, or load a complete model file.");
            if (states.Count > MaxStates)
                throw new InvalidSettingException("TooManyStates", nameof(states), $"A power model has at most {MaxStates} states; this one has {states.Count}.");
            if (transitions == null) throw new ArgumentNullException(nameof(transitions));
            if (transitions.StateCount != states.Count)
                throw new InvalidSettingException("TransitionsDoNotMatchStates", nameof(transitions), $"The transitions are for {transitions.StateCount} states but the model has {states.Count}.");
            BinSeconds = binSeconds;
            _states = new PowerState[states.Count];
            for (int i = 0; i < _states.Length; i++) _states[i] = states[i];
            ServingProfile = servingProfile ?? throw new ArgumentNullException(nameof(servingProfile));
            Transitions = transitions;
            Provenance = provenance ?? throw new ArgumentNullException(nameof(provenance));
            WorkloadLag.Validate(workloadLagSeconds, nameof(workloadLagSeconds));
            WorkloadLagSeconds = workloadLagSeconds;
            if (workPower != null && workPower.GpuCount != Math.Max(1, configuration.GpuCount))
                throw new InvalidSettingException("InvalidWorkPower", nameof(workPower), $"The work-power curve is for {workPower.GpuCount} GPU(s) but the configuration has {configuration.GpuCount}.");
            WorkPower = workPower;
            Chain = new CompiledChain(_states, transitions);
        }

        /// <summary>Hardware and software configuration.</summary>
        public ModelConfiguration Configuration { get; }

        /// <summary>Bin width the model was fitted at, seconds.</summary>
        public double BinSeconds { get; }

        /// <summary>
        /// Seconds the measured power trailed the training workload log (see <see cref="WorkloadLag"/>): contexts
        /// built from measured logs are delayed by this much (fitting, <see cref="PowerModelEvaluator"/>); synthesis
        /// through the serving emulator does not apply it. 0 for models saved before it existed.
        /// </summary>
        public double WorkloadLagSeconds { get; }

        /// <summary>
        /// The work-power curve (node watts from the work in flight, see <see cref="Model.WorkPower"/>), or null for a model
        /// whose states carry absolute power levels (models saved before schema version 2, or fitted without the
        /// configuration facts the curve needs). With a curve, state watts are offsets from it.
        /// </summary>
        public WorkPower? WorkPower { get; }

        /// <summary>Operating states, sorted by mean power (absolute watts, or offsets from <see cref="WorkPower"/> when the model has one).</summary>
        public IReadOnlyList<PowerState> States => _states;

        /// <summary>Number of states.</summary>
        public int StateCount => _states.Length;

        /// <summary>Prefill and decode rates and concurrency limit (drives the serving emulator).</summary>
        public ServingProfile ServingProfile { get; }

        /// <summary>Workload-conditioned transitions between states.</summary>
        public TransitionModel Transitions { get; }

        /// <summary>Training traces, creation time, tool version, derivation note.</summary>
        public ModelProvenance Provenance { get; }

        /// <summary>Node power with nothing in flight: idle watts per GPU × GPU count.</summary>
        public double IdleWatts => Configuration.IdleWattsPerGpu * GpuCount;

        /// <summary>Nameplate node power: TDP per GPU × GPU count, watts.</summary>
        public double NameplateWatts => Configuration.TdpWattsPerGpu * GpuCount;

        /// <summary>GPUs per node.</summary>
        public int GpuCount => Math.Max(1, Configuration.GpuCount);

        /// <summary>Mean power over the training bins (share-weighted state means, or the curve's recorded reference mean), watts.</summary>
        public double TrainingMeanWatts
        {
            get
            {
                if (WorkPower != null) return WorkPower.ReferenceMeanWatts;
                double s = 0, w = 0;
                foreach (var st in _states) { s += st.Share * st.MeanWatts; w += st.Share; }
                return w > 0 ? s / w : double.NaN;
            }
        }

        /// <summary>Seconds one request occupies the node alone: prompt / prefill rate + output / decode rate.</summary>
        public double EstimateServiceSeconds(int promptTokens, int outputTokens)
        {
            double pre = ServingProfile.PrefillTokensPerSecond > 0 ? Math.Max(0, promptTokens) / ServingProfile.PrefillTokensPerSecond : 0;
            double dec = ServingProfile.DecodeStepsPerSecond > 0 ? Math.Max(0, outputTokens) / ServingProfile.DecodeStepsPerSecond : 0;
            return pre + dec;
        }

        /// <summary>A per-thread synthesizer (not thread-safe; create one per worker).</summary>
        public PowerModelSynthesizer CreateModelSynthesizer() => new PowerModelSynthesizer(this);

        /// <summary>A per-thread synthesizer (not thread-safe; create one per worker).</summary>
        public IServerSynthesizer CreateSynthesizer() => CreateModelSynthesizer();

        public override string ToString() => $"PowerModel {Configuration}, {_states.Length} states, {BinSeconds} s bins";
    }

    /// <summary>Flat tables the sampler runs on: cumulative transition rows and per-state AR(1) parameters.</summary>
    internal sealed class CompiledChain
    {
        internal readonly int K, C;
        internal readonly float[] Cum;      // [(cur*C + ctx)*K + next], last of each row = 1
        internal readonly float[] InitCum;  // [ctx*K + s]
        internal readonly float[] Mu, Sd, Phi, Innov, Min, Max;

        internal CompiledChain(PowerState[] states, TransitionModel t)
        {
            K = states.Length;
            C = t.ContextCount;
            Cum = new float[K * C * K];
            InitCum = new float[C * K];
            var p = t.RawProbabilities;
            for (int r = 0; r < K * C; r++) Cumulate(p, r * K, Cum);
            var q = t.RawInitial;
            for (int r = 0; r < C; r++) Cumulate(q, r * K, InitCum);
            Mu = new float[K]; Sd = new float[K]; Phi = new float[K]; Innov = new float[K]; Min = new float[K]; Max = new float[K];
            for (int s = 0; s < K; s++)
            {
                var st = states[s];
                Mu[s] = (float)st.MeanWatts;
                Sd[s] = (float)Math.Max(0, st.StdWatts);
                double phi = Math.Max(0, Math.Min(0.999, st.Ar1));
                Phi[s] = (float)phi;
                Innov[s] = (float)Math.Sqrt(1 - phi * phi);
                Min[s] = (float)st.MinWatts;
                Max[s] = (float)st.MaxWatts;
            }
        }

        private void Cumulate(double[] p, int off, float[] into)
        {
            double tot = 0;
            for (int s = 0; s < K; s++) tot += Math.Max(0, p[off + s]);
            double acc = 0;
            for (int s = 0; s < K; s++)
            {
                acc += tot > 0 ? Math.Max(0, p[off + s]) / tot : 1.0 / K;
                into[off + s] = (float)acc;
            }
            into[off + K - 1] = 1.0f;
        }
    }
}
