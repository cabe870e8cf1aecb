using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace GitOps.Reconciler.ReadModels;

/// <summary>
/// The read models of <c>gitops history</c> and <c>gitops status</c>, kept in the store's database:
/// <c>gitops.rm_commits</c> (every desired-state commit, accepted or rejected), <c>gitops.rm_history</c>
/// (every rendered configuration per host with how it was applied) and <c>gitops.rm_hosts</c> (per host:
/// desired vs applied version, last error, rollback pin) with <c>gitops.rm_rollbacks</c> (who asked for which
/// rollback, so a pinned host names its actor). Fed by <see cref="ProjectionRunner"/>, rebuildable from zero.
/// </summary>
public sealed class ControllerReadModel : IProjection
{
    public string Name => "controller-read-models";

    public async Task SetupAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            """
            CREATE TABLE IF NOT EXISTS gitops.rm_commits (
                desired_version bigint PRIMARY KEY,
                commit          text NOT NULL,
                branch          text NOT NULL,
                author          text NOT NULL,
                message         text NOT NULL,
                rejected        boolean NOT NULL,
                errors          text[] NOT NULL,
                services        integer NOT NULL,
                observed_at     timestamptz NOT NULL
            );
            CREATE INDEX IF NOT EXISTS rm_commits_commit ON gitops.rm_commits (commit);
            ALTER TABLE gitops.rm_commits ADD COLUMN IF NOT EXISTS hosts text[];
            CREATE TABLE IF NOT EXISTS gitops.rm_history (
                host         text NOT NULL,
                version      bigint NOT NULL,
                sha256       text NOT NULL,
                commit       text NOT NULL,
                causes       uuid[] NOT NULL,
                rendered_at  timestamptz NOT NULL,
                applied_at   timestamptz,
                method       text,
                duration_ms  double precision,
                result       text,
                error        text,
                PRIMARY KEY (host, version)
            );
            CREATE TABLE IF NOT EXISTS gitops.rm_hosts (
                host             text PRIMARY KEY,
                desired_version  bigint NOT NULL DEFAULT 0,
                desired_commit   text,
                rendered_at      timestamptz,
                applied_version  bigint,
                last_result      text,
                last_error       text,
                last_error_at    timestamptz,
                updated_at       timestamptz NOT NULL
            );
            ALTER TABLE gitops.rm_hosts ADD COLUMN IF NOT EXISTS pinned boolean NOT NULL DEFAULT false;
            ALTER TABLE gitops.rm_hosts ADD COLUMN IF NOT EXISTS pinned_by text;
            CREATE TABLE IF NOT EXISTS gitops.rm_rollbacks (
                event_id    uuid PRIMARY KEY,
                host        text NOT NULL,
                to_version  bigint NOT NULL,
                actor       text NOT NULL,
                requested_at timestamptz NOT NULL
            );
            """,
            connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ResetAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var command = new NpgsqlCommand("TRUNCATE gitops.rm_commits, gitops.rm_history, gitops.rm_hosts, gitops.rm_rollbacks", transaction.Connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(transaction);
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        foreach (var recorded in events)
        {
            AddCommands(batch, recorded);
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AddCommands(NpgsqlBatch batch, RecordedEvent recorded)
    {
        var at = recorded.Timestamp;
        switch (recorded.Data)
        {
            case DesiredStateObserved observed when recorded.Stream == StreamNames.Desired:
                Add(batch, InsertCommitSql, recorded.Version, observed.Commit, observed.Branch, observed.Author, observed.Message, false, Array.Empty<string>(), observed.Services.Count, at, Hosts(DeclaredHosts.Of(observed)));
                break;
            case DesiredStateRejected rejected when recorded.Stream == StreamNames.Desired:
                Add(batch, InsertCommitSql, recorded.Version, rejected.Commit, rejected.Branch, rejected.Author, rejected.Message, true, rejected.Errors.ToArray(), 0, at, Hosts(null));
                break;
            case AgentStarted started:
                // The host is listed from its agent's first start, rendered for or not (e.g. not declared in gitops.yaml).
                Add(batch, "INSERT INTO gitops.rm_hosts (host, updated_at) VALUES ($1, $2) ON CONFLICT (host) DO NOTHING", started.Host, at);
                break;
            case ConfigRendered rendered:
                Add(
                    batch,
                    """
                    INSERT INTO gitops.rm_history (host, version, sha256, commit, causes, rendered_at) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (host, version) DO NOTHING
                    """,
                    rendered.Host, rendered.Version, rendered.Sha256, rendered.Commit, rendered.Causes.ToArray(), at);
                Add(
                    batch,
                    """
                    INSERT INTO gitops.rm_hosts AS h (host, desired_version, desired_commit, rendered_at, updated_at) VALUES ($1, $2, $3, $4, $4)
                    ON CONFLICT (host) DO UPDATE SET desired_version = greatest(h.desired_version, excluded.desired_version),
                        desired_commit = CASE WHEN excluded.desired_version >= h.desired_version THEN excluded.desired_commit ELSE h.desired_commit END,
                        rendered_at = CASE WHEN excluded.desired_version >= h.desired_version THEN excluded.rendered_at ELSE h.rendered_at END,
                        updated_at = excluded.updated_at
                    """,
                    rendered.Host, rendered.Version, rendered.Commit, at);
                break;
            case ConfigRejected refused:
                Add(batch, HostErrorSql, refused.Host, "render rejected by haproxy -c: " + (refused.Errors.Count > 0 ? refused.Errors[0] : "no details"), at, null);
                break;
            case ConfigApplied applied:
                Add(
                    batch,
                    "UPDATE gitops.rm_history SET applied_at = $3, method = $4, duration_ms = $5, result = 'applied', error = NULL WHERE host = $1 AND version = $2",
                    applied.Host, applied.Version, at, applied.Method.ToString().ToLowerInvariant(), applied.Duration.TotalMilliseconds);
                Add(
                    batch,
                    """
                    INSERT INTO gitops.rm_hosts AS h (host, applied_version, last_result, pinned, pinned_by, updated_at)
                    VALUES ($1, $2, 'applied', $4, CASE WHEN $4 THEN (SELECT actor FROM gitops.rm_rollbacks WHERE event_id = $5) END, $3)
                    ON CONFLICT (host) DO UPDATE SET applied_version = excluded.applied_version, last_result = 'applied',
                        pinned = excluded.pinned, pinned_by = excluded.pinned_by, updated_at = excluded.updated_at
                    """,
                    applied.Host, applied.Version, at, applied.Pinned, new NpgsqlParameter { Value = (object?)applied.RollbackRequestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
                break;
            case RollbackRequested rollback:
                Add(
                    batch,
                    "INSERT INTO gitops.rm_rollbacks (event_id, host, to_version, actor, requested_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
                    recorded.EventId, rollback.Host, rollback.ToVersion, rollback.Actor, at);
                break;
            case ApplyFailed failed:
                Add(
                    batch,
                    "UPDATE gitops.rm_history SET applied_at = $3, result = 'failed', error = $4 WHERE host = $1 AND version = $2",
                    failed.Host, failed.Version, at, failed.Error);
                Add(batch, HostErrorSql, failed.Host, failed.Error, at, "failed");
                break;
        }
    }

    private const string InsertCommitSql = """
        INSERT INTO gitops.rm_commits (desired_version, commit, branch, author, message, rejected, errors, services, observed_at, hosts)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (desired_version) DO NOTHING
        """;

    private const string HostErrorSql = """
        INSERT INTO gitops.rm_hosts AS h (host, last_error, last_error_at, last_result, updated_at) VALUES ($1, $2, $3, $4, $3)
        ON CONFLICT (host) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at,
            last_result = coalesce(excluded.last_result, h.last_result), updated_at = excluded.updated_at
        """;

    /// <summary>The declared hosts as a text[] parameter; NULL when not known.</summary>
    private static NpgsqlParameter Hosts(IReadOnlyList<string>? hosts) =>
        new() { Value = hosts is null ? DBNull.Value : hosts.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static void Add(NpgsqlBatch batch, string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                NpgsqlParameter typed => typed,
                null => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                _ => new NpgsqlParameter { Value = value },
            });
        }

        batch.BatchCommands.Add(command);
    }
}
