using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Testing.Time;

namespace GitOps.Reconciler.Tests.Support;

/// <summary>Reading a stream, and waiting until something shows up on it.</summary>
internal static class StoreEvents
{
    public static async Task<List<RecordedEvent>> ReadAsync(MartenEventStore store, string stream, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        await foreach (var recorded in store.ReadStreamAsync(stream, cancellationToken: cancellationToken))
        {
            events.Add(recorded);
        }

        return events;
    }

    /// <summary>The first event of <paramref name="stream"/> (from position <paramref name="from"/> on) matching <paramref name="match"/>.</summary>
    public static Task<T> WaitForAsync<T>(MartenEventStore store, string stream, Func<T, bool> match, TimeSpan timeout, CancellationToken cancellationToken, int from = 0)
        where T : class, IEvent
    {
        var stored = new List<RecordedEvent>();
        return Poll.UntilAsync(
            async ct =>
            {
                stored = await ReadAsync(store, stream, ct);
                return stored.Skip(from).Select(e => e.Data).OfType<T>().FirstOrDefault(match);
            },
            () => $"no matching {typeof(T).Name} on {stream}. Stored:\n{string.Join('\n', stored.Select(e => e.Data))}",
            timeout,
            cancellationToken);
    }
}
