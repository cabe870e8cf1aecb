using System.Text.Json;
using GitOps.Core.Events;
using GitOps.EventStore.Serialization;
using Npgsql;

namespace GitOps.Testing.Postgres;

/// <summary>
/// Writes a store the way gitops did before Marten (store format 1): the <c>gitops.events</c> table, its
/// checkpoints and schema version, with the same DDL and the same JSON, for the tests of the import.
/// </summary>
public sealed class LegacyStore(NpgsqlConnection connection)
{
    /// <summary>Migration 1 of the hand-written store and its migrator, verbatim, with its schema_version row.</summary>
    private const string SchemaSql = """
        CREATE SCHEMA gitops;
        CREATE TABLE gitops.schema_version (
            version     integer PRIMARY KEY,
            description text NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE gitops.events (
            position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            -- pg_current_xact_id() of the writing transaction: readers order by it and stop
            -- below the oldest running transaction, so late commits are never skipped.
            transaction_id bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
            event_id       uuid NOT NULL,
            stream         text NOT NULL,
            version        bigint NOT NULL CHECK (version > 0),
            type           text NOT NULL,
            data           jsonb NOT NULL,
            metadata       jsonb NOT NULL,
            recorded_at    timestamptz NOT NULL,
            CONSTRAINT events_stream_version_key UNIQUE (stream, version),
            CONSTRAINT events_event_id_key UNIQUE (event_id)
        );
        CREATE INDEX events_transaction_position_idx ON gitops.events (transaction_id, position);

        CREATE TABLE gitops.checkpoints (
            name           text PRIMARY KEY,
            transaction_id bigint NOT NULL,
            position       bigint NOT NULL,
            updated_at     timestamptz NOT NULL DEFAULT now()
        );

        CREATE FUNCTION gitops.notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('gitops_events', '');
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER events_notify AFTER INSERT ON gitops.events
            FOR EACH STATEMENT EXECUTE FUNCTION gitops.notify_events();

        INSERT INTO gitops.schema_version (version, description) VALUES (1, 'events, checkpoints, notify trigger');
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SchemaSql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Appends one event in its own transaction, as the old store did; returns its version in the stream.</summary>
    public async Task<long> AppendAsync(string stream, IEvent data, DateTimeOffset at, Guid? eventId = null, string actor = "gitops", string? commit = null, Guid? causationId = null, CancellationToken cancellationToken = default)
    {
        var id = eventId ?? Guid.CreateVersion7();
        var metadata = JsonSerializer.Serialize(new { correlationId = id, causationId, actor, commit }, Json);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO gitops.events (event_id, stream, version, type, data, metadata, recorded_at)
            SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4::jsonb, $5::jsonb, $6 FROM gitops.events WHERE stream = $2
            RETURNING version
            """,
            connection);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = stream });
        command.Parameters.Add(new() { Value = EventTypeRegistry.Default.NameOf(data) });
        command.Parameters.Add(new() { Value = EventTypeRegistry.Default.Serialize(data) });
        command.Parameters.Add(new() { Value = metadata });
        command.Parameters.Add(new() { Value = at });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Saves checkpoint <paramref name="name"/> at the store's last event, as the old controller did after a round.</summary>
    public async Task CheckpointAtHeadAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO gitops.checkpoints (name, transaction_id, position) SELECT $1, transaction_id, position FROM gitops.events ORDER BY transaction_id DESC, position DESC LIMIT 1",
            connection);
        command.Parameters.Add(new() { Value = name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
