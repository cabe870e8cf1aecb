using System.Globalization;
using GitOps.Core.Desired;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.EventStore.ReadModels;
using Npgsql;
using NpgsqlTypes;

namespace GitOps.Reconciler.ReadModels;

/// <summary>
/// How each input event reads as the cause of a rendering: one row of <c>gitops.rm_causes</c> per input (a commit, a
/// container change, a discovery resync), written when the input is projected so that a rendering's cause ids become
/// sentences without reading the events again. Container names are kept by id in <c>gitops.rm_containers</c>, because
/// a health or address change carries only the id. A new kind of input is one more case in <see cref="Add"/>.
/// </summary>
internal static class InputCauses
{
    /// <summary>A discovery resync names at most this many containers it found new or gone, then counts the rest.</summary>
    private const int NamesShown = 5;

    public const string TablesSql = """
        CREATE TABLE IF NOT EXISTS gitops.rm_causes (
            event_id     uuid PRIMARY KEY,
            kind         text NOT NULL,
            at           timestamptz NOT NULL,
            host         text,
            commit       text,
            author       text,
            subject      text,
            container_id text,
            container    text,
            change       text
        );
        CREATE TABLE IF NOT EXISTS gitops.rm_containers (
            host         text NOT NULL,
            container_id text NOT NULL,
            name         text NOT NULL,
            running      boolean NOT NULL,
            PRIMARY KEY (host, container_id)
        );
        """;

    public const string TableNames = "gitops.rm_causes, gitops.rm_containers";

    private const string InsertCauseSql = """
        INSERT INTO gitops.rm_causes (event_id, kind, at, host, commit, author, subject, container_id, container, change)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9, (SELECT name FROM gitops.rm_containers WHERE host = $4 AND container_id = $8)), $10)
        ON CONFLICT (event_id) DO NOTHING
        """;

    private const string UpsertContainerSql = """
        INSERT INTO gitops.rm_containers AS c (host, container_id, name, running) VALUES ($1, $2, $3, $4)
        ON CONFLICT (host, container_id) DO UPDATE SET name = excluded.name, running = coalesce($5, c.running)
        """;

    /// <summary>Adds the commands that record <paramref name="recorded"/> as a cause, when it is an input.</summary>
    public static void Add(SqlStatements batch, RecordedEvent recorded)
    {
        switch (recorded.Data)
        {
            case DesiredStateObserved observed when recorded.Stream == StreamNames.Desired:
                AddCause(batch, recorded, HistoryCauseKind.Commit, commit: observed.Commit, author: observed.Author, subject: CommitText.Subject(observed.Message));
                break;
            case ContainerStarted started:
                AddContainer(batch, started.Host, started.ContainerId, started.Name, running: true);
                AddCause(batch, recorded, HistoryCauseKind.Container, started.Host, containerId: started.ContainerId, container: started.Name, change: "started");
                break;
            case ContainerStopped stopped:
                AddCause(batch, recorded, HistoryCauseKind.Container, stopped.Host, containerId: stopped.ContainerId, container: stopped.Name, change: StopChange(stopped));
                AddContainer(batch, stopped.Host, stopped.ContainerId, stopped.Name, running: false);
                break;
            case ContainerHealthChanged health:
                AddCause(batch, recorded, HistoryCauseKind.Container, health.Host, containerId: health.ContainerId, change: HealthChange(health.Health));
                break;
            case ContainerAddressChanged address:
                AddCause(batch, recorded, HistoryCauseKind.Container, address.Host, containerId: address.ContainerId, change: AddressChange(address));
                break;
            case ContainerLabelRejected rejected:
                AddContainer(batch, rejected.Host, rejected.ContainerId, rejected.Name, running: null);
                AddCause(batch, recorded, HistoryCauseKind.Container, rejected.Host, containerId: rejected.ContainerId, container: rejected.Name, change: LabelChange(rejected));
                break;
            case DiscoveryResynced resynced:
                AddResync(batch, recorded, resynced);
                break;
            case HostFactsObserved facts:
                AddCause(batch, recorded, HistoryCauseKind.HostFiles, facts.Host, change: HostFilesChange(facts));
                break;
        }
    }

    /// <summary>Why a container left: told to stop (the signal, sent while it still served), or seen stopped.</summary>
    private static string StopChange(ContainerStopped stopped) =>
        stopped.Signal is { } signal ? $"stopping ({signal} sent)" : "stopped";

    /// <summary>The files the agent found unusable, or that all are usable.</summary>
    private static string HostFilesChange(HostFactsObserved facts)
    {
        var problems = facts.Files.Where(f => f.Problem() is not null).Select(f => $"{f.Path} {f.Problem()}").ToList();
        return problems.Count == 0
            ? $"all {facts.Files.Count} file(s) present"
            : string.Join("; ", problems);
    }

    private static void AddCause(
        SqlStatements batch,
        RecordedEvent recorded,
        string kind,
        string? host = null,
        string? commit = null,
        string? author = null,
        string? subject = null,
        string? containerId = null,
        string? container = null,
        string? change = null) =>
        batch.Add(InsertCauseSql, recorded.EventId, kind, recorded.Timestamp, host, commit, author, subject, containerId, container, change);

    /// <summary>Remembers the container's name by id; <paramref name="running"/> null keeps what is known (a label problem says nothing about running; a container first seen so counts as not running).</summary>
    private static void AddContainer(SqlStatements batch, string host, string containerId, string name, bool? running) =>
        batch.Add(UpsertContainerSql, host, containerId, name, running ?? false, new NpgsqlParameter { Value = (object?)running ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean });

    /// <summary>
    /// A resync is described by what it changed against the containers known before (new ones, gone ones), then the
    /// known containers become exactly the listed ones.
    /// </summary>
    private static void AddResync(SqlStatements batch, RecordedEvent recorded, DiscoveryResynced resynced)
    {
        var running = resynced.Snapshot.Where(c => c.IsRunning).ToList();
        var ids = running.Select(c => c.Id).ToArray();
        var names = running.Select(c => c.Name).ToArray();
        batch.Add(
            $"""
            WITH listed AS (SELECT * FROM unnest($5::text[], $6::text[]) AS l(id, name)),
                 added AS (SELECT name FROM listed WHERE NOT EXISTS (SELECT 1 FROM gitops.rm_containers c WHERE c.host = $4 AND c.container_id = listed.id AND c.running)),
                 gone AS (SELECT name FROM gitops.rm_containers c WHERE c.host = $4 AND c.running AND c.container_id <> ALL($5::text[]))
            INSERT INTO gitops.rm_causes (event_id, kind, at, host, change)
            SELECT $1, $2, $3, $4, 'resynced with ' || cardinality($5::text[]) || ' running'
                || coalesce((SELECT '; new: ' || array_to_string((array_agg(name ORDER BY name))[1:{NamesShown}], ', ')
                                    || CASE WHEN count(*) > {NamesShown} THEN ' and ' || (count(*) - {NamesShown}) || ' more' ELSE '' END
                             FROM added HAVING count(*) > 0), '')
                || coalesce((SELECT '; gone: ' || array_to_string((array_agg(name ORDER BY name))[1:{NamesShown}], ', ')
                                    || CASE WHEN count(*) > {NamesShown} THEN ' and ' || (count(*) - {NamesShown}) || ' more' ELSE '' END
                             FROM gone HAVING count(*) > 0), '')
            ON CONFLICT (event_id) DO NOTHING
            """,
            recorded.EventId,
            HistoryCauseKind.Discovery,
            recorded.Timestamp,
            resynced.Host,
            ids,
            names);
        batch.Add("UPDATE gitops.rm_containers SET running = false WHERE host = $1 AND running AND container_id <> ALL($2::text[])", resynced.Host, ids);
        batch.Add(
            """
            INSERT INTO gitops.rm_containers (host, container_id, name, running) SELECT $1, l.id, l.name, true FROM unnest($2::text[], $3::text[]) AS l(id, name)
            ON CONFLICT (host, container_id) DO UPDATE SET name = excluded.name, running = true
            """,
            resynced.Host,
            ids,
            names);
    }

    private static string HealthChange(ContainerHealth health) => health switch
    {
        ContainerHealth.Healthy => "became healthy",
        ContainerHealth.Unhealthy => "became unhealthy",
        ContainerHealth.Starting => "health check starting",
        _ => "has no health check any more",
    };

    private static string AddressChange(ContainerAddressChanged address) => address.Networks.Count == 0
        ? "lost its addresses"
        : "changed address to " + string.Join(", ", address.Networks.Select(n => $"{n.IPAddress} ({n.Name})"));

    private static string LabelChange(ContainerLabelRejected rejected) =>
        "labels rejected: " + (rejected.Diagnostics.Count > 0 ? rejected.Diagnostics[0] : "no details") +
        (rejected.Diagnostics.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (+{rejected.Diagnostics.Count - 1} more)") : "");
}
