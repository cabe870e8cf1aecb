using GitOps.Core.Desired;
using GitOps.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace GitOps.Reconciler.ReadModels;

/// <summary>
/// Reads <see cref="ControllerReadModel"/> for the CLI and the dashboard. The read model is updated in
/// the transaction of every append, so an answer includes every event committed so far, whether or not
/// a controller is running.
/// </summary>
public sealed class ReadModelQueries(MartenEventStore store)
{
    /// <summary>The newest history entries first, of one host or all, at most <paramref name="limit"/>, each with its causes.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string? host, int limit, CancellationToken cancellationToken)
    {
        return await EntriesAsync(
            "$1::text IS NULL OR e.host = $1",
            [new() { Value = (object?)host ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }, new() { Value = limit }],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The entry an agent's outcome on <paramref name="host"/> reports on: the rollback <paramref name="rollbackRequestId"/>
    /// when it carried one out, else the rendering of <paramref name="version"/>; null when the read model has neither.
    /// </summary>
    public async Task<HistoryEntry?> EntryOfOutcomeAsync(string host, long version, Guid? rollbackRequestId, CancellationToken cancellationToken)
    {
        var entries = await EntriesAsync(
            "e.event_id = $3 OR ($3::uuid IS NULL AND e.kind = 'render' AND e.host = $1 AND e.version = $4)",
            [new() { Value = host }, new() { Value = 1 }, new() { Value = (object?)rollbackRequestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid }, new() { Value = version }],
            cancellationToken).ConfigureAwait(false);
        return entries.Count > 0 ? entries[0] : null;
    }

    /// <summary>The entries matching <paramref name="where"/> (a condition on <c>e</c>, a row of <c>gitops.rm_history_entries</c>; <c>$2</c> is the limit), newest first.</summary>
    private async Task<IReadOnlyList<HistoryEntry>> EntriesAsync(string where, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(HistoryEntry Entry, Guid[] Causes)>();
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT e.event_id, e.kind, e.host, e.version, e.at, e.sha256, e.commit, coalesce(c.author, ''), coalesce(c.message, ''), e.actor, e.detail,
                   e.causes, e.applied_at, e.method, e.duration_ms, e.result, e.error, e.kept_version, e.outcome_id, e.left_out
            FROM gitops.rm_history_entries e
            LEFT JOIN LATERAL (SELECT author, message FROM gitops.rm_commits WHERE commit = e.commit ORDER BY desired_version DESC LIMIT 1) c ON true
            WHERE {where}
            ORDER BY e.at DESC, e.position DESC
            LIMIT $2
            """,
            connection))
        {
            command.Parameters.AddRange(parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((
                    new HistoryEntry
                    {
                        EventId = reader.GetGuid(0),
                        Kind = reader.GetString(1),
                        Host = reader.GetString(2),
                        Version = reader.GetInt64(3),
                        At = reader.GetFieldValue<DateTimeOffset>(4),
                        Sha256 = reader.GetString(5),
                        Commit = reader.GetString(6),
                        Author = reader.GetString(7),
                        Subject = CommitText.Subject(reader.GetString(8)),
                        Actor = reader.IsDBNull(9) ? null : reader.GetString(9),
                        Detail = reader.IsDBNull(10) ? null : reader.GetString(10),
                        Causes = [],
                        AppliedAt = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                        Method = reader.IsDBNull(13) ? null : reader.GetString(13),
                        DurationMs = reader.IsDBNull(14) ? null : reader.GetDouble(14),
                        Result = reader.IsDBNull(15) ? null : reader.GetString(15),
                        Error = reader.IsDBNull(16) ? null : reader.GetString(16),
                        KeptVersion = reader.IsDBNull(17) ? null : reader.GetInt64(17),
                        OutcomeEventId = reader.IsDBNull(18) ? null : reader.GetGuid(18),
                        LeftOut = reader.GetFieldValue<string[]>(19),
                    },
                    reader.GetFieldValue<Guid[]>(11)));
            }
        }

        var causes = await CausesAsync(connection, rows.SelectMany(r => r.Causes).Distinct().ToArray(), cancellationToken).ConfigureAwait(false);
        return rows.Select(r => r.Entry with { Causes = r.Causes.Select(id => causes[id]).ToList() }).ToList();
    }

    /// <summary>
    /// Each of <paramref name="ids"/> as a readable cause: described by <see cref="InputCauses"/> when the projection knows it,
    /// else named by its event type (an input kind this version does not describe), else as an event not in the store.
    /// </summary>
    private static async Task<Dictionary<Guid, HistoryCause>> CausesAsync(NpgsqlConnection connection, Guid[] ids, CancellationToken cancellationToken)
    {
        var causes = new Dictionary<Guid, HistoryCause>();
        if (ids.Length == 0)
        {
            return causes;
        }

        await using var command = new NpgsqlCommand(
            """
            SELECT u.id, coalesce(k.kind, ev.type, 'unknown'), coalesce(k.at, ev.timestamp), k.host, k.commit, k.author, k.subject, k.container_id, k.container, k.change
            FROM unnest($1::uuid[]) AS u(id)
            LEFT JOIN gitops.rm_causes k ON k.event_id = u.id
            LEFT JOIN gitops.mt_events ev ON k.event_id IS NULL AND ev.id = u.id
            """,
            connection);
        command.Parameters.Add(new() { Value = ids });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            var cause = new HistoryCause
            {
                EventId = reader.GetGuid(0),
                Kind = reader.GetString(1),
                Description = "",
                At = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                Host = Text(3),
                Commit = Text(4),
                Author = Text(5),
                Subject = Text(6),
                ContainerId = Text(7),
                Container = Text(8),
                Change = Text(9),
            };
            causes[cause.EventId] = cause with { Description = Describe(cause) };
        }

        return causes;
    }

    /// <summary>The one line an operator reads for <paramref name="cause"/>.</summary>
    private static string Describe(HistoryCause cause) => cause.Kind switch
    {
        HistoryCauseKind.Commit => $"commit {CommitText.Short(cause.Commit ?? "")} \"{cause.Subject}\"" + (cause.Author is { Length: > 0 } author ? " by " + author : ""),
        HistoryCauseKind.Container => $"container {cause.Container ?? CommitText.Short(cause.ContainerId ?? "")} {cause.Change}",
        _ when cause.Change is not null => $"{cause.Kind} on {cause.Host}: {cause.Change}",
        _ when cause.At is null => $"event {cause.EventId} (not in the store)",
        _ => $"{cause.Kind} {cause.EventId}",
    };

    /// <summary>The latest commit, the commit in force, and each host's convergence.</summary>
    public async Task<StatusReport> StatusAsync(CancellationToken cancellationToken)
    {
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
                   last_error, last_error_at, pinned_by, left_out
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
                LeftOut = reader.GetFieldValue<string[]>(8),
            });
        }

        return new StatusReport { LatestCommit = latest, InForce = inForce, Hosts = hosts, VirtualAddresses = await VirtualAddressesAsync(cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>
    /// The virtual-address groups of the latest accepted commit, each with its holder: of the latest records of the
    /// group's hosts (<c>host-&lt;host&gt;</c>), the newest that says a host took the address, unless that host gave it up since.
    /// </summary>
    public async Task<IReadOnlyList<VirtualAddressStatus>> VirtualAddressesAsync(CancellationToken cancellationToken)
    {
        var observed = await DesiredInForce.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        var desired = observed is null ? null : DesiredInForce.Load(observed);

        var statuses = new List<VirtualAddressStatus>();
        foreach (var group in desired?.Settings.VirtualAddresses ?? [])
        {
            var latest = new List<Core.Events.VirtualAddressEvent>();
            foreach (var host in group.Hosts)
            {
                await foreach (var recorded in store.ReadStreamAsync(Core.Events.StreamNames.HostFacts(host), ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (recorded.Data is Core.Events.VirtualAddressEvent moved && moved.Address == group.Cidr)
                    {
                        latest.Add(moved);
                        break;
                    }
                }
            }

            var holder = latest.OfType<Core.Events.VirtualAddressAcquired>().OrderByDescending(e => e.At).FirstOrDefault();
            statuses.Add(new VirtualAddressStatus
            {
                Address = group.Cidr,
                Interface = group.Interface,
                Hosts = group.Hosts,
                Holder = holder?.Host,
                Since = holder?.At,
                Reason = holder?.Reason,
            });
        }

        return statuses;
    }

    /// <summary>The moves of virtual addresses recorded by the agents of <paramref name="hosts"/>, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Core.Events.VirtualAddressEvent>> VirtualAddressMovesAsync(IEnumerable<string> hosts, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var moves = new List<Core.Events.VirtualAddressEvent>();
        foreach (var host in hosts.Distinct(StringComparer.Ordinal))
        {
            await foreach (var recorded in store.ReadStreamAsync(Core.Events.StreamNames.HostFacts(host), ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (recorded.Data is Core.Events.VirtualAddressEvent moved)
                {
                    moves.Add(moved);
                }
            }
        }

        return moves.OrderByDescending(m => m.At).Take(limit).ToList();
    }

    /// <summary>Empties the read models and has Marten rebuild them from the first event.</summary>
    public Task RebuildAsync(CancellationToken cancellationToken) => store.RebuildReadModelAsync(ControllerReadModel.ProjectionName, cancellationToken);

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
            Subject = CommitText.Subject(reader.GetString(3)),
            Rejected = reader.GetBoolean(4),
            Errors = reader.GetFieldValue<string[]>(5),
            ObservedAt = reader.GetFieldValue<DateTimeOffset>(6),
            Hosts = reader.IsDBNull(7) ? [] : reader.GetFieldValue<string[]>(7),
        };
    }
}
