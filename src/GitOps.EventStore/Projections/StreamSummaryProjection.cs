using Npgsql;

namespace GitOps.EventStore.Projections;

/// <summary>
/// A read model of every stream: its version, event count, last event type and time, in
/// <c>gitops.stream_summary</c> (what <c>gitops status</c> lists). Each batch becomes one upsert.
/// </summary>
public sealed class StreamSummaryProjection(string table = "gitops.stream_summary") : IProjection
{
    public string Name => "stream-summary:" + table;

    public async Task SetupAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            CREATE TABLE IF NOT EXISTS {table} (
                stream      text PRIMARY KEY,
                version     bigint NOT NULL,
                events      bigint NOT NULL,
                last_type   text NOT NULL,
                last_at     timestamptz NOT NULL
            )
            """,
            connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ResetAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var command = new NpgsqlCommand($"TRUNCATE {table}", transaction.Connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(transaction);
        var byStream = events
            .GroupBy(e => e.Stream, StringComparer.Ordinal)
            .Select(g => (Stream: g.Key, Last: g.MaxBy(e => e.Version)!, Count: (long)g.Count()))
            .ToList();
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {table} AS s (stream, version, events, last_type, last_at)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::timestamptz[])
            ON CONFLICT (stream) DO UPDATE SET
                version = excluded.version, events = s.events + excluded.events,
                last_type = excluded.last_type, last_at = excluded.last_at
            """,
            transaction.Connection,
            transaction);
        command.Parameters.Add(new() { Value = byStream.Select(s => s.Stream).ToArray() });
        command.Parameters.Add(new() { Value = byStream.Select(s => s.Last.Version).ToArray() });
        command.Parameters.Add(new() { Value = byStream.Select(s => s.Count).ToArray() });
        command.Parameters.Add(new() { Value = byStream.Select(s => s.Last.Type).ToArray() });
        command.Parameters.Add(new() { Value = byStream.Select(s => s.Last.Timestamp).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
