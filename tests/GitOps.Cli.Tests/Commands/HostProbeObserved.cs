using GitOps.Core.Events;

namespace GitOps.Cli.Tests.Commands;

/// <summary>An input event type the command's store does not know, as a newer writer's would be.</summary>
internal sealed record HostProbeObserved : IEvent
{
    public required string Host { get; init; }
}
