using System.Diagnostics;
using GitOps.Testing.Postgres;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// A fleet against one store: a real PostgreSQL (test cluster, fsync off), a real controller in this process watching a
/// real git repository that declares hosts <c>lb1</c> … <c>lb200</c> and 20 services on every host, and 200
/// <see cref="SimulatedAgent"/>s, each on a store of its own as separate processes would be (HAProxy is not run: see
/// there what is real and what is simulated). The agents share this machine's cores, where a real fleet's run on 200.
/// <list type="bullet">
/// <item><c>fleet_commit_to_all_200hosts_applied_ms</c>: from a commit (made once the whole fleet had applied the one
/// before) until all 200 agents have recorded its configuration applied, as the store's subscribers see it; 5 commits,
/// the figure is their median, with <c>_p50_ms</c> (the same) and <c>_max_ms</c> beside it; and
/// <c>fleet_commit_to_all_200hosts_rendered_ms</c>, the median of the same commits until the controller's 200
/// ConfigRendered were seen, the part of it before any agent could act. Every append notifies every subscriber, and
/// each agent follows the whole store: a commit's 200 ConfigApplied wake all 200 agents' subscriptions each time, and
/// each subscription reads every host's new configuration; here the client side of all of that shares one process.</item>
/// <item><c>fleet_store_connections</c>: the server connections the controller and the agents hold to the fleet's
/// database at rest after the commits (<c>application_name</c> <c>gitops controller</c> and <c>gitops agent@…</c>,
/// the benchmark's own left out), and <c>fleet_store_connections_per_agent</c>: that divided by 200, so the controller's
/// few (<c>fleet_store_connections_controller</c>) are spread over the agents.</item>
/// <item><c>fleet_postgres_max_connections</c>: the server's limit, raised from the test cluster's 200 because each
/// agent keeps two connections at rest (its notification listener and its subscription's reads) and a third while it
/// reads its streams.</item>
/// <item><c>fleet_agent_failed_steps</c>: the agents' passes and subscriptions that failed and were retried (the first
/// failure goes to standard error); 0 when the store kept up.</item>
/// </list>
/// </summary>
internal sealed class FleetBenchmarks : IBenchmarkSuite
{
    private const int Hosts = 200;
    private const int Services = 20;
    private const int Commits = 5;
    private const int MaxConnections = 800;
    private static readonly TimeSpan FirstApplyDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CommitDeadline = TimeSpan.FromMinutes(2);

    public string Name => "fleet";

    public string Description => "200 simulated agents (own store each) and a controller on one PostgreSQL: commit → applied on all 200 hosts; store connections at rest";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        await using var cluster = await PostgresCluster.StartNewAsync(MaxConnections, cancellationToken);
        report.Figure("fleet_postgres_max_connections", await StoreConnections.MaxAsync(cluster, cancellationToken), "connections");
        await using var world = await World.CreateAsync(cluster, new WorldShape { Hosts = Hosts, Services = Services }, cancellationToken);
        var agents = new List<SimulatedAgent>(Hosts);
        try
        {
            await world.CommitServicesAsync("roundrobin", cancellationToken);
            foreach (var host in world.Hosts)
            {
                agents.Add(await SimulatedAgent.StartAsync(world.Store.Options.ConnectionString, host, cancellationToken));
            }

            await world.StartAsync(cancellationToken);
            await world.WaitForAppliedAsync(world.Hosts, 1, FirstApplyDeadline, cancellationToken);
            var rendered = new double[Commits];
            var applied = new double[Commits];
            for (var i = 0; i < Commits; i++)
            {
                var started = await world.CommitServicesAsync(i % 2 == 0 ? "leastconn" : "roundrobin", cancellationToken);
                await world.WaitForRenderedAsync(world.Hosts, i + 2, CommitDeadline, cancellationToken);
                rendered[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                await world.WaitForAppliedAsync(world.Hosts, i + 2, CommitDeadline, cancellationToken);
                applied[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            Array.Sort(rendered);
            Array.Sort(applied);
            var median = BenchmarkReport.Percentile(applied, 50);
            report.Figure("fleet_commit_to_all_200hosts_applied_ms", median, "ms");
            report.Figure("fleet_commit_to_all_200hosts_applied_p50_ms", median, "ms");
            report.Figure("fleet_commit_to_all_200hosts_applied_max_ms", applied[^1], "ms");
            report.Figure("fleet_commit_to_all_200hosts_rendered_ms", BenchmarkReport.Percentile(rendered, 50), "ms");

            await Task.Delay(StoreConnections.Rest, cancellationToken);
            var controller = await StoreConnections.CountAsync(cluster, world.Database, "gitops controller", cancellationToken);
            var fleet = controller + await StoreConnections.CountAsync(cluster, world.Database, "gitops agent@%", cancellationToken);
            report.Figure("fleet_store_connections", fleet, "connections");
            report.Figure("fleet_store_connections_controller", controller, "connections");
            report.Figure("fleet_store_connections_per_agent", (double)fleet / Hosts, "connections");
            var failed = agents.Where(a => a.FailedSteps > 0).ToList();
            report.Figure("fleet_agent_failed_steps", failed.Sum(a => a.FailedSteps), "steps");
            if (failed.Count > 0)
            {
                await Console.Error.WriteLineAsync($"fleet: {failed.Count} agents had failed steps; one of them: {failed[0].LastFailure}");
            }
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }
}
