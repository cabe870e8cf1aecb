using GitOps.Core.Events;
using GitOps.EventStore;

namespace GitOps.Reconciler.Tests.Support;

/// <summary>Reading a stream until something shows up, bounded in time.</summary>
internal static class StoreEvents
{
    public static async Task<List<RecordedEvent>> ReadAsync(PostgresEventStore store, string stream, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        await foreach (var recorded in store.ReadStreamAsync(stream, cancellationToken: cancellationToken))
        {
            events.Add(recorded);
        }

        return events;
    }

    /// <summary>The first event of <paramref name="stream"/> (from position <paramref name="from"/> on) matching <paramref name="match"/>.</summary>
    public static async Task<T> WaitForAsync<T>(PostgresEventStore store, string stream, Func<T, bool> match, TimeSpan timeout, CancellationToken cancellationToken, int from = 0)
        where T : IEvent
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var events = await ReadAsync(store, stream, cancellationToken);
            if (events.Skip(from).Select(e => e.Data).OfType<T>().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No matching {typeof(T).Name} on {stream} within {timeout.TotalSeconds:0} s. Stored:\n{string.Join('\n', events.Select(e => e.Data))}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
