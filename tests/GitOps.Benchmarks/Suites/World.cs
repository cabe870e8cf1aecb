using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using GitOps.Core.Collections;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.Controller;
using GitOps.Testing.Git;
using GitOps.Testing.Postgres;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// A database of its own on a test cluster, a desired-state repository declaring the hosts and services of a
/// <see cref="WorldShape"/>, a controller in this process once <see cref="StartAsync"/> is called, and a subscriber
/// noting each host's newest rendered and applied versions, which the waits wait on.
/// </summary>
internal sealed class World : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private readonly ConcurrentDictionary<string, long> rendered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> applied = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim changed = new(0);
    private ControllerService? controller;
    private MartenEventStore? controllerStore;
    private Task? subscriber;

    private World(MartenEventStore store, GitRepoBuilder git, WorldShape shape, string database)
    {
        Store = store;
        Git = git;
        Shape = shape;
        Database = database;
        Hosts = Enumerable.Range(1, shape.Hosts).Select(h => string.Create(CultureInfo.InvariantCulture, $"lb{h}")).ToArray();
    }

    /// <summary>The benchmark's own connection to the store (<c>application_name</c> <c>gitops benchmark</c>).</summary>
    public MartenEventStore Store { get; }

    public GitRepoBuilder Git { get; }

    public WorldShape Shape { get; }

    /// <summary>The name of the world's database on the cluster.</summary>
    public string Database { get; }

    /// <summary><c>lb1</c> … <c>lb&lt;n&gt;</c>.</summary>
    public IReadOnlyList<string> Hosts { get; }

    public static Task<World> CreateAsync(PostgresCluster cluster, int hosts, CancellationToken cancellationToken) =>
        CreateAsync(cluster, new WorldShape { Hosts = hosts }, cancellationToken);

    public static async Task<World> CreateAsync(PostgresCluster cluster, WorldShape shape, CancellationToken cancellationToken)
    {
        var database = "bench_" + Guid.NewGuid().ToString("N");
        await cluster.CreateDatabaseAsync(database, cancellationToken);
        var options = new EventStoreOptions { ConnectionString = cluster.ConnectionStringFor(database), Actor = "benchmark" };
        var store = await ReconcilerStore.OpenAsync(options, cancellationToken: cancellationToken);
        var world = new World(store, await GitRepoBuilder.CreateAsync(cancellationToken: cancellationToken), shape, database);
        world.subscriber = world.FollowAsync();
        return world;
    }

    /// <summary>Starts a controller in this process, on a store of its own named as a <c>gitops controller</c> names its own.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        controllerStore = await ReconcilerStore.OpenAsync(Store.Options with { Actor = "controller" }, cancellationToken: cancellationToken);
        controller = new ControllerService(controllerStore, new ControllerOptions
        {
            Repository = Git.WorkTree,
            CoalesceWindow = TimeSpan.Zero,
            PollInterval = TimeSpan.FromSeconds(2),
            RenderOptions = Shape.RenderOptions,
        }, BenchmarkReport.DiagnosticLogging);
        await controller.StartAsync(cancellationToken);
    }

    /// <summary>The newest version rendered for <paramref name="host"/>; 0 before any.</summary>
    public long VersionOf(string host) => rendered.GetValueOrDefault(host);

    /// <summary>Waits until <paramref name="host"/> has a rendered configuration of at least <paramref name="version"/>.</summary>
    /// <exception cref="TimeoutException">Not within two minutes.</exception>
    public Task WaitForAsync(string host, long version, CancellationToken cancellationToken) =>
        WaitForAsync([host], version, rendered, "rendered", Deadline, cancellationToken);

    /// <summary>Waits until <paramref name="hosts"/> all have a rendered configuration of at least <paramref name="version"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>; the message names the hosts that had not.</exception>
    public Task WaitForRenderedAsync(IReadOnlyList<string> hosts, long version, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForAsync(hosts, version, rendered, "rendered", timeout, cancellationToken);

    /// <summary>Waits until <paramref name="hosts"/> have all recorded version <paramref name="version"/> (or a later one) applied.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>; the message names the hosts that had not.</exception>
    public Task WaitForAppliedAsync(IReadOnlyList<string> hosts, long version, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForAsync(hosts, version, applied, "applied", timeout, cancellationToken);

    /// <summary>
    /// Writes the services (the first one with <paramref name="balance"/>) and commits them. Returns the
    /// <see cref="Stopwatch"/> timestamp taken once the files are written and staged, just before <c>git commit</c> runs:
    /// where a commit-to-something figure starts (writing 100 files and staging them is the benchmark's work, not ours).
    /// </summary>
    public async Task<long> CommitServicesAsync(string balance, CancellationToken cancellationToken)
    {
        Git.WriteFile("gitops.yaml", FleetSettings.Yaml(Shape.Hosts));
        var health = Shape.Served ? "" : "\n  health: { path: /healthz, interval: 2s }";
        for (var s = 0; s < Shape.Services; s++)
        {
            // Only the first service changes between commits, as a typical one-file change does.
            Git.WriteFile($"services/svc{s}.yaml", string.Create(CultureInfo.InvariantCulture, $$"""
                apiVersion: gitops/v1
                kind: Service
                name: svc{{s}}
                listen: { port: {{Shape.ListenPort}}, mode: http }
                routes:
                  - { host: svc{{s}}.example.com }
                backend:
                  balance: {{(s == 0 ? balance : "roundrobin")}}
                  discover:
                    labels: { app: svc{{s}} }
                    port: 8080{{health}}
                """));
        }

        await Git.StageAsync(cancellationToken);
        var committing = Stopwatch.GetTimestamp();
        await Git.CommitAsync("services, first one " + balance, cancellationToken);
        return committing;
    }

    /// <summary>Replaces the host's containers with <paramref name="count"/> running ones spread over the services.</summary>
    public Task ResyncAsync(string host, int count, CancellationToken cancellationToken) =>
        Store.AppendAsync(
            StreamNames.Docker(host),
            ExpectedVersion.Any,
            new NewEvent(new DiscoveryResynced { Host = host, Snapshot = Enumerable.Range(0, count).Select(Container).ToValueList() }),
            cancellationToken);

    /// <summary>Starts an extra container for a service, or stops the one started before.</summary>
    public Task ToggleContainerAsync(string host, int iteration, CancellationToken cancellationToken)
    {
        var extra = Container(100_000 + (iteration / 2));
        IEvent data = iteration % 2 == 0
            ? new ContainerStarted { Host = host, ContainerId = extra.Id, Name = extra.Name, Labels = extra.Labels, Networks = extra.Networks }
            : new ContainerStopped { Host = host, ContainerId = extra.Id, Name = extra.Name };
        return Store.AppendAsync(StreamNames.Docker(host), ExpectedVersion.Any, new NewEvent(data), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (controller is not null)
        {
            await controller.DisposeAsync();
        }

        if (controllerStore is not null)
        {
            await controllerStore.DisposeAsync();
        }

        await stop.CancelAsync();
        try
        {
            await subscriber!;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await Store.DisposeAsync();
        await Git.DisposeAsync();
        stop.Dispose();
        changed.Dispose();
    }

    private ObservedContainer Container(int i) => new()
    {
        Id = i.ToString("x12", CultureInfo.InvariantCulture),
        Name = $"app-{i}",
        State = "running",
        Labels = new ValueMap(new Dictionary<string, string> { ["app"] = $"svc{i % Shape.Services}" }),
        Networks = ValueList.Create(new ContainerNetwork("bridge", $"{(Shape.Served ? 127 : 10)}.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}")),
    };

    private async Task WaitForAsync(IReadOnlyList<string> hosts, long version, ConcurrentDictionary<string, long> seen, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var missing = hosts.Where(h => seen.GetValueOrDefault(h) < version).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            if (deadline.Elapsed > timeout)
            {
                var named = string.Join(", ", missing.Take(10).Select(h => string.Create(CultureInfo.InvariantCulture, $"{h} (at {seen.GetValueOrDefault(h)})")));
                throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{missing.Count} of {hosts.Count} hosts had no version {version} {what} within {timeout.TotalSeconds:0} s: {named}{(missing.Count > 10 ? ", …" : "")}."));
            }

            await changed.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private async Task FollowAsync()
    {
        await foreach (var recorded in Store.SubscribeAsync("benchmark", GlobalPosition.Start, stop.Token))
        {
            switch (recorded.Data)
            {
                case ConfigRendered config:
                    rendered[config.Host] = config.Version;
                    changed.Release();
                    break;
                case ConfigApplied done:
                    applied.AddOrUpdate(done.Host, done.Version, (_, before) => Math.Max(before, done.Version));
                    changed.Release();
                    break;
            }
        }
    }
}
