namespace GitOps.EventStore.Errors;

/// <summary>An append reused event ids already stored, but not as the same append (other stream or only some of them).</summary>
public sealed class EventIdConflictException : EventStoreException
{
    public EventIdConflictException(string stream, IReadOnlyList<Guid> eventIds)
        : base($"Append to stream '{stream}' reuses event id(s) {string.Join(", ", eventIds)} already stored by a different append; give new events new ids.")
    {
        Stream = stream;
        EventIds = eventIds;
    }

    public string Stream { get; }

    public IReadOnlyList<Guid> EventIds { get; }
}
