using GitOps.Core.Collections;
using GitOps.Core.Discovery;

namespace GitOps.Core.Events;

/// <summary>A full listing of a Docker host's containers replaced whatever was known before (start-up, reconnect).</summary>
public sealed record DiscoveryResynced : IDiscoveryEvent
{
    public required string Host { get; init; }

    public required ValueList<ObservedContainer> Snapshot { get; init; }
}
