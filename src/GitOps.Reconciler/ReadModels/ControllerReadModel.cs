using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.EventStore.ReadModels;
using Npgsql;
using NpgsqlTypes;

namespace GitOps.Reconciler.ReadModels;

/// <summary>
/// The read models of <c>gitops history</c> and <c>gitops status</c>, kept in the store's database:
/// <c>gitops.rm_commits</c> (every desired-state commit, accepted or rejected), <c>gitops.rm_history_entries</c>
/// (per host every rendered configuration, rollback, refused rendering and corrected drift, with how it was applied and the services a rendering left out),
/// <c>gitops.rm_causes</c> (every input event as a readable cause, see <see cref="InputCauses"/>) and
/// <c>gitops.rm_hosts</c> (per host: desired vs applied version, last error, rollback pin, services the latest rendering left out) with <c>gitops.rm_rollbacks</c>
/// (who asked for which rollback, so a pinned host names its actor). A Marten inline projection: updated in the transaction of every append, rebuildable from zero.
/// </summary>
public sealed class ControllerReadModel : SqlReadModel
{
    /// <summary>Marten's name of the projection.</summary>
    public const string ProjectionName = "controller-read-models";

    public override string Name => ProjectionName;

    /// <summary>A table only an earlier shape used, removed at start-up.</summary>
    private const string RetiredSql = """
        DROP TABLE IF EXISTS gitops.rm_history;
        """;

    public override string SchemaSql => """
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
            CREATE TABLE IF NOT EXISTS gitops.rm_history_entries (
                event_id     uuid PRIMARY KEY,
                kind         text NOT NULL,
                host         text NOT NULL,
                version      bigint NOT NULL,
                at           timestamptz NOT NULL,
                position     bigint NOT NULL,
                sha256       text NOT NULL,
                commit       text NOT NULL,
                actor        text,
                detail       text,
                causes       uuid[] NOT NULL,
                applied_at   timestamptz,
                method       text,
                duration_ms  double precision,
                result       text,
                error        text,
                kept_version bigint,
                outcome_id   uuid,
                left_out     text[] NOT NULL DEFAULT '{}'
            );
            CREATE INDEX IF NOT EXISTS rm_history_entries_at ON gitops.rm_history_entries (at DESC, position DESC);
            CREATE INDEX IF NOT EXISTS rm_history_entries_host_at ON gitops.rm_history_entries (host, at DESC, position DESC);
            CREATE INDEX IF NOT EXISTS rm_history_entries_render ON gitops.rm_history_entries (host, version) WHERE kind = 'render';
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
            ALTER TABLE gitops.rm_hosts ADD COLUMN IF NOT EXISTS left_out text[] NOT NULL DEFAULT '{}';
            CREATE TABLE IF NOT EXISTS gitops.rm_rollbacks (
                event_id    uuid PRIMARY KEY,
                host        text NOT NULL,
                to_version  bigint NOT NULL,
                actor       text NOT NULL,
                requested_at timestamptz NOT NULL
            );
        """ + InputCauses.TablesSql + RetiredSql;

    public override string ResetSql => "TRUNCATE gitops.rm_commits, gitops.rm_history_entries, gitops.rm_hosts, gitops.rm_rollbacks, " + InputCauses.TableNames;

    protected override void Apply(RecordedEvent recorded, SqlStatements batch)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(batch);
        var at = recorded.Timestamp;
        InputCauses.Add(batch, recorded);
        switch (recorded.Data)
        {
            case DesiredStateObserved observed when recorded.Stream == StreamNames.Desired:
                batch.Add(InsertCommitSql, recorded.Version, observed.Commit, observed.Branch, observed.Author, observed.Message, false, Array.Empty<string>(), observed.Services.Count, at, Hosts(DeclaredHosts.Of(observed)));
                break;
            case DesiredStateRejected rejected when recorded.Stream == StreamNames.Desired:
                batch.Add(InsertCommitSql, recorded.Version, rejected.Commit, rejected.Branch, rejected.Author, rejected.Message, true, rejected.Errors.ToArray(), 0, at, Hosts(null));
                break;
            case AgentStarted started:
                // The host is listed from its agent's first start, rendered for or not (e.g. not declared in gitops.yaml).
                batch.Add("INSERT INTO gitops.rm_hosts (host, updated_at) VALUES ($1, $2) ON CONFLICT (host) DO NOTHING", started.Host, at);
                break;
            case ConfigRendered rendered:
                var leftOut = rendered.RequiredFiles.Where(f => f.Problem is not null).Select(f => f.LeftOut(rendered.Host).ToString())
                    .Concat(rendered.RequiredCapabilities.Where(c => c.Problem is not null).Select(c => c.LeftOut(rendered.Host).ToString()))
                    .ToArray();
                batch.Add(
                    """
                    INSERT INTO gitops.rm_history_entries (event_id, kind, host, version, at, position, sha256, commit, causes, left_out) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    ON CONFLICT (event_id) DO NOTHING
                    """,
                    recorded.EventId, HistoryEntryKind.Render, rendered.Host, rendered.Version, at, recorded.Position.Sequence, rendered.Sha256, rendered.Commit, rendered.Causes.ToArray(), leftOut);
                batch.Add(
                    """
                    INSERT INTO gitops.rm_hosts AS h (host, desired_version, desired_commit, rendered_at, updated_at, left_out) VALUES ($1, $2, $3, $4, $4, $5)
                    ON CONFLICT (host) DO UPDATE SET desired_version = greatest(h.desired_version, excluded.desired_version),
                        desired_commit = CASE WHEN excluded.desired_version >= h.desired_version THEN excluded.desired_commit ELSE h.desired_commit END,
                        rendered_at = CASE WHEN excluded.desired_version >= h.desired_version THEN excluded.rendered_at ELSE h.rendered_at END,
                        left_out = CASE WHEN excluded.desired_version >= h.desired_version THEN excluded.left_out ELSE h.left_out END,
                        updated_at = excluded.updated_at
                    """,
                    rendered.Host, rendered.Version, rendered.Commit, at, leftOut);
                break;
            case ConfigRejected refused:
                batch.Add(
                    """
                    INSERT INTO gitops.rm_history_entries (event_id, kind, host, version, at, position, sha256, commit, causes, detail)
                    VALUES ($1, $2, $3, coalesce((SELECT max(version) FROM gitops.rm_history_entries WHERE host = $3 AND kind = 'render'), 0), $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (event_id) DO NOTHING
                    """,
                    recorded.EventId, HistoryEntryKind.Refused, refused.Host, at, recorded.Position.Sequence, refused.Sha256, refused.Commit, refused.Causes.ToArray(), FirstOf(refused.Errors));
                batch.Add(HostErrorSql, refused.Host, "render rejected by haproxy -c: " + FirstOf(refused.Errors), at, null);
                break;
            case ConfigApplied applied:
                batch.Add(
                    OutcomeSql(applied.RollbackRequestId, "applied_at = $3, method = $4, duration_ms = $5, result = 'applied', error = NULL, kept_version = NULL, outcome_id = $6"),
                    applied.Host, applied.Version, at, applied.Method.ToString().ToLowerInvariant(), applied.Duration.TotalMilliseconds, recorded.EventId, Uuid(applied.RollbackRequestId));
                batch.Add(
                    """
                    INSERT INTO gitops.rm_hosts AS h (host, applied_version, last_result, pinned, pinned_by, updated_at)
                    VALUES ($1, $2, 'applied', $4, CASE WHEN $4 THEN (SELECT actor FROM gitops.rm_rollbacks WHERE event_id = $5) END, $3)
                    ON CONFLICT (host) DO UPDATE SET applied_version = excluded.applied_version, last_result = 'applied',
                        pinned = excluded.pinned, pinned_by = excluded.pinned_by, updated_at = excluded.updated_at
                    """,
                    applied.Host, applied.Version, at, applied.Pinned, Uuid(applied.RollbackRequestId));
                break;
            case RollbackRequested rollback:
                batch.Add(
                    "INSERT INTO gitops.rm_rollbacks (event_id, host, to_version, actor, requested_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
                    recorded.EventId, rollback.Host, rollback.ToVersion, rollback.Actor, at);
                batch.Add(
                    $$"""
                    INSERT INTO gitops.rm_history_entries (event_id, kind, host, version, at, position, sha256, commit, causes, actor)
                    SELECT $1, $2, $3, $4, $5, $6, coalesce(r.sha256, ''), coalesce(r.commit, $7), '{}', $8 {{RenderedSql}}
                    ON CONFLICT (event_id) DO NOTHING
                    """,
                    recorded.EventId, HistoryEntryKind.Rollback, rollback.Host, rollback.ToVersion, at, recorded.Position.Sequence, recorded.Metadata.Commit ?? "", rollback.Actor);
                break;
            case ApplyFailed failed:
                batch.Add(
                    OutcomeSql(failed.RollbackRequestId, "applied_at = $3, result = 'failed', error = $4, kept_version = $5, outcome_id = $6"),
                    failed.Host, failed.Version, at, failed.Error, new NpgsqlParameter { Value = (object?)failed.KeptVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint }, recorded.EventId, Uuid(failed.RollbackRequestId));
                batch.Add(HostErrorSql, failed.Host, failed.Error, at, "failed");
                break;
            case DriftCorrected drift:
                batch.Add(
                    $$"""
                    INSERT INTO gitops.rm_history_entries (event_id, kind, host, version, at, position, sha256, commit, causes, detail, applied_at, method, result, error, outcome_id)
                    SELECT $1, $2, $3, $4, $5, $6, coalesce(r.sha256, ''), coalesce(r.commit, ''), '{}', $7, $5, $8, CASE WHEN $9::text IS NULL THEN 'applied' ELSE 'failed' END, $9, $1 {{RenderedSql}}
                    ON CONFLICT (event_id) DO NOTHING
                    """,
                    recorded.EventId, HistoryEntryKind.Drift, drift.Host, drift.Version ?? 0, at, recorded.Position.Sequence, drift.What, drift.Method?.ToString().ToLowerInvariant(), drift.Error);
                break;
        }
    }

    /// <summary>The FROM clause joining the render entry of host <c>$3</c>, version <c>$4</c> as <c>r</c> (absent: nulls).</summary>
    private const string RenderedSql = "FROM (SELECT 1) AS one LEFT JOIN gitops.rm_history_entries r ON r.kind = 'render' AND r.host = $3 AND r.version = $4";

    /// <summary>
    /// An agent's outcome belongs to the rollback entry it carried out (<c>$7</c>), else to the render entry of host <c>$1</c>,
    /// version <c>$2</c>: putting an old version back by rollback does not rewrite how that version was first applied.
    /// </summary>
    private static string OutcomeSql(Guid? rollbackRequestId, string set) => rollbackRequestId is null
        ? $"UPDATE gitops.rm_history_entries SET {set} WHERE kind = 'render' AND host = $1 AND version = $2"
        : $"UPDATE gitops.rm_history_entries SET {set} WHERE event_id = $7";

    private static NpgsqlParameter Uuid(Guid? id) => new() { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid };

    private static string FirstOf(IReadOnlyList<string> errors) => errors.Count > 0 ? errors[0] : "no details";

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
}
