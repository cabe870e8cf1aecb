using System.Runtime.CompilerServices;

namespace GitOps.EventStore.Subscriptions;

/// <summary>
/// Catches up from a position, then follows new commits. Reads are the store-wide pages of
/// <see cref="MartenEventStore.ReadPageAsync"/>, which never return an event behind one already
/// returned, so resuming after the last delivered position neither skips nor repeats. With <c>streams</c>, only
/// those streams' events are read, and only appends to them (or to streams a notification does not name) wake it.
/// </summary>
internal sealed class EventSubscription(MartenEventStore store, string name, IReadOnlySet<string>? streams)
{
    public async IAsyncEnumerable<RecordedEvent> ReadAsync(GlobalPosition after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var wakeup = store.StartWakeup(streams);
        var position = after;
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<RecordedEvent> page;
            try
            {
                await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                page = await store.ReadPageAsync(connection, position, store.Options.PageSize, streams, cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception ex) when (TransientRetry.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                // A subscription outlives outages: it waits for the database however long it takes.
                failures++;
                EventStoreLog.SubscriptionInterrupted(store.Logger, name, position, (long)store.Retry.DelayFor(failures).TotalMilliseconds, ErrorText.OneLine(ex));
                await store.Retry.DelayAsync(failures, cancellationToken).ConfigureAwait(false);
                continue;
            }

            foreach (var recorded in page)
            {
                position = recorded.Position;
                yield return recorded;
            }

            if (page.Count < store.Options.PageSize)
            {
                await wakeup.WaitAsync(store.Options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
