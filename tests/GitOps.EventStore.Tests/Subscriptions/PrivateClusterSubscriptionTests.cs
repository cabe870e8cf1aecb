using System.Globalization;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Subscriptions;

/// <summary>Scenarios that hold transactions open or restart the server, in a cluster of their own so other classes are not held up.</summary>
public sealed class PrivateClusterSubscriptionTests(PrivatePostgresFixture database) : IClassFixture<PrivatePostgresFixture>
{
    [Fact]
    public async Task SubscribeAsync_AppendHeldOpenWhileLaterOnesWait_DeliversItsEventFirstAndOnce()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var start = await TailAsync(store, cts.Token);
        var delivered = new List<RecordedEvent>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var subscriber = Task.Run(
            async () =>
            {
                await foreach (var recorded in store.SubscribeAsync(start, stop.Token))
                {
                    lock (delivered)
                    {
                        delivered.Add(recorded);
                    }
                }
            },
            stop.Token);

        // The slow writer is an append that has drawn its sequence number and stalls before it commits.
        await using var slow = await database.OpenConnectionAsync(cts.Token);
        await using var transaction = await slow.BeginTransactionAsync(cts.Token);
        var slowEvent = TestStore.Numbered("slow");
        await MartenEventStore.LockForAppendAsync(transaction, streams: null, cts.Token);
        await store.AppendLockedAsync(transaction, "slow", ExpectedVersion.NoStream, [slowEvent], cts.Token);
        var fast = Task.Run(
            async () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    await store.AppendAsync("fast", ExpectedVersion.Any, TestStore.Numbered("fast" + i.ToString(CultureInfo.InvariantCulture)), cts.Token);
                }
            },
            cts.Token);

        // Until then nothing after the slow event's number may become readable, or a reader (and a checkpoint) would
        // move past it: the fast appends wait for the slow one's append lock. (Had they committed around it, the fast
        // task would be done, a read would return their events, and the order checked below would have them first.)
        await Poll.UntilAsync(async ct => fast.IsCompleted || await AdvisoryLockWaitersAsync(ct) > 0, "a fast append waiting for the append lock, or all of them done", cancellationToken: cts.Token);
        Assert.False(fast.IsCompleted, "the fast appends committed while an earlier append was still open");
        Assert.Empty(await ReadAfterAsync(store, start, cts.Token));

        await transaction.CommitAsync(cts.Token);
        await fast;
        // One more event after the rest: once it is delivered, whatever the subscription delivers twice came before it.
        await store.AppendAsync("fast", ExpectedVersion.Any, TestStore.Numbered("last"), cts.Token);
        await Poll.UntilAsync(() => { lock (delivered) { return delivered.Any(e => TestStore.Label(e) == "last"); } }, "the last event delivered", cancellationToken: cts.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscriber);

        Assert.Equal(12, delivered.Count);
        Assert.Equal(slowEvent.EventId, delivered[0].EventId);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "fast" + i.ToString(CultureInfo.InvariantCulture)).Append("last"), delivered.Skip(1).Select(TestStore.Label));
        Assert.Equal(delivered, await ReadAfterAsync(store, start, cts.Token));
    }

    [Fact]
    public async Task SubscribeAsync_DatabaseRestartedWhileWriting_ResumesWithNothingLostOrRepeated()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var start = await TailAsync(store, cts.Token);
        const int total = 600;
        var subscriber = Task.Run(() => TestStore.TakeAsync(store.SubscribeAsync("restart", start, cts.Token), total, cts.Token), cts.Token);
        var written = 0;
        var writer = Task.Run(
            async () =>
            {
                for (var i = 0; i < total; i++)
                {
                    // Appends retry transient failures themselves; one whose commit was lost with the
                    // connection is retried with the same event id and so stored once.
                    await store.AppendAsync("restart-" + (i % 4).ToString(CultureInfo.InvariantCulture), ExpectedVersion.Any, TestStore.Numbered(i.ToString(CultureInfo.InvariantCulture)), cts.Token);
                    Interlocked.Increment(ref written);
                    await Task.Delay(5, cts.Token);
                }
            },
            cts.Token);

        await Poll.UntilAsync(() => Volatile.Read(ref written) >= total / 3, "a third of the events written", cancellationToken: cts.Token);
        await database.RestartClusterAsync(cts.Token);
        await writer;
        var delivered = await subscriber;

        Assert.Equal(Enumerable.Range(0, total).Select(i => i.ToString(CultureInfo.InvariantCulture)), delivered.Select(TestStore.Label));
        Assert.Equal(total, delivered.Select(e => e.EventId).Distinct().Count());
    }

    private static async Task<GlobalPosition> TailAsync(MartenEventStore store, CancellationToken cancellationToken) =>
        (await ReadAfterAsync(store, GlobalPosition.Start, cancellationToken)).LastOrDefault()?.Position ?? GlobalPosition.Start;

    private static async Task<List<RecordedEvent>> ReadAfterAsync(MartenEventStore store, GlobalPosition after, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        await foreach (var recorded in store.ReadAllAsync(after, cancellationToken: cancellationToken))
        {
            events.Add(recorded);
        }

        return events;
    }

    /// <summary>Sessions of this database waiting for an advisory lock (the append lock).</summary>
    private async Task<long> AdvisoryLockWaitersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
