using System.Text.Json;
using GitOps.EventStore.ReadModels;
using GitOps.EventStore.Serialization;
using Npgsql;

namespace GitOps.EventStore.Legacy;

/// <summary>
/// Imports a store written by gitops before Marten (format 1: the <c>gitops.events</c> table) into Marten,
/// once, at start-up: every event with its id, stream, version, metadata and time, in the order the old
/// readers followed (transaction, then position), then the read models are rebuilt from them and the
/// controllers' checkpoints point at the same events. The old table is kept, renamed <see cref="KeptAs"/>.
/// </summary>
internal sealed class LegacyImport(MartenEventStore store, IReadOnlyList<SqlReadModel> readModels)
{
    public const string KeptAs = "gitops.events_v1";

    private const int PageSize = 1000;

    public async Task RunAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(connection, "gitops.events", cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await MartenEventStore.LockForAppendAsync(transaction, streams: null, cancellationToken).ConfigureAwait(false);
        var after = (TransactionId: 0L, Position: 0L);
        long imported = 0;
        var streams = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = await ReadPageAsync(transaction, after, cancellationToken).ConfigureAwait(false);
            foreach (var run in Runs(page))
            {
                var events = run.Select(e => e.Event).ToList();
                await store.AppendLockedAsync(transaction, run[0].Stream, ExpectedVersion.Exact(run[0].Version - 1), events, cancellationToken).ConfigureAwait(false);
                streams.Add(run[0].Stream);
            }

            imported += page.Count;
            if (page.Count < PageSize)
            {
                break;
            }

            after = (page[^1].TransactionId, page[^1].Position);
        }

        await ExecuteAsync(
            transaction,
            """
            UPDATE gitops.mt_events m SET timestamp = e.recorded_at FROM gitops.events e WHERE m.id = e.event_id;
            """,
            cancellationToken).ConfigureAwait(false);
        // The appends above applied the read models with the import's own time on every event; rebuilt, they read the original times.
        foreach (var readModel in readModels)
        {
            await store.RebuildLockedAsync(transaction, readModel, cancellationToken).ConfigureAwait(false);
        }

        await ImportCheckpointsAsync(transaction, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(transaction, $"ALTER TABLE gitops.events RENAME TO {KeptAs.Split('.')[1]}; DROP TABLE IF EXISTS gitops.checkpoints;", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        EventStoreLog.LegacyImported(store.Logger, imported, streams.Count, KeptAs);
    }

    /// <summary>Consecutive events of one stream: each run is one append.</summary>
    private static IEnumerable<List<LegacyEvent>> Runs(List<LegacyEvent> page)
    {
        var run = new List<LegacyEvent>();
        foreach (var legacy in page)
        {
            if (run.Count > 0 && (run[^1].Stream != legacy.Stream || run[^1].Version + 1 != legacy.Version))
            {
                yield return run;
                run = [];
            }

            run.Add(legacy);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    private async Task<List<LegacyEvent>> ReadPageAsync(NpgsqlTransaction transaction, (long TransactionId, long Position) after, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT transaction_id, position, event_id, stream, version, type, data, metadata FROM gitops.events
            WHERE (transaction_id, position) > ($1, $2) ORDER BY transaction_id, position LIMIT $3
            """,
            transaction.Connection,
            transaction);
        command.Parameters.Add(new() { Value = after.TransactionId });
        command.Parameters.Add(new() { Value = after.Position });
        command.Parameters.Add(new() { Value = PageSize });
        var page = new List<LegacyEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var eventId = reader.GetGuid(2);
            var data = store.Registry.Deserialize(reader.GetString(5), reader.GetString(6));
            var metadata = JsonSerializer.Deserialize<EventMetadata>(reader.GetString(7), EventTypeRegistry.JsonOptions)!;
            page.Add(new LegacyEvent(
                reader.GetInt64(0),
                reader.GetInt64(1),
                eventId,
                reader.GetString(3),
                reader.GetInt64(4),
                new NewEvent(data) { EventId = eventId, CorrelationId = metadata.CorrelationId, CausationId = metadata.CausationId, Actor = metadata.Actor, Commit = metadata.Commit }));
        }

        return page;
    }

    /// <summary>Each old checkpoint becomes a <see cref="Checkpoint"/> at the new sequence number of the last event it covered.</summary>
    private async Task ImportCheckpointsAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(transaction.Connection!, "gitops.checkpoints", cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var checkpoints = new List<Checkpoint>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.name, coalesce((SELECT max(m.seq_id) FROM gitops.events e JOIN gitops.mt_events m ON m.id = e.event_id
                                     WHERE (e.transaction_id, e.position) <= (c.transaction_id, c.position)), 0)
            FROM gitops.checkpoints c
            """,
            transaction.Connection,
            transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                checkpoints.Add(new Checkpoint { Id = reader.GetString(0), Sequence = reader.GetInt64(1), UpdatedAt = store.TimeProvider.GetUtcNow() });
            }
        }

        if (checkpoints.Count > 0)
        {
            await using var session = store.Documents.LightweightSession(Marten.Services.SessionOptions.ForTransaction(transaction, shouldAutoCommit: false));
            session.Store(checkpoints.ToArray());
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
        command.Parameters.Add(new() { Value = table });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, transaction.Connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed record LegacyEvent(long TransactionId, long Position, Guid EventId, string Stream, long Version, NewEvent Event);
}
