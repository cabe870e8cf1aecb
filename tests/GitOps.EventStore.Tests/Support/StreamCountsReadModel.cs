using GitOps.EventStore.ReadModels;
using Npgsql;

namespace GitOps.EventStore.Tests.Support;

/// <summary>
/// A small read model for tests: per stream, the version and store-wide position of its last event, how many
/// events it has and the last one's label, in <paramref name="table"/>. The table refuses the label <see cref="RefusedLabel"/> (a CHECK constraint), so a test
/// can make an append fail in the database after the model's statements for the append's earlier events ran.
/// </summary>
internal sealed class StreamCountsReadModel(string table) : SqlReadModel
{
    public const string RefusedLabel = "refused";

    public string Table { get; } = table;

    public override string Name => "stream_counts_" + Table.Replace('.', '_');

    public override string SchemaSql => $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            stream  text PRIMARY KEY,
            version bigint NOT NULL,
            last_at bigint NOT NULL,
            events  bigint NOT NULL,
            last    text NOT NULL CHECK (last <> '{RefusedLabel}')
        )
        """;

    public override string ResetSql => $"TRUNCATE {Table}";

    /// <summary>The rows, ordered by stream.</summary>
    public async Task<List<StreamCount>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT stream, version, last_at, events, last FROM {Table} ORDER BY stream", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StreamCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StreamCount(reader.GetString(0), reader.GetInt64(1), new GlobalPosition(reader.GetInt64(2)), reader.GetInt64(3), reader.GetString(4)));
        }

        return rows;
    }

    /// <summary>What the table must hold after <paramref name="events"/> (every event of the store, in order).</summary>
    public static List<StreamCount> Expected(IReadOnlyCollection<RecordedEvent> events) =>
        [.. events
            .GroupBy(e => e.Stream, StringComparer.Ordinal)
            .Select(g => g.MaxBy(e => e.Version)!)
            .Select(last => new StreamCount(last.Stream, last.Version, last.Position, events.Count(e => e.Stream == last.Stream), LastOf(last)))
            .OrderBy(r => r.Stream, StringComparer.Ordinal)];

    protected override void Apply(RecordedEvent recorded, SqlStatements statements) =>
        statements.Add(
            $"""
            INSERT INTO {Table} AS t (stream, version, last_at, events, last) VALUES ($1, $2, $3, 1, $4)
            ON CONFLICT (stream) DO UPDATE SET version = excluded.version, last_at = excluded.last_at, events = t.events + 1, last = excluded.last
            """,
            recorded.Stream,
            recorded.Version,
            recorded.Position.Sequence,
            LastOf(recorded));

    private static string LastOf(RecordedEvent recorded) => recorded.Data is GitOps.Core.Events.DriftCorrected drift ? drift.What : recorded.Type;
}
