using GitOps.Core.Events;

namespace GitOps.EventStore;

/// <summary>
/// An event to append with its metadata. Keep <see cref="EventId"/> when retrying an append: the
/// store adds an event id once, so a retry of an append that did commit adds nothing.
/// </summary>
public sealed record NewEvent
{
    public NewEvent(IEvent data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
    }

    public IEvent Data { get; }

    /// <summary>Unique id of this event; a time-ordered GUID unless given.</summary>
    public Guid EventId { get; init; } = Guid.CreateVersion7();

    /// <summary>Groups the events of one chain of cause and effect; defaults to <see cref="EventId"/> (a new chain).</summary>
    public Guid? CorrelationId { get; init; }

    /// <summary>The id of the event that caused this one, if any.</summary>
    public Guid? CausationId { get; init; }

    /// <summary>Who or what wrote it (user, <c>controller</c>, <c>agent@lb1</c>); defaults to the store's actor.</summary>
    public string? Actor { get; init; }

    /// <summary>The desired-state commit it relates to, if any.</summary>
    public string? Commit { get; init; }
}
