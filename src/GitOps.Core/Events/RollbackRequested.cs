namespace GitOps.Core.Events;

/// <summary>An operator asked to re-apply an earlier rendered configuration on a host.</summary>
public sealed record RollbackRequested : IEvent
{
    public required string Host { get; init; }

    public required long ToVersion { get; init; }

    public required string Actor { get; init; }
}
