using System;
using PowerTrace.Core.Synthesis;

namespace PowerTrace.Core.Planning
{
    /// <summary>
    /// One phase of a campus buildout: from <see cref="StartUtc"/> on, <see cref="Servers"/> more servers (or enough for
    /// <see cref="NameplateMW"/> of TDP-sized facility load) running <see cref="Model"/>. Phases add up: servers stay in
    /// service once built.
    /// </summary>
    public sealed class BuildoutPhase
    {
        /// <param name="startUtc">When the phase's servers enter service (UTC).</param>
        /// <param name="model">Power model of the phase's servers.</param>
        /// <param name="servers">Servers added (0 when <paramref name="nameplateMW"/> is given).</param>
        /// <param name="nameplateMW">Facility MW by TDP sizing the phase adds, instead of a server count (NaN when not used):
        /// servers = floor(MW · 10⁶ / (PUE · (model nameplate W + non-GPU W))).</param>
        /// <param name="name">Label in results and the report (default "phase k").</param>
        /// <param name="gpu">GPU type the phase is bought with, from the GPU catalog (optional): the model must be for that GPU and its
        /// weights must fit the GPU's memory at the model's tensor-parallel degree.</param>
        public BuildoutPhase(DateTime startUtc, IServerPowerModel model, int servers = 0, double nameplateMW = double.NaN, string? name = null, string? gpu = null)
        {
            StartUtc = startUtc.Kind == DateTimeKind.Local ? startUtc.ToUniversalTime() : DateTime.SpecifyKind(startUtc, DateTimeKind.Utc);
            Model = model;
            Servers = servers;
            NameplateMW = nameplateMW;
            Name = name;
            Gpu = gpu;
        }

        /// <summary>When the phase's servers enter service (UTC).</summary>
        public DateTime StartUtc { get; }

        /// <summary>Power model of the phase's servers.</summary>
        public IServerPowerModel Model { get; }

        /// <summary>Servers added as given (0 when the phase was given in MW).</summary>
        public int Servers { get; }

        /// <summary>Facility MW by TDP sizing as given (NaN when the phase was given in servers).</summary>
        public double NameplateMW { get; }

        /// <summary>Label; null means "phase k".</summary>
        public string? Name { get; }

        /// <summary>GPU type the phase is bought with (catalog name), or null.</summary>
        public string? Gpu { get; }

        public override string ToString()
            => $"{Name ?? "phase"} from {StartUtc:yyyy-MM-dd}: " + (Servers > 0 ? $"{Servers} servers" : $"{NameplateMW:0.###} MW") + $", {Model}";
    }
}
