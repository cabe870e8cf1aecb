using System.Diagnostics;
using GitOps.Testing.Postgres;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// The controller end to end on real git, PostgreSQL (test cluster, fsync off) and haproxy: how long from a
/// commit, or a container event appended to the store, until the ConfigRendered is visible to a subscriber
/// (as an agent would see it). The coalescing window is 0, so the figures are the controller's own work.
/// </summary>
internal sealed class ControllerBenchmarks : IBenchmarkSuite
{
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
            var started = await world.CommitServicesAsync(balance: i % 2 == 0 ? "leastconn" : "roundrobin", cancellationToken);
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
        started = await world.CommitServicesAsync("leastconn", cancellationToken);
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
}
