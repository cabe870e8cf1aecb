namespace GitOps.EventStore;

/// <summary>
/// A named position in the store-wide order (e.g. the last input a controller has handled), kept as a Marten
/// document; see <see cref="MartenEventStore.ReadCheckpointAsync"/>.
/// </summary>
public sealed class Checkpoint
{
    public required string Id { get; set; }

    public long Sequence { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
