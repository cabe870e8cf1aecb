using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests;

public sealed class ReadAllTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ReadAllAsync_AfterPosition_ResumesWithoutRepeating()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await MartenEventStore.OpenAsync(TestStore.Options(database.ConnectionString) with { PageSize = 4 }, cancellationToken: cts.Token);
        var before = await TestStore.ToListAsync(store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cts.Token), cts.Token);
        var tail = before.Count == 0 ? GlobalPosition.Start : before[^1].Position;
        for (var i = 0; i < 10; i++)
        {
            await store.AppendAsync("a-" + (i % 3), ExpectedVersion.Any, TestStore.Numbered("e" + i), cts.Token);
        }

        // A live subscription and later reads must deliver the very same events in the very same order.
        var live = await TestStore.TakeAsync(store.SubscribeAsync(tail, cts.Token), 10, cts.Token);
        var all = await TestStore.ToListAsync(store.ReadAllAsync(tail, cancellationToken: cts.Token), cts.Token);
        var firstFive = await TestStore.ToListAsync(store.ReadAllAsync(tail, maxCount: 5, cancellationToken: cts.Token), cts.Token);
        var rest = await TestStore.ToListAsync(store.ReadAllAsync(firstFive[^1].Position, cancellationToken: cts.Token), cts.Token);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => "e" + i), all.Select(TestStore.Label));
        Assert.Equal(live, all);
        Assert.Equal(all, [.. firstFive, .. rest]);
        Assert.Equal(all.Select(e => e.Position).Order(), all.Select(e => e.Position));
    }

    [Fact]
    public async Task SubscribeAsync_UnknownEventType_DeliversRawEventAndGoesOn()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var store = await TestStore.OpenAsync(database, cts.Token);
        var start = await LastPositionAsync(store, cts.Token);
        await using (var connection = await database.OpenConnectionAsync(cts.Token))
        {
            // Written as a newer gitops would: a type this one does not know, and a known type whose data does not fit.
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO gitops.mt_streams (id, version) VALUES ('future', 2);
                INSERT INTO gitops.mt_events (seq_id, id, stream_id, version, type, data, correlation_id, headers)
                VALUES (nextval('gitops.mt_events_sequence'), gen_random_uuid(), 'future', 1, 'SomethingFromTheFuture', '{"x":1}', '00000000-0000-0000-0000-000000000001', '{"actor":"newer"}'),
                       (nextval('gitops.mt_events_sequence'), gen_random_uuid(), 'future', 2, 'DriftCorrected', '{"host":42}', '00000000-0000-0000-0000-000000000001', '{"actor":"newer"}');
                """,
                connection);
            await insert.ExecuteNonQueryAsync(cts.Token);
        }

        await store.AppendAsync("future", ExpectedVersion.Exact(2), TestStore.Numbered("after"), cts.Token);
        var events = await TestStore.TakeAsync(store.SubscribeAsync(start, cts.Token), 3, cts.Token);

        var unknown = Assert.IsType<UnknownEvent>(events[0].Data);
        Assert.Equal(("SomethingFromTheFuture", "{\"x\": 1}"), (unknown.Type, unknown.Json));
        Assert.Equal(("newer", Guid.Parse("00000000-0000-0000-0000-000000000001")), (events[0].Metadata.Actor, events[0].Metadata.CorrelationId));
        var misfit = Assert.IsType<UnknownEvent>(events[1].Data);
        Assert.Equal("DriftCorrected", misfit.Type);
        Assert.Equal("after", TestStore.Label(events[2]));
    }

    private static async Task<GlobalPosition> LastPositionAsync(MartenEventStore store, CancellationToken cancellationToken)
    {
        var position = GlobalPosition.Start;
        await foreach (var recorded in store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cancellationToken))
        {
            position = recorded.Position;
        }

        return position;
    }
}
