using GitOps.Core.Collections;
using GitOps.Core.Discovery;

namespace GitOps.Core.Events;

/// <summary>A container began running on a Docker host.</summary>
public sealed record ContainerStarted : IDiscoveryEvent
{
    public required string Host { get; init; }

    public required string ContainerId { get; init; }

    public required string Name { get; init; }

    public ValueMap Labels { get; init; } = ValueMap.Empty;

    public ContainerHealth Health { get; init; } = ContainerHealth.None;

    public ValueList<ContainerNetwork> Networks { get; init; } = ValueList<ContainerNetwork>.Empty;

    /// <summary>The event for a running <paramref name="container"/> seen on <paramref name="host"/>.</summary>
    public static ContainerStarted From(string host, ObservedContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        return new()
        {
            Host = host,
            ContainerId = container.Id,
            Name = container.Name,
            Labels = container.Labels,
            Health = container.Health,
            Networks = container.Networks,
        };
    }

    /// <summary>The container as observed: running, with this event's labels, health and networks.</summary>
    public ObservedContainer ToObservedContainer() => new()
    {
        Id = ContainerId,
        Name = Name,
        Labels = Labels,
        State = ObservedContainer.RunningState,
        Health = Health,
        Networks = Networks,
    };
}
