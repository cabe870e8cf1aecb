using System.Globalization;
using GitOps.EventStore.Projections;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Projections;

public sealed class ProjectionRunnerTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>How often <see cref="ProjectionRunner.CatchUpAsync"/> looks again for events still hidden.</summary>
    private static readonly TimeSpan CatchUpPoll = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task RebuildAsync_AfterLiveRunWithFailingBatch_EqualsLiveReadModel()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await MartenEventStore.OpenAsync(TestStore.Options(database.ConnectionString) with { PageSize = 50 }, cancellationToken: cts.Token);
        var projection = new FlakyProjection(new StreamSummaryProjection("public.summary_live"), failOnBatch: 3);
        var runner = new ProjectionRunner(store, projection);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var live = Task.Run(() => runner.RunAsync(stop.Token), stop.Token);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await store.AppendAsync("p-" + ((w + i) % 7).ToString(CultureInfo.InvariantCulture), ExpectedVersion.Any, [TestStore.Numbered("x"), TestStore.Numbered("y")], cts.Token);
                }
            },
            cts.Token)));
        var end = await LastPositionAsync(store, expectedEvents: 800, cts.Token);
        while (await runner.CheckpointAsync(cts.Token) < end)
        {
            await Task.Delay(50, cts.Token);
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => live);
        var liveModel = await SnapshotAsync("public.summary_live", cts.Token);

        var rebuilt = await runner.RebuildAsync(cts.Token);
        var rebuiltModel = await SnapshotAsync("public.summary_live", cts.Token);

        Assert.True(projection.Failures == 1, "the third batch fails once and is retried");
        Assert.Equal(end, rebuilt);
        Assert.Equal(7, liveModel.Count);
        Assert.Equal(800L, liveModel.Sum(r => r.Events));
        Assert.All(liveModel, r => Assert.Equal(r.Version, r.Events));
        Assert.Equal(liveModel, rebuiltModel);
    }

    [Fact]
    public async Task CatchUpAsync_SecondRunner_StartsFromStoredCheckpoint()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var projection = new StreamSummaryProjection("public.summary_resume");
        await store.AppendAsync("resume", ExpectedVersion.Any, [TestStore.Numbered("a"), TestStore.Numbered("b")], cts.Token);
        var first = await new ProjectionRunner(store, projection).CatchUpAsync(cts.Token);
        await store.AppendAsync("resume", ExpectedVersion.Any, TestStore.Numbered("c"), cts.Token);

        var second = await new ProjectionRunner(store, projection).CatchUpAsync(cts.Token);
        var model = await SnapshotAsync("public.summary_resume", cts.Token);

        Assert.True(second > first);
        Assert.Contains(new Row("resume", 3, 3), model);
    }

    [Fact]
    public async Task CatchUpAsync_EventHiddenByAnOlderOpenTransaction_WaitsUntilItIsVisible()
    {
        using var cts = new CancellationTokenSource(Timeout);
        // The store's clock is one the test steps: the catch-up looks for the hidden event a counted number of times.
        var clock = new SteppedClock();
        await using var store = await TestStore.OpenAsync(database, cts.Token, clock);
        var projection = new StreamSummaryProjection("public.summary_hidden");
        await using var older = await database.OpenConnectionAsync(cts.Token);
        await using var transaction = await older.BeginTransactionAsync(cts.Token);
        await using (var takeId = new NpgsqlCommand("SELECT pg_current_xact_id()", older, transaction))
        {
            await takeId.ExecuteScalarAsync(cts.Token);
        }

        var appended = await store.AppendAsync("hidden", ExpectedVersion.NoStream, TestStore.Numbered("late"), cts.Token);
        var catchUp = new ProjectionRunner(store, projection).CatchUpAsync(cts.Token);
        for (var looks = 1; looks <= 5; looks++)
        {
            // It looked, did not find the event, and waits to look again.
            await clock.WaitUntilCreatedAsync(CatchUpPoll, looks, cts.Token);
            Assert.False(catchUp.IsCompleted, $"the catch-up returned after {looks} looks while the event was still hidden");
            clock.Advance(CatchUpPoll);
        }

        await clock.WaitUntilCreatedAsync(CatchUpPoll, 6, cts.Token);
        var doneWhileHidden = catchUp.IsCompleted;
        await transaction.RollbackAsync(cts.Token);
        await clock.AdvanceUntilDoneAsync(catchUp, CatchUpPoll, maxSteps: 100, cts.Token);
        var model = await SnapshotAsync("public.summary_hidden", cts.Token);

        Assert.False(doneWhileHidden, "the catch-up returned while the event was still hidden");
        Assert.Equal(1, appended.Version);
        Assert.Contains(new Row("hidden", 1, 1), model);
    }

    private async Task<List<Row>> SnapshotAsync(string table, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT stream, version, events FROM {table} ORDER BY stream", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<Row>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Row(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return rows;
    }

    /// <summary>
    /// The position of the last of <paramref name="expectedEvents"/> events. Reads stop below the
    /// cluster-wide snapshot horizon, which a transaction held open by another test class in the
    /// same cluster can hold back for a while, so wait until every event is visible.
    /// </summary>
    private static async Task<GlobalPosition> LastPositionAsync(MartenEventStore store, int expectedEvents, CancellationToken cancellationToken)
    {
        while (true)
        {
            var position = GlobalPosition.Start;
            var count = 0;
            await foreach (var recorded in store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cancellationToken))
            {
                position = recorded.Position;
                count++;
            }

            if (count >= expectedEvents)
            {
                return position;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private sealed record Row(string Stream, long Version, long Events);

    /// <summary>Fails one batch after applying it to the read model, to prove the checkpoint rolls back with it.</summary>
    private sealed class FlakyProjection(IProjection inner, int failOnBatch) : IProjection
    {
        private int batches;

        public int Failures { get; private set; }

        public string Name => inner.Name;

        public Task SetupAsync(NpgsqlConnection connection, CancellationToken cancellationToken) => inner.SetupAsync(connection, cancellationToken);

        public Task ResetAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken) => inner.ResetAsync(transaction, cancellationToken);

        public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        {
            await inner.ApplyAsync(events, transaction, cancellationToken);
            if (++batches == failOnBatch)
            {
                Failures++;
                throw new InvalidOperationException("injected failure after the read model was written");
            }
        }
    }
}
