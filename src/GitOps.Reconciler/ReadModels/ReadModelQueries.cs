using GitOps.EventStore;
using GitOps.EventStore.Projections;
using Npgsql;

namespace GitOps.Reconciler.ReadModels;

/// <summary>
/// Reads <see cref="ControllerReadModel"/> for the CLI and the dashboard. Each query first catches the
/// read model up with the store, so the answer includes every event committed so far even when no
/// controller is running.
/// </summary>
public sealed class ReadModelQueries(PostgresEventStore store)
{
    private readonly ProjectionRunner runner = new(store, new ControllerReadModel());

    /// <summary>The newest rendered configurations first, of one host or all, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string? host, int limit, CancellationToken cancellationToken)
    {
        await runner.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT h.host, h.version, h.sha256, h.commit, coalesce(c.author, ''), coalesce(c.message, ''), h.causes,
                   h.rendered_at, h.applied_at, h.method, h.duration_ms, h.result, h.error
            FROM gitops.rm_history h
            LEFT JOIN LATERAL (SELECT author, message FROM gitops.rm_commits WHERE commit = h.commit ORDER BY desired_version DESC LIMIT 1) c ON true
            WHERE $1::text IS NULL OR h.host = $1
            ORDER BY h.rendered_at DESC, h.host, h.version DESC
            LIMIT $2
            """,
            connection);
        command.Parameters.Add(new() { Value = (object?)host ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = limit });
        var entries = new List<HistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new HistoryEntry
            {
                Host = reader.GetString(0),
                Version = reader.GetInt64(1),
                Sha256 = reader.GetString(2),
                Commit = reader.GetString(3),
                Author = reader.GetString(4),
                Subject = SubjectOf(reader.GetString(5)),
                Causes = reader.GetFieldValue<Guid[]>(6),
                RenderedAt = reader.GetFieldValue<DateTimeOffset>(7),
                AppliedAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                Method = reader.IsDBNull(9) ? null : reader.GetString(9),
                DurationMs = reader.IsDBNull(10) ? null : reader.GetDouble(10),
                Result = reader.IsDBNull(11) ? null : reader.GetString(11),
                Error = reader.IsDBNull(12) ? null : reader.GetString(12),
            });
        }

        return entries;
    }

    /// <summary>The latest commit, the commit in force, and each host's convergence.</summary>
    public async Task<StatusReport> StatusAsync(CancellationToken cancellationToken)
    {
        await runner.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var latest = await CommitAsync(connection, onlyAccepted: false, cancellationToken).ConfigureAwait(false);
        var inForce = latest is { Rejected: false } ? latest : await CommitAsync(connection, onlyAccepted: true, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT host, desired_version, desired_commit, applied_version,
                   CASE WHEN pinned AND last_result = 'applied' THEN 'pinned'
                        WHEN applied_version = desired_version THEN 'converged'
                        WHEN last_result = 'failed' AND last_error_at >= coalesce(rendered_at, '-infinity') THEN 'failed'
                        ELSE 'pending' END,
                   last_error, last_error_at, pinned_by
            FROM gitops.rm_hosts ORDER BY host
            """,
            connection);
        var hosts = new List<HostStatus>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var host = reader.GetString(0);
            hosts.Add(new HostStatus
            {
                Host = host,
                DesiredVersion = reader.GetInt64(1),
                DesiredCommit = reader.IsDBNull(2) ? null : reader.GetString(2),
                AppliedVersion = reader.IsDBNull(3) ? null : reader.GetInt64(3),
                State = inForce is { Hosts.Count: > 0 } && !inForce.Hosts.Contains(host, StringComparer.Ordinal) ? HostState.Undeclared : reader.GetString(4),
                LastError = reader.IsDBNull(5) ? null : reader.GetString(5),
                LastErrorAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                PinnedBy = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }

        return new StatusReport { LatestCommit = latest, InForce = inForce, Hosts = hosts };
    }

    /// <summary>Empties the read models and rebuilds them from the first event.</summary>
    public Task<GlobalPosition> RebuildAsync(CancellationToken cancellationToken) => runner.RebuildAsync(cancellationToken);

    private static async Task<CommitSummary?> CommitAsync(NpgsqlConnection connection, bool onlyAccepted, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT commit, branch, author, message, rejected, errors, observed_at, hosts FROM gitops.rm_commits
            {(onlyAccepted ? "WHERE NOT rejected" : "")} ORDER BY desired_version DESC LIMIT 1
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new CommitSummary
        {
            Commit = reader.GetString(0),
            Branch = reader.GetString(1),
            Author = reader.GetString(2),
            Subject = SubjectOf(reader.GetString(3)),
            Rejected = reader.GetBoolean(4),
            Errors = reader.GetFieldValue<string[]>(5),
            ObservedAt = reader.GetFieldValue<DateTimeOffset>(6),
            Hosts = reader.IsDBNull(7) ? [] : reader.GetFieldValue<string[]>(7),
        };
    }

    private static string SubjectOf(string message) => message.Split('\n', 2)[0].Trim();
}
