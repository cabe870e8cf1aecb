using GitOps.Core.Discovery;

namespace GitOps.Core.Events;

/// <summary>A container's HEALTHCHECK status changed.</summary>
public sealed record ContainerHealthChanged : IDiscoveryEvent
{
    public required string Host { get; init; }

    public required string ContainerId { get; init; }

    public required ContainerHealth Health { get; init; }
}
