namespace GitOps.Core.Events;

/// <summary>A container stopped (or was removed) on a Docker host.</summary>
public sealed record ContainerStopped : IDiscoveryEvent
{
    public required string Host { get; init; }

    public required string ContainerId { get; init; }

    public required string Name { get; init; }
}
