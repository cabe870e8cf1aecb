using GitOps.Core.Events;

namespace GitOps.EventStore;

/// <summary>An event as read back from the store.</summary>
public sealed record RecordedEvent
{
    public required string Stream { get; init; }

    /// <summary>Its place in the stream: 1 for the first event.</summary>
    public required long Version { get; init; }

    public required GlobalPosition Position { get; init; }

    public required Guid EventId { get; init; }

    /// <summary>The stored type name (the record's name, e.g. <c>ContainerStarted</c>).</summary>
    public required string Type { get; init; }

    /// <summary>The event; an <see cref="UnknownEvent"/> when its type is not registered or its data does not fit the type.</summary>
    public required IEvent Data { get; init; }

    public required EventMetadata Metadata { get; init; }

    /// <summary>When it was appended, from the store's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset Timestamp { get; init; }
}
