using GitOps.Core.Collections;
using GitOps.Core.Discovery;

namespace GitOps.Core.Events;

/// <summary>A running container's networks or addresses changed.</summary>
public sealed record ContainerAddressChanged : IDiscoveryEvent
{
    public required string Host { get; init; }

    public required string ContainerId { get; init; }

    public required ValueList<ContainerNetwork> Networks { get; init; }
}
