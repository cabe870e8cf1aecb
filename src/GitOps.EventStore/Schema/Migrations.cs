namespace GitOps.EventStore.Schema;

/// <summary>
/// The schema of the event store, as an append-only list: a released migration is never edited, a
/// change is a new one. Everything lives in the <c>gitops</c> schema.
/// </summary>
internal static class Migrations
{
    /// <summary>The PostgreSQL schema holding the store's tables.</summary>
    public const string SchemaName = "gitops";

    /// <summary>The channel appends notify on commit; subscriptions listen on it.</summary>
    public const string NotifyChannel = "gitops_events";

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "events, checkpoints, notify trigger", """
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
            """),
    ];

    public static int Latest => All[^1].Version;
}
