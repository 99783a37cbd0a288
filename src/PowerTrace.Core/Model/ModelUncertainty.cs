using System;

namespace PowerTrace.Core.Model
{
    /// <summary>Which end of a derived model's uncertainty band a model describes.</summary>
    public enum ModelBound
    {
        /// <summary>The central estimate.</summary>
        Central = 0,
        /// <summary>Least energy per request: state powers at the low end, token rates at the high end (less busy time).</summary>
        Low = 1,
        /// <summary>Most energy per request: state powers at the high end, token rates at the low end (more busy time).</summary>
        High = 2,
    }

    /// <summary>
    /// The relative uncertainty band of a derived model (one standard-deviation-like half width, as fractions):
    /// on idle power, on state power above idle, and on the token rates. Fitted models have none.
    /// </summary>
    /// <remarks>
    /// A Low/High variant (<see cref="Derivation.ModelVariants.WithBound"/>) of the central model has, per GPU,
    /// idle × (1 ∓ <see cref="IdleRelative"/>) + (state − idle) × (1 ∓ <see cref="DynamicRelative"/>), capped at TDP,
    /// and rates × (1 ± <see cref="RateRelative"/>).
    /// </remarks>
    public sealed class ModelUncertainty
    {
        public ModelUncertainty(double idleRelative, double dynamicRelative, double rateRelative, ModelBound bound = ModelBound.Central)
        {
            if (!(idleRelative >= 0 && idleRelative < 1)) throw new ArgumentOutOfRangeException(nameof(idleRelative), idleRelative, "Must be in [0, 1).");
            if (!(dynamicRelative >= 0 && dynamicRelative < 1)) throw new ArgumentOutOfRangeException(nameof(dynamicRelative), dynamicRelative, "Must be in [0, 1).");
            if (!(rateRelative >= 0 && rateRelative < 1)) throw new ArgumentOutOfRangeException(nameof(rateRelative), rateRelative, "Must be in [0, 1).");
            IdleRelative = idleRelative;
            DynamicRelative = dynamicRelative;
            RateRelative = rateRelative;
            Bound = bound;
        }

        /// <summary>Relative half width on idle power per GPU (0.05 = ±5 %).</summary>
        public double IdleRelative { get; }

        /// <summary>Relative half width on state power above idle.</summary>
        public double DynamicRelative { get; }

        /// <summary>Relative half width on the prefill and decode rates.</summary>
        public double RateRelative { get; }

        /// <summary>Which end of the band this model is.</summary>
        public ModelBound Bound { get; }

        /// <summary>The same band marked as another end.</summary>
        public ModelUncertainty WithBound(ModelBound bound) => new ModelUncertainty(IdleRelative, DynamicRelative, RateRelative, bound);

        public override string ToString() => $"{Bound}: idle ±{IdleRelative:P0}, state power above idle ±{DynamicRelative:P0}, rates ±{RateRelative:P0}";
    }
}
