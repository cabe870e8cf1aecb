using System.Globalization;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.ReadModels;

public sealed class SqlReadModelTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task AppendAsync_ReadModelRegistered_RowsAreThereWhenTheAppendReturns()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var model = new StreamCountsReadModel("public.counts_inline");
        await using var store = await MartenEventStore.OpenAsync(TestStore.Options(database.ConnectionString, model), cancellationToken: cts.Token);
        await using var connection = await database.OpenConnectionAsync(cts.Token);

        await store.AppendAsync("inline-a", ExpectedVersion.NoStream, [TestStore.Numbered("a1"), TestStore.Numbered("a2")], cts.Token);
        var afterFirst = await model.ReadAsync(connection, cts.Token);
        var eventsAfterFirst = await InlineEventsAsync(store, cts.Token);
        await store.AppendAsync("inline-b", ExpectedVersion.NoStream, TestStore.Numbered("b1"), cts.Token);
        await store.AppendAsync("inline-a", ExpectedVersion.Exact(2), TestStore.Numbered("a3"), cts.Token);
        var afterThird = await model.ReadAsync(connection, cts.Token);
        var eventsAfterThird = await InlineEventsAsync(store, cts.Token);

        Assert.Equal([("inline-a", 2L, 2L, "a2")], afterFirst.Select(r => (r.Stream, r.Version, r.Events, r.Last)));
        Assert.Equal([("inline-a", 3L, 3L, "a3"), ("inline-b", 1L, 1L, "b1")], afterThird.Select(r => (r.Stream, r.Version, r.Events, r.Last)));
        // Positions too: the model sees each event's store-wide position as readers later do.
        Assert.Equal(StreamCountsReadModel.Expected(eventsAfterFirst), afterFirst);
        Assert.Equal(StreamCountsReadModel.Expected(eventsAfterThird), afterThird);
    }

    [Fact]
    public async Task AppendAsync_ReadModelStatementFails_StoresNeitherTheEventsNorTheirRows()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var model = new StreamCountsReadModel("public.counts_failing");
        await using var store = await MartenEventStore.OpenAsync(TestStore.Options(database.ConnectionString, model), cancellationToken: cts.Token);
        await using var connection = await database.OpenConnectionAsync(cts.Token);
        await store.AppendAsync("failing-old", ExpectedVersion.NoStream, TestStore.Numbered("kept"), cts.Token);

        // In each append the first event's statement runs and the second's breaks the table's CHECK constraint.
        var onOld = await Assert.ThrowsAnyAsync<Exception>(() => store.AppendAsync("failing-old", ExpectedVersion.Exact(1), [TestStore.Numbered("lost"), TestStore.Numbered(StreamCountsReadModel.RefusedLabel)], cts.Token));
        var onNew = await Assert.ThrowsAnyAsync<Exception>(() => store.AppendAsync("failing-new", ExpectedVersion.NoStream, [TestStore.Numbered("lost"), TestStore.Numbered(StreamCountsReadModel.RefusedLabel)], cts.Token));

        Assert.Equal(PostgresErrorCodes.CheckViolation, PostgresErrorOf(onOld)?.SqlState);
        Assert.Equal(PostgresErrorCodes.CheckViolation, PostgresErrorOf(onNew)?.SqlState);
        Assert.Equal([("failing-old", 1L, 1L, "kept")], (await model.ReadAsync(connection, cts.Token)).Select(r => (r.Stream, r.Version, r.Events, r.Last)));
        Assert.Equal((1L, 0L), (await store.StreamVersionAsync("failing-old", cts.Token), await store.StreamVersionAsync("failing-new", cts.Token)));
        Assert.Equal(["kept"], (await TestStore.ReadEverythingAsync(store, cts.Token)).Where(e => e.Stream.StartsWith("failing-", StringComparison.Ordinal)).Select(TestStore.Label));
    }

    [Fact]
    public async Task RebuildReadModelAsync_TableCorrupted_RebuildsItFromTheFirstEvent()
    {
        using var cts = new CancellationTokenSource(Timeout);
        // A database of its own: the expected rows are computed from every event in it.
        var connectionString = await TestStore.CreateDatabaseAsync(database, cts.Token);
        await using (var withoutModel = await MartenEventStore.OpenAsync(TestStore.Options(connectionString), cancellationToken: cts.Token))
        {
            // Appended before the read model existed: only a rebuild from the first event sees these.
            await withoutModel.AppendAsync("early-1", ExpectedVersion.NoStream, [TestStore.Numbered("e1"), TestStore.Numbered("e2")], cts.Token);
            await withoutModel.AppendAsync("early-2", ExpectedVersion.NoStream, TestStore.Numbered("e3"), cts.Token);
        }

        var model = new StreamCountsReadModel("public.counts_rebuilt");
        await using var store = await MartenEventStore.OpenAsync(TestStore.Options(connectionString, model), cancellationToken: cts.Token);
        // More events than one page of the rebuild (1,000), over streams old and new.
        for (var append = 0; append < 30; append++)
        {
            var stream = append % 5 == 0 ? "early-1" : "live-" + (append % 4).ToString(CultureInfo.InvariantCulture);
            var batch = Enumerable.Range(0, 40).Select(i => TestStore.Numbered($"{append}.{i}")).ToList();
            await store.AppendAsync(stream, ExpectedVersion.Any, batch, cts.Token);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cts.Token);
        await using (var corrupt = new NpgsqlCommand(
            """
            UPDATE public.counts_rebuilt SET events = events + 100, last_at = 1, last = 'wrong' WHERE stream = 'live-1';
            DELETE FROM public.counts_rebuilt WHERE stream = 'live-2';
            INSERT INTO public.counts_rebuilt (stream, version, last_at, events, last) VALUES ('never-written', 7, 7, 7, 'bogus');
            """,
            connection))
        {
            await corrupt.ExecuteNonQueryAsync(cts.Token);
        }

        await store.RebuildReadModelAsync(model.Name, cts.Token);
        var rebuilt = await model.ReadAsync(connection, cts.Token);
        await store.AppendAsync("live-2", ExpectedVersion.Any, TestStore.Numbered("after rebuild"), cts.Token);
        var afterAppend = await model.ReadAsync(connection, cts.Token);
        var events = await TestStore.ReadEverythingAsync(store, cts.Token);

        Assert.Equal(1204, events.Count);
        Assert.Equal(StreamCountsReadModel.Expected(events[..^1]), rebuilt);
        Assert.Equal(["early-1", "early-2", "live-0", "live-1", "live-2", "live-3"], rebuilt.Select(r => r.Stream));
        Assert.Equal(StreamCountsReadModel.Expected(events), afterAppend);
    }

    [Fact]
    public async Task RebuildReadModelAsync_WhileAppendsGoOn_EndsWithEveryEventAppliedOnce()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var connectionString = await TestStore.CreateDatabaseAsync(database, cts.Token);
        var model = new StreamCountsReadModel("public.counts_concurrent");
        await using var store = await MartenEventStore.OpenAsync(TestStore.Options(connectionString, model), cancellationToken: cts.Token);
        for (var append = 0; append < 25; append++)
        {
            await store.AppendAsync("s-" + (append % 3).ToString(CultureInfo.InvariantCulture), ExpectedVersion.Any, Enumerable.Range(0, 100).Select(i => TestStore.Numbered($"{append}.{i}")).ToList(), cts.Token);
        }

        // Appends that start before, during and after the rebuild: each waits for the rebuild's lock or is read by it.
        var appends = Task.Run(
            async () =>
            {
                for (var i = 0; i < 30; i++)
                {
                    await store.AppendAsync("s-" + (i % 4).ToString(CultureInfo.InvariantCulture), ExpectedVersion.Any, TestStore.Numbered("during." + i.ToString(CultureInfo.InvariantCulture)), cts.Token);
                }
            },
            cts.Token);
        await store.RebuildReadModelAsync(model.Name, cts.Token);
        await appends;

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cts.Token);
        var events = await TestStore.ReadEverythingAsync(store, cts.Token);
        Assert.Equal(2530, events.Count);
        Assert.Equal(StreamCountsReadModel.Expected(events), await model.ReadAsync(connection, cts.Token));
    }

    [Fact]
    public async Task RebuildReadModelAsync_UnknownName_ThrowsNamingIt()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => store.RebuildReadModelAsync("no_such_model", cts.Token));

        Assert.StartsWith("No read model named 'no_such_model' is registered with this store.", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<List<RecordedEvent>> InlineEventsAsync(MartenEventStore store, CancellationToken cancellationToken) =>
        [.. (await TestStore.ReadEverythingAsync(store, cancellationToken)).Where(e => e.Stream.StartsWith("inline-", StringComparison.Ordinal))];

    private static PostgresException? PostgresErrorOf(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
            {
                return postgres;
            }
        }

        return null;
    }
}
