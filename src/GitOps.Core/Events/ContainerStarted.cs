using GitOps.Core.Collections;
using GitOps.Core.Discovery;

namespace GitOps.Core.Events;

/// <summary>A container began running on a Docker host.</summary>
public sealed record ContainerStarted : IEvent
{
    public required string Host { get; init; }

    public required string ContainerId { get; init; }

    public required string Name { get; init; }

    public ValueMap Labels { get; init; } = ValueMap.Empty;

    public ContainerHealth Health { get; init; } = ContainerHealth.None;

    public ValueList<ContainerNetwork> Networks { get; init; } = ValueList<ContainerNetwork>.Empty;
}
