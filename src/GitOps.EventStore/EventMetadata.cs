namespace GitOps.EventStore;

/// <summary>The metadata stored beside every event's data.</summary>
public sealed record EventMetadata
{
    public required Guid CorrelationId { get; init; }

    public Guid? CausationId { get; init; }

    public required string Actor { get; init; }

    public string? Commit { get; init; }
}
