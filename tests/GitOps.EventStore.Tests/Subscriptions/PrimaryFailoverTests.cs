using System.Collections.Concurrent;
using System.Globalization;
using GitOps.EventStore.Errors;
using GitOps.EventStore.Local;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Subscriptions;

/// <summary>
/// The store on a primary with a streaming replica, as operators run PostgreSQL: one connection string names both
/// (<c>Host=a,b;Target Session Attributes=read-write</c>). The primary is stopped and the replica promoted while a
/// writer appends and a subscription follows; neither is restarted, no event is lost and none is delivered twice.
/// Two real PostgreSQL servers: the replica is made with <c>pg_basebackup</c> and promoted with <c>pg_ctl promote</c>.
/// </summary>
public sealed class PrimaryFailoverTests
{
    private const int Events = 120;
    private const int FailoverAfter = 40;

    /// <summary>Attempts of one append through the failover (each attempt retries transient failures inside too).</summary>
    private const int AppendAttempts = 30;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task PrimaryStoppedReplicaPromoted_WriterAndSubscriptionGoOnWithoutLossOrRepeat()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var primary = await PostgresCluster.StartNewAsync(cts.Token);
        await primary.CreateDatabaseAsync("store", cts.Token);
        await using var replica = await primary.StartReplicaAsync(cts.Token);
        var both = primary.ConnectionStringWith(replica, "store");
        await using var store = await MartenEventStore.OpenAsync(TestStore.Options(both), cancellationToken: cts.Token);

        var written = Enumerable.Range(0, Events).Select(i => TestStore.Numbered("event " + i.ToString(CultureInfo.InvariantCulture))).ToList();
        var delivered = new ConcurrentQueue<RecordedEvent>();
        var subscription = Task.Run(
            async () =>
            {
                // Stops at the last event, or at twice the count when it repeats some (the assertions then say which).
                await foreach (var recorded in store.SubscribeAsync("agent@lb1", GlobalPosition.Start, cts.Token))
                {
                    delivered.Enqueue(recorded);
                    if (recorded.EventId == written[^1].EventId || delivered.Count >= 2 * Events)
                    {
                        return;
                    }
                }
            },
            cts.Token);

        for (var i = 0; i < Events; i++)
        {
            if (i == FailoverAfter)
            {
                await Poll.UntilAsync(() => delivered.Count == FailoverAfter, "the subscription following the primary", Timeout, cts.Token);
                // A clean stop: the primary sends the replica all of its WAL before it exits, so nothing committed is lost.
                await primary.StopAsync(PostgresStopMode.Fast, cts.Token);
                await replica.PromoteAsync(cts.Token);
            }

            var stream = "failover-" + (i % 3).ToString(CultureInfo.InvariantCulture);
            var expected = ExpectedVersion.Exact(i / 3);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await store.AppendAsync(stream, expected, written[i], cts.Token);
                    break;
                }
                catch (Exception ex) when (StoreOutage.Is(ex) && attempt < AppendAttempts)
                {
                    await store.Retry.DelayAsync(attempt, cts.Token);
                }
            }
        }

        await subscription;
        var stored = await TestStore.ToListAsync(store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cts.Token), cts.Token);
        Assert.Equal(written.Select(e => e.EventId), stored.Select(e => e.EventId));
        Assert.Equal(written.Select(e => e.EventId), delivered.Select(e => e.EventId));
        await using var connection = await store.OpenConnectionAsync(cts.Token);
        Assert.Equal($"{replica.Host}:{replica.Port.ToString(CultureInfo.InvariantCulture)}", $"{connection.Host}:{connection.Port.ToString(CultureInfo.InvariantCulture)}");
        await using var recovery = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
        Assert.False((bool)(await recovery.ExecuteScalarAsync(cts.Token))!, "the store's connection is not on a primary");
    }
}
