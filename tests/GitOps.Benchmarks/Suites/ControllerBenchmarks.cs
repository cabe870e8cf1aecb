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
using Npgsql;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// The controller end to end on real git, PostgreSQL (test cluster, fsync off) and haproxy: how long from a
/// commit, or a container event appended to the store, until the ConfigRendered is visible to a subscriber
/// (as an agent would see it). The coalescing window is 0, so the figures are the controller's own work.
/// </summary>
internal sealed class ControllerBenchmarks : IBenchmarkSuite
{
    private const int Services = 100;

    public string Name => "controller";

    public string Description => "commit → ConfigRendered (100 services), container event → ConfigRendered (1,000 containers), one change among 10,000 containers on 100 hosts";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        await using var cluster = await PostgresCluster.StartNewAsync(cancellationToken);
        report.Figure("coalesce_window_ms", 0, "ms");
        await CommitToRenderedAsync(report, cluster, cancellationToken);
        await ContainerToRenderedAsync(report, cluster, cancellationToken);
        await ManyHostsAsync(report, cluster, cancellationToken);
    }

    private static async Task CommitToRenderedAsync(BenchmarkReport report, PostgresCluster cluster, CancellationToken cancellationToken)
    {
        await using var world = await World.CreateAsync(cluster, hosts: 1, cancellationToken);
        await world.CommitServicesAsync(balance: "roundrobin", cancellationToken);
        await world.StartAsync(cancellationToken);
        await world.WaitForAsync("lb1", 1, cancellationToken);
        var samples = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            await world.CommitServicesAsync(balance: i % 2 == 0 ? "leastconn" : "roundrobin", cancellationToken);
            var started = Stopwatch.GetTimestamp();
            await world.WaitForAsync("lb1", i + 2, cancellationToken);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Report(report, "commit_to_rendered_100svc", samples);
    }

    private static async Task ContainerToRenderedAsync(BenchmarkReport report, PostgresCluster cluster, CancellationToken cancellationToken)
    {
        await using var world = await World.CreateAsync(cluster, hosts: 1, cancellationToken);
        await world.CommitServicesAsync("roundrobin", cancellationToken);
        await world.ResyncAsync("lb1", 1_000, cancellationToken);
        await world.StartAsync(cancellationToken);
        await world.WaitForAsync("lb1", 1, cancellationToken);
        var samples = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await world.ToggleContainerAsync("lb1", i, cancellationToken);
            await world.WaitForAsync("lb1", i + 2, cancellationToken);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Report(report, "container_to_rendered_100svc_1000ct", samples.Skip(10).ToList());
    }

    private static async Task ManyHostsAsync(BenchmarkReport report, PostgresCluster cluster, CancellationToken cancellationToken)
    {
        const int Hosts = 100;
        await using var world = await World.CreateAsync(cluster, Hosts, cancellationToken);
        await world.CommitServicesAsync("roundrobin", cancellationToken);
        for (var h = 1; h <= Hosts; h++)
        {
            await world.ResyncAsync($"lb{h}", 100, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        await world.StartAsync(cancellationToken);
        for (var h = 1; h <= Hosts; h++)
        {
            await world.WaitForAsync($"lb{h}", 1, cancellationToken);
        }

        report.Figure("initial_render_100hosts_10000ct_ms", Stopwatch.GetElapsedTime(started).TotalMilliseconds, "ms");
        var samples = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var host = $"lb{(i * 37 % Hosts) + 1}";
            var before = world.VersionOf(host);
            started = Stopwatch.GetTimestamp();
            // Even iterations start a new container, so each change lands on a host that has not seen it.
            await world.ToggleContainerAsync(host, i * 2, cancellationToken);
            await world.WaitForAsync(host, before + 1, cancellationToken);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Report(report, "one_container_change_100hosts_10000ct", samples);
        started = Stopwatch.GetTimestamp();
        await world.CommitServicesAsync("leastconn", cancellationToken);
        for (var h = 1; h <= Hosts; h++)
        {
            await world.WaitForAsync($"lb{h}", 2, cancellationToken);
        }

        report.Figure("commit_to_all_100hosts_rendered_ms", Stopwatch.GetElapsedTime(started).TotalMilliseconds, "ms");
    }

    private static void Report(BenchmarkReport report, string name, List<double> samples)
    {
        var sorted = samples.Order().ToArray();
        report.Figure(name + "_p50_ms", BenchmarkReport.Percentile(sorted, 50), "ms");
        report.Figure(name + "_p99_ms", BenchmarkReport.Percentile(sorted, 99), "ms");
        report.Figure(name + "_max_ms", sorted[^1], "ms");
    }

    /// <summary>A database, a desired-state repository with <see cref="Services"/> services on every host, a controller, and a subscriber noting each host's rendered versions.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, long> versions = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource stop = new();
        private readonly SemaphoreSlim changed = new(0);
        private readonly int hosts;
        private ControllerService? controller;
        private MartenEventStore? controllerStore;
        private Task? subscriber;

        private World(MartenEventStore store, GitRepoBuilder git, int hosts)
        {
            Store = store;
            Git = git;
            this.hosts = hosts;
        }

        public MartenEventStore Store { get; }

        public GitRepoBuilder Git { get; }

        public static async Task<World> CreateAsync(PostgresCluster cluster, int hosts, CancellationToken cancellationToken)
        {
            var name = "bench_" + Guid.NewGuid().ToString("N");
            await using (var admin = new NpgsqlConnection(cluster.AdminConnectionString))
            {
                await admin.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = cluster.ConnectionStringFor(name) }, cancellationToken: cancellationToken);
            var world = new World(store, await GitRepoBuilder.CreateAsync(cancellationToken: cancellationToken), hosts);
            world.subscriber = world.FollowAsync();
            return world;
        }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            controllerStore = await ReconcilerStore.OpenAsync(Store.Options, cancellationToken: cancellationToken);
            controller = new ControllerService(controllerStore, new ControllerOptions
            {
                Repository = Git.WorkTree,
                CoalesceWindow = TimeSpan.Zero,
                PollInterval = TimeSpan.FromSeconds(2),
            }, BenchmarkReport.DiagnosticLogging);
            await controller.StartAsync(cancellationToken);
        }

        public long VersionOf(string host) => versions.GetValueOrDefault(host);

        public async Task WaitForAsync(string host, long version, CancellationToken cancellationToken)
        {
            var deadline = Stopwatch.StartNew();
            while (VersionOf(host) < version)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                {
                    throw new TimeoutException($"{host} did not reach version {version} (at {VersionOf(host)}).");
                }

                await changed.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }

        public Task<string> CommitServicesAsync(string balance, CancellationToken cancellationToken)
        {
            Git.WriteFile("gitops.yaml", FleetSettings.Yaml(hosts));
            for (var s = 0; s < Services; s++)
            {
                // Only the first service changes between commits, as a typical one-file change does.
                Git.WriteFile($"services/svc{s}.yaml", string.Create(CultureInfo.InvariantCulture, $$"""
                    apiVersion: gitops/v1
                    kind: Service
                    name: svc{{s}}
                    listen: { port: 80, mode: http }
                    routes:
                      - { host: svc{{s}}.example.com }
                    backend:
                      balance: {{(s == 0 ? balance : "roundrobin")}}
                      discover:
                        labels: { app: svc{{s}} }
                        port: 8080
                      health: { path: /healthz, interval: 2s }
                    """));
            }

            return Git.CommitAsync("services, first one " + balance, cancellationToken);
        }

        /// <summary>Replaces the host's containers with <paramref name="count"/> running ones spread over the services.</summary>
        public Task ResyncAsync(string host, int count, CancellationToken cancellationToken) =>
            Store.AppendAsync(
                StreamNames.Docker(host),
                ExpectedVersion.Any,
                new NewEvent(new DiscoveryResynced { Host = host, Snapshot = Enumerable.Range(0, count).Select(i => Container(i)).ToValueList() }),
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

        private static ObservedContainer Container(int i) => new()
        {
            Id = i.ToString("x12", CultureInfo.InvariantCulture),
            Name = $"app-{i}",
            State = "running",
            Labels = new ValueMap(new Dictionary<string, string> { ["app"] = $"svc{i % Services}" }),
            Networks = ValueList.Create(new ContainerNetwork("bridge", $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}")),
        };

        private async Task FollowAsync()
        {
            await foreach (var recorded in Store.SubscribeAsync("benchmark", GlobalPosition.Start, stop.Token))
            {
                if (recorded.Data is ConfigRendered rendered)
                {
                    versions[rendered.Host] = rendered.Version;
                    changed.Release();
                }
            }
        }
    }
}
