using System.Collections.Immutable;
using GitOps.Core.Events;

namespace GitOps.Core.Discovery;

/// <summary>
/// The running containers of one Docker host as a reader of its discovery events knows them, by id:
/// the fold of <see cref="IDiscoveryEvent"/>s, in the order they were published. Immutable; each
/// <see cref="Apply"/> returns the next state.
/// </summary>
public sealed class ObservedContainers
{
    private ObservedContainers(ImmutableDictionary<string, ObservedContainer> byId)
    {
        ById = byId;
    }

    public static ObservedContainers Empty { get; } = new(ImmutableDictionary.Create<string, ObservedContainer>(StringComparer.Ordinal));

    /// <summary>The state that knows exactly <paramref name="containers"/> (a snapshot of an earlier state's <see cref="ById"/> values).</summary>
    public static ObservedContainers Of(IEnumerable<ObservedContainer> containers) =>
        new(containers.ToImmutableDictionary(c => c.Id, StringComparer.Ordinal));

    /// <summary>The running containers by full id.</summary>
    public ImmutableDictionary<string, ObservedContainer> ById { get; }

    /// <summary>
    /// The state after <paramref name="discoveryEvent"/>: a resync replaces everything, a start adds, a stop
    /// removes, health and address changes update the known container (and are ignored for an unknown one).
    /// </summary>
    public ObservedContainers Apply(IDiscoveryEvent discoveryEvent)
    {
        ArgumentNullException.ThrowIfNull(discoveryEvent);
        return discoveryEvent switch
        {
            DiscoveryResynced resynced => new(resynced.Snapshot.Where(c => c.IsRunning).ToImmutableDictionary(c => c.Id, StringComparer.Ordinal)),
            ContainerStarted started => new(ById.SetItem(started.ContainerId, started.ToObservedContainer())),
            ContainerStopped stopped => new(ById.Remove(stopped.ContainerId)),
            ContainerHealthChanged health when ById.TryGetValue(health.ContainerId, out var known) => new(ById.SetItem(known.Id, known with { Health = health.Health })),
            ContainerAddressChanged address when ById.TryGetValue(address.ContainerId, out var known) => new(ById.SetItem(known.Id, known with { Networks = address.Networks })),
            _ => this,
        };
    }
}
