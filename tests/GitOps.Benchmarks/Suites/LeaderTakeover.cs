using System.Diagnostics;
using System.Globalization;
using GitOps.Core.Collections;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.Controller;
using GitOps.Reconciler.ReadModels;
using GitOps.Testing.Git;
using Npgsql;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// A store holding 1,000,000 events over 100 hosts: how long a controller takes from its start (it gains the free
/// lock at once) to the next commit rendered, with the previous leader's snapshot and without one (a replay from the
/// first event, as every takeover did before snapshots); and how long Marten takes to rebuild the read models from it.
/// </summary>
internal static class LeaderTakeover
{
    private const int Hosts = 100;
    private const int EventsPerHost = 10_000;
    private const int Services = 5;

    public static async Task MeasureAsync(BenchmarkReport report, string connectionString, CancellationToken cancellationToken)
    {
        var options = ReconcilerStore.WithReadModels(new EventStoreOptions { ConnectionString = connectionString, PageSize = 5_000 });
        await using var store = await MartenEventStore.OpenAsync(options, cancellationToken: cancellationToken);
        await using var git = await GitRepoBuilder.CreateAsync(cancellationToken: cancellationToken);
        await CommitAsync(git, "first", cancellationToken);
        for (var h = 1; h <= Hosts; h++)
        {
            var snapshot = Enumerable.Range(0, 10).Select(i => Container(h, i)).ToValueList();
            await store.AppendAsync(StreamNames.Docker($"lb{h}"), ExpectedVersion.Any, new NewEvent(new DiscoveryResynced { Host = $"lb{h}", Snapshot = snapshot }), cancellationToken);
        }

        await FillAsync(store, cancellationToken);
        var head = await store.HeadAsync(cancellationToken);
        report.Figure("takeover_store_events", head.Sequence, "events");

        var controllerOptions = new ControllerOptions { Repository = git.WorkTree, CoalesceWindow = TimeSpan.Zero, PollInterval = TimeSpan.FromMilliseconds(200) };

        // The first leader replays everything once, renders every host, and leaves its snapshot behind.
        await using (var first = await StartAsync(store, controllerOptions, cancellationToken))
        {
            await UntilAsync(async () => (await LoadSnapshotAsync(store, controllerOptions, cancellationToken))?.Sequence >= head.Sequence, "the first leader's snapshot", cancellationToken);
            for (var h = 1; h <= Hosts; h++)
            {
                var stream = StreamNames.Config($"lb{h}");
                await UntilAsync(async () => await store.StreamVersionAsync(stream, cancellationToken) >= 1, $"the first leader's rendering of lb{h}", cancellationToken);
            }

            // And has handled its own renderings: what it leaves behind is the whole store.
            var rendered = await store.HeadAsync(cancellationToken);
            await UntilAsync(async () => await store.ReadCheckpointAsync(controllerOptions.CheckpointName, cancellationToken) >= rendered, "the first leader to handle its renderings", cancellationToken);
            await first.StopAsync(cancellationToken);
        }

        report.Figure("leader_takeover_1m_events_ms", await TakeOverAsync(store, git, controllerOptions, "second", cancellationToken), "ms");

        await using (var session = store.Documents.LightweightSession())
        {
            session.Delete<ControllerSnapshot>(controllerOptions.SnapshotName);
            await session.SaveChangesAsync(cancellationToken);
        }

        report.Figure("leader_takeover_1m_events_nosnapshot_ms", await TakeOverAsync(store, git, controllerOptions, "third", cancellationToken), "ms");

        var started = Stopwatch.GetTimestamp();
        await store.RebuildReadModelAsync(ControllerReadModel.ProjectionName, cancellationToken);
        report.Figure("projection_rebuild_1m_events_s", Stopwatch.GetElapsedTime(started).TotalSeconds, "s");
    }

    /// <summary>Commits a change of a service placed on lb1 alone, starts a controller, and times it until lb1's next rendering.</summary>
    private static async Task<double> TakeOverAsync(MartenEventStore store, GitRepoBuilder git, ControllerOptions options, string label, CancellationToken cancellationToken)
    {
        var before = await store.StreamVersionAsync(StreamNames.Config("lb1"), cancellationToken);
        await CommitAsync(git, label, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        await using var controller = await StartAsync(store, options, cancellationToken);
        await UntilAsync(async () => await store.StreamVersionAsync(StreamNames.Config("lb1"), cancellationToken) > before, $"lb1's rendering of the {label} commit", cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await controller.StopAsync(cancellationToken);
        return elapsed;
    }

    private static async Task<ControllerService> StartAsync(MartenEventStore store, ControllerOptions options, CancellationToken cancellationToken)
    {
        var controller = new ControllerService(store, options);
        await controller.StartAsync(cancellationToken);
        return controller;
    }

    private static async Task<ControllerSnapshot?> LoadSnapshotAsync(MartenEventStore store, ControllerOptions options, CancellationToken cancellationToken)
    {
        await using var session = store.Documents.QuerySession();
        return await session.LoadAsync<ControllerSnapshot>(options.SnapshotName, cancellationToken);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var bound = Stopwatch.StartNew();
        while (!await condition())
        {
            if (bound.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"Not within 10 minutes: {what}.");
            }

            await Task.Delay(2, cancellationToken);
        }
    }

    /// <summary>
    /// 10,000 health changes per host, written straight into Marten's tables (as Marten stores them) so that building the
    /// store takes seconds: the figures are about reading it, not about appending.
    /// </summary>
    private static async Task FillAsync(MartenEventStore store, CancellationToken cancellationToken)
    {
        await store.AppendAsync(StreamNames.Docker("lb1"), ExpectedVersion.Any, new NewEvent(new ContainerHealthChanged { Host = "lb1", ContainerId = "gone", Health = ContainerHealth.Healthy }), cancellationToken);
        await using var connection = await store.OpenConnectionAsync(cancellationToken);
        string dotnetType;
        await using (var type = new NpgsqlCommand("SELECT mt_dotnet_type FROM gitops.mt_events WHERE type = 'ContainerHealthChanged' LIMIT 1", connection))
        {
            dotnetType = (string)(await type.ExecuteScalarAsync(cancellationToken))!;
        }

        for (var h = 1; h <= Hosts; h++)
        {
            var stream = StreamNames.Docker($"lb{h}");
            await using var insert = new NpgsqlCommand(
                """
                WITH current AS (SELECT version FROM gitops.mt_streams WHERE id = $1)
                INSERT INTO gitops.mt_events (seq_id, id, stream_id, version, data, type, timestamp, mt_dotnet_type, headers, correlation_id)
                SELECT nextval('gitops.mt_events_sequence'), gen_random_uuid(), $1, current.version + v,
                       jsonb_build_object('host', $2::text, 'containerId', 'gone-' || v, 'health', CASE WHEN v % 2 = 0 THEN 'Healthy' ELSE 'Unhealthy' END),
                       'ContainerHealthChanged', now(), $3, '{"actor": "benchmark"}', NULL
                FROM current, generate_series(1, $4) AS v ORDER BY v
                """,
                connection);
            insert.Parameters.Add(new() { Value = stream });
            insert.Parameters.Add(new() { Value = $"lb{h}" });
            insert.Parameters.Add(new() { Value = dotnetType });
            insert.Parameters.Add(new() { Value = (long)EventsPerHost - (h == 1 ? 2 : 1) });
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await using var version = new NpgsqlCommand("UPDATE gitops.mt_streams SET version = (SELECT max(version) FROM gitops.mt_events WHERE stream_id = $1) WHERE id = $1", connection);
            version.Parameters.Add(new() { Value = stream });
            await version.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static Task<string> CommitAsync(GitRepoBuilder git, string label, CancellationToken cancellationToken)
    {
        git.WriteFile("gitops.yaml", FleetSettings.Yaml(Hosts));
        for (var s = 0; s < Services; s++)
        {
            git.WriteFile($"services/svc{s}.yaml", string.Create(CultureInfo.InvariantCulture, $$"""
                apiVersion: gitops/v1
                kind: Service
                name: svc{{s}}
                listen: { port: 80, mode: http }
                routes:
                  - { host: svc{{s}}.example.com }
                backend:
                  discover:
                    labels: { app: svc{{s}} }
                    port: 8080
                """));
        }

        // The change of each takeover: a service on lb1 alone, so one host renders (the time is the takeover's, not 100 checks).
        git.WriteFile("services/takeover.yaml", string.Create(CultureInfo.InvariantCulture, $$"""
            apiVersion: gitops/v1
            kind: Service
            name: takeover
            hosts: [lb1]
            listen: { port: 81, mode: http }
            backend:
              servers:
                - { name: {{label}}, address: 192.0.2.10:8080 }
            """));
        return git.CommitAsync("takeover: " + label, cancellationToken);
    }

    private static ObservedContainer Container(int host, int i) => new()
    {
        Id = string.Create(CultureInfo.InvariantCulture, $"{host:x4}{i:x8}"),
        Name = $"app-{host}-{i}",
        State = "running",
        Labels = new ValueMap(new Dictionary<string, string> { ["app"] = $"svc{i % Services}" }),
        Networks = ValueList.Create(new ContainerNetwork("bridge", $"10.{host}.0.{i + 1}")),
    };
}
