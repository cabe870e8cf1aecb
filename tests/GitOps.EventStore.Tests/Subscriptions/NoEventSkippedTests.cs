using System.Collections.Concurrent;
using System.Globalization;
using GitOps.Core.Events;
using GitOps.EventStore.Errors;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Subscriptions;

/// <summary>
/// No event skipped, ever: whatever commits reaches every subscription and the read models exactly once, in one
/// order, however appends interleave, stall, roll back or break with the server. Each test writes a database of
/// its own in a cluster this class owns (the first restarts it).
/// </summary>
public sealed class NoEventSkippedTests(PrivatePostgresFixture database) : IClassFixture<PrivatePostgresFixture>
{
    private const int Writers = 8;
    private const int EventsPerWriter = 40;
    private const int StreamsPerWriter = 3;
    private const int MaxEventsPerAppend = 3;
    private const int MaxHoldMilliseconds = 200;

    /// <summary>Attempts of one append through the restart (a plain append retries inside each attempt too).</summary>
    private const int AppendAttempts = 20;

    private const string Markers = "markers";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task SubscribeAsync_EightWritersHoldingAppendsOpenThroughARestart_DeliverEveryEventOnceInStreamOrder()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ledger = new EventLedgerReadModel("public.event_ledger");
        var options = TestStore.Options(await TestStore.CreateDatabaseAsync(database, cts.Token)) with { ReadModels = [ledger] };
        await using var store = await MartenEventStore.OpenAsync(options, cancellationToken: cts.Token);
        const int total = Writers * EventsPerWriter;
        var ready = TestStore.Numbered("ready");
        var end = TestStore.Numbered("end");
        // A subscription that repeats events stops at twice the count, and the assertions below say what it repeated.
        const int limit = 2 * (total + 2);
        var controller = new ConcurrentQueue<RecordedEvent>();
        var agent = new ConcurrentQueue<RecordedEvent>();
        var subscriptions = Task.WhenAll(
            Task.Run(() => FollowAsync(store.SubscribeAsync("controller", GlobalPosition.Start, cts.Token), controller, end.EventId, limit, cts.Token), cts.Token),
            Task.Run(() => FollowAsync(store.SubscribeAsync("agent@lb1", GlobalPosition.Start, cts.Token), agent, end.EventId, limit, cts.Token), cts.Token));
        await store.AppendAsync(Markers, ExpectedVersion.NoStream, ready, cts.Token);
        await Poll.UntilAsync(
            () => subscriptions.IsCompleted || (controller.Any(e => e.EventId == ready.EventId) && agent.Any(e => e.EventId == ready.EventId)),
            "both subscriptions following before the writers start",
            cancellationToken: cts.Token);
        Assert.False(subscriptions.IsCompleted, "a subscription ended before the writers started");

        var appended = new ConcurrentQueue<NewEvent>();
        var streamVersions = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var committed = 0;
        var interrupted = 0;
        var restartClaimed = 0;
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Holds an append open with its sequence numbers drawn. Once a third of the events are in, one append holds on
        // until the server has restarted under it, so the restart surely breaks an open append and those queued behind it.
        async Task HoldAsync(int milliseconds, CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref committed) >= total / 3 && Interlocked.Exchange(ref restartClaimed, 1) == 0)
            {
                holding.SetResult();
                await restarted.Task.WaitAsync(cancellationToken);
            }
            else
            {
                await Task.Delay(milliseconds, cancellationToken);
            }
        }

        async Task WriteAsync(int writer)
        {
            // Seeded: a writer makes the same choices every run; how the writers interleave is up to the scheduler.
            var random = new Random(writer);
            var versions = new long[StreamsPerWriter];
            for (var sent = 0; sent < EventsPerWriter;)
            {
                var count = Math.Min(random.Next(1, MaxEventsPerAppend + 1), EventsPerWriter - sent);
                var slot = random.Next(StreamsPerWriter);
                var stream = StreamName(writer, slot);
                var expected = ExpectedVersion.Exact(versions[slot]);
                var events = Enumerable.Range(sent, count).Select(i => TestStore.Numbered(Label(writer, i))).ToList();
                var holdFor = random.Next(MaxHoldMilliseconds + 1);
                Func<CancellationToken, Task<AppendResult>> append = random.Next(3) == 0
                    ? ct => store.AppendAsync(stream, expected, events, ct)
                    : ct => AppendInTransactionAsync(
                        store,
                        stream,
                        expected,
                        events,
                        async (transaction, c) =>
                        {
                            await HoldAsync(holdFor, c);
                            await transaction.CommitAsync(c);
                        },
                        ct);
                var result = await AppendThroughOutageAsync(store, append, () => Interlocked.Increment(ref interrupted), cts.Token);

                Assert.Equal(versions[slot] + count, result.Version);
                versions[slot] = result.Version;
                foreach (var newEvent in events)
                {
                    appended.Enqueue(newEvent);
                }

                Interlocked.Add(ref committed, count);
                sent += count;
            }

            for (var slot = 0; slot < StreamsPerWriter; slot++)
            {
                if (versions[slot] > 0)
                {
                    streamVersions[StreamName(writer, slot)] = versions[slot];
                }
            }
        }

        var writers = Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() => WriteAsync(writer), cts.Token)));
        await Task.WhenAny(holding.Task, writers);
        if (!holding.Task.IsCompleted)
        {
            await writers;
            Assert.Fail("Every writer finished before an append was held open across the restart.");
        }

        await database.RestartClusterAsync(cts.Token);
        restarted.SetResult();
        await writers;
        // Appended after every writer is done: a subscription that delivered it has delivered all it ever will before it.
        await store.AppendAsync(Markers, ExpectedVersion.Exact(1), end, cts.Token);
        await subscriptions;

        List<NewEvent> written = [ready, .. appended, end];
        streamVersions[Markers] = 2;
        var stored = await TestStore.ToListAsync(store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cts.Token), cts.Token);
        await using var connection = await store.OpenConnectionAsync(cts.Token);
        var ledgerRows = await ledger.ReadAsync(connection, cts.Token);
        var (events, distinctIds) = await CountEventsAsync(connection, cts.Token);

        Assert.True(Volatile.Read(ref interrupted) > 0, "the restart broke no append, so nothing was retried");
        AssertEveryEventOnceInOrder("controller", [.. controller], written, streamVersions);
        AssertEveryEventOnceInOrder("agent@lb1", [.. agent], written, streamVersions);
        Assert.Equal(stored.Select(e => e.EventId), controller.Select(e => e.EventId));
        Assert.Equal(stored.Select(e => e.EventId), agent.Select(e => e.EventId));
        Assert.Equal(stored.Select(e => (e.EventId, e.Stream, e.Version, e.Position)), ledgerRows);
        Assert.Equal((written.Count, written.Count), (events, distinctIds));
    }

    [Fact]
    public async Task SubscribeAsync_AppendRolledBackBeforeLaterCommits_DeliversTheLaterEventsOnTheirNotification()
    {
        using var cts = new CancellationTokenSource(Timeout);
        // Polling is as good as off: within the wait below only the commits' notifications can wake the subscription.
        var options = TestStore.Options(await TestStore.CreateDatabaseAsync(database, cts.Token)) with { PollInterval = TimeSpan.FromHours(1) };
        await using var store = await MartenEventStore.OpenAsync(options, cancellationToken: cts.Token);
        var first = TestStore.Numbered("first");
        var rolledBack = TestStore.Numbered("rolled back");
        NewEvent[] later = [TestStore.Numbered("later 1"), TestStore.Numbered("later 2"), TestStore.Numbered("later 3")];
        await store.AppendAsync("holes", ExpectedVersion.NoStream, first, cts.Token);
        var delivered = new ConcurrentQueue<RecordedEvent>();
        var subscription = Task.Run(() => FollowAsync(store.SubscribeAsync("agent@lb1", GlobalPosition.Start, cts.Token), delivered, later[^1].EventId, 10, cts.Token), cts.Token);
        await Poll.UntilAsync(() => subscription.IsCompleted || !delivered.IsEmpty, "the subscription delivering the first event", cancellationToken: cts.Token);

        // The rolled-back append draws sequence numbers that no event will ever have.
        await AppendInTransactionAsync(store, "holes", ExpectedVersion.Exact(1), [rolledBack], (transaction, ct) => transaction.RollbackAsync(ct), cts.Token);
        await store.AppendAsync("holes", ExpectedVersion.Exact(1), later[0], cts.Token);
        await store.AppendAsync("holes", ExpectedVersion.Exact(2), later[1], cts.Token);
        await store.AppendAsync("holes", ExpectedVersion.Exact(3), later[2], cts.Token);
        await Poll.UntilAsync(() => subscription.IsCompleted, "the events committed after the rolled-back append, delivered without polling", cancellationToken: cts.Token);
        await subscription;

        var events = delivered.ToList();
        Assert.Equal(["first", "later 1", "later 2", "later 3"], events.Select(TestStore.Label));
        Assert.Equal([1L, 2L, 3L, 4L], events.Select(e => e.Version));
        Assert.True(events[1].Position.Sequence > events[0].Position.Sequence + 1, $"no hole where the rolled-back append drew its number: positions {string.Join(", ", events.Select(e => e.Position))}");
        Assert.Equal(events, await TestStore.ToListAsync(store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cts.Token), cts.Token));
    }

    /// <summary>Collects a subscription's events until it delivers <paramref name="through"/>, or <paramref name="limit"/> events.</summary>
    private static async Task FollowAsync(IAsyncEnumerable<RecordedEvent> subscription, ConcurrentQueue<RecordedEvent> delivered, Guid through, int limit, CancellationToken cancellationToken)
    {
        await foreach (var recorded in subscription.WithCancellation(cancellationToken))
        {
            delivered.Enqueue(recorded);
            if (recorded.EventId == through || delivered.Count >= limit)
            {
                return;
            }
        }
    }

    /// <summary>
    /// An append as <see cref="MartenEventStore.AppendAsync(string, ExpectedVersion, IReadOnlyList{NewEvent}, CancellationToken)"/>
    /// makes it, in a transaction the caller ends (<paramref name="finish"/>: commit, maybe after holding it open, or roll back)
    /// after the append has drawn its sequence numbers.
    /// </summary>
    private static async Task<AppendResult> AppendInTransactionAsync(
        MartenEventStore store,
        string stream,
        ExpectedVersion expected,
        IReadOnlyList<NewEvent> events,
        Func<NpgsqlTransaction, CancellationToken, Task> finish,
        CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await MartenEventStore.LockForAppendAsync(transaction, streams: null, cancellationToken);
        var result = await store.AppendLockedAsync(transaction, stream, expected, events, cancellationToken);
        if (result.Appended)
        {
            await finish(transaction, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Appends as a writer that must not lose its events: an attempt the outage broke is made again with the same
    /// event ids, so one whose commit went through before the connection broke is not stored twice.
    /// </summary>
    private static async Task<AppendResult> AppendThroughOutageAsync(MartenEventStore store, Func<CancellationToken, Task<AppendResult>> append, Action interrupted, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await append(cancellationToken);
            }
            catch (Exception ex) when (StoreOutage.Is(ex) && attempt < AppendAttempts)
            {
                interrupted();
                await store.Retry.DelayAsync(attempt, cancellationToken);
            }
        }
    }

    /// <summary>Every event of the store, and every distinct event id, by the database's own count.</summary>
    private static async Task<(long Events, long DistinctIds)> CountEventsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*), count(DISTINCT id) FROM {MartenEventStore.SchemaName}.mt_events", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>
    /// <paramref name="delivered"/> holds each of <paramref name="written"/> once and nothing else, in strictly increasing
    /// positions, each stream as versions 1 to its last without a gap, and each writer's events in the order it wrote them.
    /// </summary>
    private static void AssertEveryEventOnceInOrder(string subscription, IReadOnlyList<RecordedEvent> delivered, IReadOnlyList<NewEvent> written, IReadOnlyDictionary<string, long> streamVersions)
    {
        var labels = written.ToDictionary(e => e.EventId, e => ((DriftCorrected)e.Data).What);
        var times = delivered.CountBy(e => e.EventId).ToDictionary();
        var missing = written.Where(e => !times.ContainsKey(e.EventId)).Select(e => labels[e.EventId]).ToList();
        var repeated = times.Where(t => t.Value > 1).Select(t => labels.GetValueOrDefault(t.Key, t.Key.ToString())).ToList();
        var unknown = times.Keys.Where(id => !labels.ContainsKey(id)).ToList();
        Assert.True(
            missing.Count == 0 && repeated.Count == 0 && unknown.Count == 0,
            $"{subscription} delivered {delivered.Count} of {written.Count} events; missing [{string.Join(", ", missing)}], repeated [{string.Join(", ", repeated)}], never written [{string.Join(", ", unknown)}]");

        var backwards = delivered.Zip(delivered.Skip(1)).Where(p => p.First.Position >= p.Second.Position).Select(p => $"{p.First.Position} then {p.Second.Position}").ToList();
        Assert.True(backwards.Count == 0, $"{subscription} delivered positions out of order: {string.Join(", ", backwards)}");
        foreach (var (stream, last) in streamVersions)
        {
            var versions = delivered.Where(e => e.Stream == stream).Select(e => e.Version).ToList();
            Assert.True(
                versions.SequenceEqual(Enumerable.Range(1, (int)last).Select(v => (long)v)),
                $"{subscription} delivered stream '{stream}' as versions [{string.Join(", ", versions)}], not 1 to {last}");
        }

        foreach (var writer in delivered.Where(e => e.Stream != Markers).GroupBy(e => TestStore.Label(e).Split('.')[0], StringComparer.Ordinal))
        {
            var order = writer.Select(e => int.Parse(TestStore.Label(e).Split('.')[1], CultureInfo.InvariantCulture)).ToList();
            Assert.True(
                order.SequenceEqual(Enumerable.Range(0, EventsPerWriter)),
                $"{subscription} delivered writer {writer.Key}'s events as [{string.Join(", ", order)}], not in the order written");
        }
    }

    private static string StreamName(int writer, int slot) => string.Create(CultureInfo.InvariantCulture, $"writer{writer}-{slot}");

    private static string Label(int writer, int index) => string.Create(CultureInfo.InvariantCulture, $"{writer}.{index}");
}
