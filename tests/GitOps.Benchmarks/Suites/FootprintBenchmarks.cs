using System.Globalization;
using GitOps.HAProxy.Rendering;
using GitOps.Testing.Cli;
using GitOps.Testing.Network;
using GitOps.Testing.Postgres;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// The resident memory of the real commands, each a process of its own (the built <c>gitops</c>, started as the
/// end-to-end tests start it) on a real PostgreSQL (test cluster), measured once it has done its work and rested
/// <see cref="Settle"/>: the largest <c>VmRSS</c> in <c>/proc/&lt;pid&gt;/status</c> of <see cref="Samples"/> samples a
/// second apart.
/// <list type="bullet">
/// <item><c>controller_rss_mb</c> (target ≤ 400 MB): <c>gitops controller</c> on a store holding 100 hosts with 100
/// containers each (10,000, appended as one DiscoveryResynced per host's docker stream) and 100 services on every host,
/// once it has rendered all 100 hosts.</item>
/// <item><c>agent_rss_mb</c> (target ≤ 150 MB): <c>gitops agent --docker none</c> for a host with 1,000 containers over
/// 100 services, once it has applied the configuration a controller (in this process) rendered with them. The
/// containers are announced in the store rather than run (their addresses in 127.0.0.0/8, no health checks, so HAProxy
/// sends nothing anywhere); the agent runs the real HAProxy on a free port on 127.0.0.1, whose memory is not counted:
/// only the agent's own pid is read, not its HAProxy children.</item>
/// </list>
/// </summary>
internal sealed class FootprintBenchmarks : IBenchmarkSuite
{
    private const string HAProxy = "/usr/sbin/haproxy";
    private const int Samples = 5;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public string Name => "footprint";

    public string Description => "resident memory of a gitops controller process (100 hosts, 10,000 containers) and of a gitops agent process (1,000 containers)";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        await using var cluster = await PostgresCluster.StartNewAsync(cancellationToken);
        var root = Directory.CreateTempSubdirectory("gitops-bench-").FullName;
        try
        {
            await ControllerAsync(report, cluster, root, cancellationToken);
            await AgentAsync(report, cluster, root, cancellationToken);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task ControllerAsync(BenchmarkReport report, PostgresCluster cluster, string root, CancellationToken cancellationToken)
    {
        await using var world = await World.CreateAsync(cluster, new WorldShape { Hosts = 100, Services = 100 }, cancellationToken);
        await world.CommitServicesAsync("roundrobin", cancellationToken);
        foreach (var host in world.Hosts)
        {
            await world.ResyncAsync(host, 100, cancellationToken);
        }

        await using var controller = GitOpsProcess.Start(
            "controller", "--repo", world.Git.WorkTree, "--store", world.Store.Options.ConnectionString, "--bind", "127.0.0.1",
            "--runtime-dir", Path.Combine(root, "run-{host}"), "--haproxy", HAProxy, "--log-level", "Warning");
        await UnlessExitedAsync(controller, () => world.WaitForRenderedAsync(world.Hosts, 1, Deadline, cancellationToken));
        report.Figure("controller_rss_mb", await SettledRssAsync(controller, cancellationToken), "MB");
        await controller.InterruptAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task AgentAsync(BenchmarkReport report, PostgresCluster cluster, string root, CancellationToken cancellationToken)
    {
        var runtime = Directory.CreateDirectory(Path.Combine(root, "run-lb1")).FullName;
        var shape = new WorldShape
        {
            Hosts = 1,
            Services = 100,
            ListenPort = LoopbackPorts.GetFree(),
            Served = true,
            RenderOptions = new RenderOptions { BindAddress = "127.0.0.1", RuntimeDirectory = runtime },
        };
        await using var world = await World.CreateAsync(cluster, shape, cancellationToken);
        await world.CommitServicesAsync("roundrobin", cancellationToken);
        await world.ResyncAsync("lb1", 1_000, cancellationToken);
        await world.StartAsync(cancellationToken);
        await world.WaitForAsync("lb1", 1, cancellationToken);
        await using var agent = GitOpsProcess.Start(
            "agent", "--host", "lb1", "--data-dir", Path.Combine(root, "agent"), "--docker", "none", "--stop-haproxy-on-exit",
            "--store", world.Store.Options.ConnectionString, "--runtime-dir", runtime, "--haproxy", HAProxy, "--log-level", "Warning");
        await UnlessExitedAsync(agent, () => world.WaitForAppliedAsync(["lb1"], 1, Deadline, cancellationToken));
        report.Figure("agent_rss_mb", await SettledRssAsync(agent, cancellationToken), "MB");
        // Ctrl-C: the agent stops its HAProxy (--stop-haproxy-on-exit); disposing would kill both should this fail.
        await agent.InterruptAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Runs <paramref name="wait"/>; when it times out, the message carries the process's output, which says why.</summary>
    private static async Task UnlessExitedAsync(GitOpsProcess process, Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{(process.HasExited ? " The process exited." : "")}\n{process.Transcript()}", ex);
        }
    }

    /// <summary>After <see cref="Settle"/> at rest, the largest resident set of <see cref="Samples"/> samples a second apart, in MB.</summary>
    private static async Task<double> SettledRssAsync(GitOpsProcess process, CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, cancellationToken);
        var largest = 0L;
        for (var i = 0; i < Samples; i++)
        {
            if (i > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            largest = Math.Max(largest, ResidentKilobytes(process));
        }

        return largest / 1024.0;
    }

    /// <summary>VmRSS of the process itself (its children, HAProxy and <c>haproxy -c</c>, are processes of their own).</summary>
    private static long ResidentKilobytes(GitOpsProcess process)
    {
        var pid = process.Id.ToString(CultureInfo.InvariantCulture);
        if (process.HasExited || File.ReadAllText($"/proc/{pid}/comm").Trim() != "dotnet")
        {
            throw new InvalidOperationException($"'{process.Description}' is not running as dotnet under pid {pid}.\n{process.Transcript()}");
        }

        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        // "VmRSS:	  123456 kB"
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
