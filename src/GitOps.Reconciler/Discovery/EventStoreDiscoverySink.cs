using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.EventStore;

namespace GitOps.Reconciler.Discovery;

/// <summary>
/// Stores what the discovery watcher of one host sees: each <see cref="IDiscoveryEvent"/> is appended, as it is,
/// to <see cref="StreamNames.Docker"/> of its host (no expected version: the watcher is the stream's only
/// writer, and the order of its calls is the order of the stream).
/// <para>
/// A failed append is thrown, so the watcher starts over with a full <see cref="DiscoveryResynced"/>; nothing is
/// retried here beyond the store's own retries, which keep the event id. When the watcher's next event equals the
/// one that failed (the same resync published again after an outage) it gets the failed attempt's event id, so an
/// append that did commit before its answer was lost is not stored twice.
/// </para>
/// </summary>
public sealed class EventStoreDiscoverySink : IDiscoverySink
{
    private readonly MartenEventStore store;
    private readonly string? actor;
    private (IDiscoveryEvent Event, Guid EventId)? failed;
    private long appended;

    /// <param name="store">The event store.</param>
    /// <param name="actor">Who the events are stored as (e.g. <c>agent@lb1</c>); null: the store's actor.</param>
    public EventStoreDiscoverySink(MartenEventStore store, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.store = store;
        this.actor = actor;
    }

    /// <summary>Events stored so far (retries of an append that had committed not counted).</summary>
    public long Appended => Interlocked.Read(ref appended);

    /// <summary>Appends <paramref name="discoveryEvent"/> to its host's docker stream.</summary>
    /// <exception cref="GitOps.EventStore.Errors.EventStoreException">The store refused or could not be reached; the watcher resyncs.</exception>
    public async Task PublishAsync(IDiscoveryEvent discoveryEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(discoveryEvent);
        var eventId = failed is { } previous && previous.Event.Equals(discoveryEvent) ? previous.EventId : Guid.CreateVersion7();
        var newEvent = new NewEvent(discoveryEvent) { EventId = eventId, Actor = actor };
        try
        {
            var result = await store.AppendAsync(StreamNames.Docker(discoveryEvent.Host), ExpectedVersion.Any, newEvent, cancellationToken).ConfigureAwait(false);
            failed = null;
            if (result.Appended)
            {
                Interlocked.Increment(ref appended);
            }
        }
        catch
        {
            failed = (discoveryEvent, eventId);
            throw;
        }
    }
}
