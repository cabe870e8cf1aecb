using GitOps.EventStore.ReadModels;
using Npgsql;

namespace GitOps.EventStore.Tests.Subscriptions;

/// <summary>
/// A read model with one row per event it was applied to, in <paramref name="table"/>: keyed by event id and
/// unique by stream and version, so applying an event twice fails its append loudly instead of counting it twice.
/// </summary>
internal sealed class EventLedgerReadModel(string table) : SqlReadModel
{
    public override string Name => "event_ledger_" + table.Replace('.', '_');

    public override string SchemaSql => $"""
        CREATE TABLE IF NOT EXISTS {table} (
            event_id uuid PRIMARY KEY,
            stream   text NOT NULL,
            version  bigint NOT NULL,
            position bigint NOT NULL,
            UNIQUE (stream, version)
        )
        """;

    public override string ResetSql => $"TRUNCATE {table}";

    /// <summary>The rows, in the store-wide order of their events.</summary>
    public async Task<List<(Guid EventId, string Stream, long Version, GlobalPosition Position)>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT event_id, stream, version, position FROM {table} ORDER BY position", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(Guid, string, long, GlobalPosition)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), new GlobalPosition(reader.GetInt64(3))));
        }

        return rows;
    }

    protected override void Apply(RecordedEvent recorded, SqlStatements statements) =>
        statements.Add(
            $"INSERT INTO {table} (event_id, stream, version, position) VALUES ($1, $2, $3, $4)",
            recorded.EventId,
            recorded.Stream,
            recorded.Version,
            recorded.Position.Sequence);
}
