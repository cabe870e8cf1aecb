using GitOps.Core.Events;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Legacy;

public sealed class LegacyImportTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Old events in the order of their positions. Old readers followed (transaction id, position): the event at
    /// position 3 was written by a transaction younger than the one that wrote position 4, so it comes after it.
    /// </summary>
    private static readonly LegacyRow[] Rows =
    [
        new(1, 1000, Guid.Parse("a0000000-0000-0000-0000-000000000001"), "desired", 1, "DesiredStateObserved",
            """{"commit":"c1","parents":[],"author":"Ann","message":"add web","services":["web"]}""",
            """{"correlationId":"a0000000-0000-0000-0000-000000000001","actor":"git-watcher","commit":"c1"}""",
            new DateTimeOffset(2024, 5, 1, 10, 0, 1, TimeSpan.Zero)),
        new(2, 1000, Guid.Parse("a0000000-0000-0000-0000-000000000002"), "config-lb1", 1, "DriftCorrected",
            """{"host":"lb1","what":"server web/s1 address"}""",
            """{"correlationId":"a0000000-0000-0000-0000-000000000001","causationId":"a0000000-0000-0000-0000-000000000001","actor":"controller","commit":"c1"}""",
            new DateTimeOffset(2024, 5, 1, 10, 0, 2, 250, TimeSpan.Zero)),
        new(3, 1002, Guid.Parse("a0000000-0000-0000-0000-000000000003"), "config-lb1", 2, "AgentStarted",
            """{"host":"lb1"}""",
            """{"correlationId":"a0000000-0000-0000-0000-000000000003","actor":"agent"}""",
            new DateTimeOffset(2024, 5, 1, 10, 0, 4, TimeSpan.Zero)),
        new(4, 1001, Guid.Parse("a0000000-0000-0000-0000-000000000004"), "desired", 2, "DesiredStateRejected",
            """{"commit":"c2","errors":["services/web.yaml:3:7: error GITOPS001: bad"]}""",
            """{"correlationId":"a0000000-0000-0000-0000-000000000004","actor":"git-watcher","commit":"c2"}""",
            new DateTimeOffset(2024, 5, 1, 10, 0, 3, TimeSpan.Zero)),
        new(5, 1003, Guid.Parse("a0000000-0000-0000-0000-000000000005"), "config-lb1", 3, "DriftCorrected",
            """{"host":"lb1","what":"maxconn"}""",
            """{"correlationId":"a0000000-0000-0000-0000-000000000003","causationId":"a0000000-0000-0000-0000-000000000003","actor":"agent"}""",
            new DateTimeOffset(2024, 5, 1, 10, 0, 5, TimeSpan.Zero)),
    ];

    /// <summary>The order old readers followed: (transaction id, position).</summary>
    private static readonly int[] ReadOrder = [1, 2, 4, 3, 5];

    [Fact]
    public async Task OpenAsync_FormatOneStore_ImportsEveryEventWithItsMetadataAndCheckpointsOnce()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var connectionString = await TestStore.CreateDatabaseAsync(database, cts.Token);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cts.Token);
        await WriteFormatOneStoreAsync(connection, cts.Token);
        // The checkpoint covers the events at positions 1, 2 and 4 (transactions up to 1001), not the one at position 3.
        await ExecuteAsync(connection, "INSERT INTO gitops.checkpoints (name, transaction_id, position) VALUES ('controller:x', 1001, 4)", cts.Token);
        var model = new StreamCountsReadModel("public.counts_imported");

        List<RecordedEvent> imported;
        List<StreamCount> counts;
        GlobalPosition checkpoint;
        await using (var store = await MartenEventStore.OpenAsync(TestStore.Options(connectionString, model), cancellationToken: cts.Token))
        {
            imported = await TestStore.ReadEverythingAsync(store, cts.Token);
            counts = await model.ReadAsync(connection, cts.Token);
            checkpoint = await store.ReadCheckpointAsync("controller:x", cts.Token);
            await store.AppendAsync("desired", ExpectedVersion.Exact(2), TestStore.Numbered("after the import"), cts.Token);
        }

        var tables = await ScalarAsync<string>(connection, "SELECT concat_ws(',', to_regclass('gitops.events'), to_regclass('gitops.events_v1'), to_regclass('gitops.checkpoints'))", cts.Token);
        var kept = await ScalarAsync<long>(connection, "SELECT count(*) FROM gitops.events_v1", cts.Token);
        await using var reopened = await MartenEventStore.OpenAsync(TestStore.Options(connectionString, model), cancellationToken: cts.Token);
        var afterReopen = await TestStore.ReadEverythingAsync(reopened, cts.Token);

        Assert.Equal(ReadOrder.Select(p => Rows[p - 1].EventId), imported.Select(e => e.EventId));
        Assert.All(imported, e => AssertImported(Rows.Single(r => r.EventId == e.EventId), e));
        Assert.Equal(imported.Select(e => e.Position).Order(), imported.Select(e => e.Position));
        Assert.Equal(imported.Single(e => e.EventId == Rows[3].EventId).Position, checkpoint);
        Assert.Equal("gitops.events_v1", tables);
        Assert.Equal(5L, kept);
        Assert.Equal([("config-lb1", 3L, 3L, "maxconn"), ("desired", 2L, 2L, "DesiredStateRejected")], counts.Select(r => (r.Stream, r.Version, r.Events, r.Last)));
        Assert.Equal(StreamCountsReadModel.Expected(imported), counts);
        Assert.Equal([.. imported.Select(e => e.EventId), afterReopen[^1].EventId], afterReopen.Select(e => e.EventId));
        Assert.Equal(imported, afterReopen.SkipLast(1));
        Assert.Equal(("desired", 3L, "after the import"), (afterReopen[^1].Stream, afterReopen[^1].Version, TestStore.Label(afterReopen[^1])));
        Assert.Equal(checkpoint, await reopened.ReadCheckpointAsync("controller:x", cts.Token));
        var versions = await ScalarAsync<int[]>(connection, "SELECT array_agg(version ORDER BY version) FROM gitops.schema_version", cts.Token);
        Assert.Equal([1, 2], versions);
    }

    private static void AssertImported(LegacyRow row, RecordedEvent recorded)
    {
        var registry = Serialization.EventTypeRegistry.Default;
        Assert.Equal((row.Stream, row.Version, row.Type), (recorded.Stream, recorded.Version, recorded.Type));
        Assert.IsNotType<UnknownEvent>(recorded.Data);
        Assert.Equal(registry.Deserialize(row.Type, row.Data), recorded.Data);
        Assert.Equal(row.RecordedAt, recorded.Timestamp);
        var metadata = System.Text.Json.JsonSerializer.Deserialize<OldMetadata>(row.Metadata, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Equal(new EventMetadata { CorrelationId = metadata.CorrelationId, CausationId = metadata.CausationId, Actor = metadata.Actor, Commit = metadata.Commit }, recorded.Metadata);
    }

    private static async Task WriteFormatOneStoreAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await new LegacyStore(connection).CreateAsync(cancellationToken);
        foreach (var row in Rows)
        {
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO gitops.events (transaction_id, event_id, stream, version, type, data, metadata, recorded_at)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)
                """,
                connection);
            foreach (var value in new object[] { row.TransactionId, row.EventId, row.Stream, row.Version, row.Type, row.Data, row.Metadata, row.RecordedAt })
            {
                insert.Parameters.Add(new() { Value = value });
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var positions = await ScalarAsync<long[]>(connection, "SELECT array_agg(position ORDER BY position) FROM gitops.events", cancellationToken);
        Assert.Equal(Rows.Select(r => r.Position), positions);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private sealed record LegacyRow(long Position, long TransactionId, Guid EventId, string Stream, long Version, string Type, string Data, string Metadata, DateTimeOffset RecordedAt);

    /// <summary>The metadata column of format 1, camel case.</summary>
    private sealed record OldMetadata(Guid CorrelationId, Guid? CausationId, string Actor, string? Commit);
}
