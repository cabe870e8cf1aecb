using System.Globalization;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Subscriptions;

/// <summary>Scenarios that hold transactions open or restart the server, in a cluster of their own so other classes are not held up.</summary>
public sealed class PrivateClusterSubscriptionTests(PrivatePostgresFixture database) : IClassFixture<PrivatePostgresFixture>
{
    [Fact]
    public async Task SubscribeAsync_TransactionHeldOpenWhileLaterOnesCommit_DeliversItsEventOnceAfterItCommits()
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

        // The slow writer takes its transaction id first, then stalls while others commit after it.
        await using var slow = await database.OpenConnectionAsync(cts.Token);
        await using var transaction = await slow.BeginTransactionAsync(cts.Token);
        var slowId = Guid.NewGuid();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO gitops.events (event_id, stream, version, type, data, metadata, recorded_at)
            VALUES ($1, 'slow', 1, 'DriftCorrected', '{"host":"lb1","what":"slow"}', '{"correlationId":"00000000-0000-0000-0000-000000000001","actor":"slow"}', now())
            """,
            slow,
            transaction))
        {
            insert.Parameters.Add(new() { Value = slowId });
            await insert.ExecuteNonQueryAsync(cts.Token);
        }

        for (var i = 0; i < 10; i++)
        {
            await store.AppendAsync("fast", ExpectedVersion.Any, TestStore.Numbered("fast" + i.ToString(CultureInfo.InvariantCulture)), cts.Token);
        }

        // Nothing at or after the open transaction may be read yet, or a checkpoint would move past the slow event: a
        // read now, the page read the subscription makes too, stops before it. (Had the subscription delivered a fast
        // event meanwhile, the order checked below would show it ahead of the slow one.)
        Assert.Empty(await ReadAfterAsync(store, start, cts.Token));

        await transaction.CommitAsync(cts.Token);
        // One more event after the commit: once it is delivered, whatever the subscription delivers twice came before it.
        await store.AppendAsync("fast", ExpectedVersion.Any, TestStore.Numbered("last"), cts.Token);
        await WaitForAsync(() => { lock (delivered) { return delivered.Any(e => TestStore.Label(e) == "last"); } }, cts.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscriber);

        Assert.Equal(12, delivered.Count);
        Assert.Equal(slowId, delivered[0].EventId);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "fast" + i.ToString(CultureInfo.InvariantCulture)).Append("last"), delivered.Skip(1).Select(TestStore.Label));
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

        await WaitForAsync(() => Volatile.Read(ref written) >= total / 3, cts.Token);
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

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
