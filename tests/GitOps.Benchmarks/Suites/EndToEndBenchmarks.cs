using System.Diagnostics;
using System.Globalization;
using GitOps.Cli;
using GitOps.Testing.Docker;
using GitOps.Testing.Git;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using GitOps.Testing.Postgres;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// The whole system as operators run it, through the real commands (in-process, on real PostgreSQL, haproxy, git
/// and the shared test dockerd): how long from a container started until a request through HAProxy reaches it, with
/// <c>gitops up</c> running; and from a commit until every host (controller and two agents on one store) serves it.
/// The first container after <c>gitops up</c> started runs code paths for the first time (JIT, the first runtime-API
/// connection): it is reported on its own as <c>container_started_to_served_first_ms</c>, and the percentiles are of the
/// <see cref="Containers"/> after it.
/// </summary>
internal sealed class EndToEndBenchmarks : IBenchmarkSuite
{
    private const int Containers = 20;
    private const int Commits = 20;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public string Name => "e2e";

    public string Description => "gitops up: container start → first request served through HAProxy (a first container, then 20); commit → served on 2 hosts (20 commits)";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        await ContainerToServedAsync(report, cancellationToken);
        await CommitToServedAsync(report, cancellationToken);
    }

    private static async Task ContainerToServedAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        var docker = new DockerFixture();
        await docker.InitializeAsync();
        var root = TempDirectory();
        try
        {
            await using var repo = await GitRepoBuilder.CreateAsync(cancellationToken: cancellationToken);
            // Service c0's container is the first one; c1 … c20 are measured.
            var ports = LoopbackPorts.GetFree(Containers + 1);
            for (var i = 0; i <= Containers; i++)
            {
                repo.WriteFile($"services/c{i}.yaml", $"apiVersion: gitops/v1\nkind: Service\nname: c{i}\nlisten: {{ port: {ports[i]}, mode: http }}\nbackend:\n  discover:\n    labels: {{ app: bench-{docker.RunId}-{i} }}\n    port: 80\n");
            }

            await repo.CommitAsync("twenty-one services", cancellationToken);
            await using var up = Run(["up", "--repo", repo.WorkTree, "--data-dir", Path.Combine(root, "data"), "--bind", "127.0.0.1", "--docker", docker.Endpoint], cancellationToken);
            await up.WaitForAsync("Serving host", TimeSpan.FromSeconds(120));
            var fromStarted = new double[Containers + 1];
            var fromRun = new double[Containers + 1];
            for (var i = 0; i <= Containers; i++)
            {
                var run = Stopwatch.GetTimestamp();
                var container = await docker.RunHttpContainerAsync(
                    new HttpContainerOptions { Labels = new Dictionary<string, string> { ["app"] = $"bench-{docker.RunId}-{i}" } }, cancellationToken);
                var started = Stopwatch.GetTimestamp();
                await ServedAsync(ports[i], container.Name, cancellationToken);
                fromStarted[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                fromRun[i] = Stopwatch.GetElapsedTime(run).TotalMilliseconds;
            }

            report.Figure("container_started_to_served_first_ms", fromStarted[0], "ms");
            var started20 = fromStarted[1..].Order().ToArray();
            var run20 = fromRun[1..].Order().ToArray();
            report.Figure("container_started_to_served_p50", BenchmarkReport.Percentile(started20, 50), "ms");
            report.Figure("container_started_to_served_p99", BenchmarkReport.Percentile(started20, 99), "ms");
            report.Figure("docker_run_to_served_p50", BenchmarkReport.Percentile(run20, 50), "ms");
            report.Figure("docker_run_to_served_p99", BenchmarkReport.Percentile(run20, 99), "ms");
        }
        finally
        {
            await docker.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task CommitToServedAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        await using var cluster = await PostgresCluster.StartNewAsync(cancellationToken);
        var root = TempDirectory();
        try
        {
            await using var repo = await GitRepoBuilder.CreateAsync(cancellationToken: cancellationToken);
            await using var blue = new LoopbackHttpServer("blue");
            await using var green = new LoopbackHttpServer("green");
            var ports = LoopbackPorts.GetFree(2);
            string[] hosts = ["lb1", "lb2"];
            void Write(LoopbackHttpServer target)
            {
                repo.WriteFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts:\n  - name: lb1\n  - name: lb2\n");
                for (var h = 0; h < hosts.Length; h++)
                {
                    repo.WriteFile($"services/s{h}.yaml", $"apiVersion: gitops/v1\nkind: Service\nname: s{h}\nhosts: [{hosts[h]}]\nlisten: {{ port: {ports[h]}, mode: http }}\nbackend:\n  servers:\n    - {{ name: app, address: 127.0.0.1:{target.Port} }}\n");
                }
            }

            Write(blue);
            await repo.CommitAsync("blue", cancellationToken);
            var store = cluster.ConnectionStringFor("postgres");
            string[] common = ["--store", store, "--runtime-dir", Path.Combine(root, "{host}")];
            await using var controller = Run(["controller", "--repo", repo.WorkTree, "--bind", "127.0.0.1", .. common], cancellationToken);
            await using var lb1 = Run(["agent", "--host", "lb1", "--data-dir", Path.Combine(root, "a1"), "--stop-haproxy-on-exit", "--docker", "none", .. common], cancellationToken);
            await using var lb2 = Run(["agent", "--host", "lb2", "--data-dir", Path.Combine(root, "a2"), "--stop-haproxy-on-exit", "--docker", "none", .. common], cancellationToken);
            await Task.WhenAll(ServedAsync(ports[0], "blue", cancellationToken, TimeSpan.FromSeconds(60)), ServedAsync(ports[1], "blue", cancellationToken, TimeSpan.FromSeconds(60)));
            var samples = new double[Commits];
            for (var i = 0; i < Commits; i++)
            {
                var target = i % 2 == 0 ? green : blue;
                Write(target);
                var started = Stopwatch.GetTimestamp();
                await repo.CommitAsync(target.Body, cancellationToken);
                await Task.WhenAll(ServedAsync(ports[0], target.Body, cancellationToken), ServedAsync(ports[1], target.Body, cancellationToken));
                samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            Array.Sort(samples);
            report.Figure("commit_to_served_2hosts_p50", BenchmarkReport.Percentile(samples, 50), "ms");
            report.Figure("commit_to_served_2hosts_p99", BenchmarkReport.Percentile(samples, 99), "ms");
            report.Figure("commit_to_served_2hosts_max", samples[^1], "ms");

            // An agent at rest (nothing to apply): the connections it keeps open to the store.
            await Task.Delay(StoreConnections.Rest, cancellationToken);
            report.Figure("store_connections_per_agent", await StoreConnections.CountAsync(cluster, "postgres", "gitops agent@lb1", cancellationToken), "connections");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Polls GET 127.0.0.1:port every 5 ms until the body has <paramref name="expected"/>.</summary>
    private static async Task ServedAsync(int port, string expected, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Deadline);
        while (true)
        {
            try
            {
                if ((await LoopbackHttpClient.GetStringAsync(port, cancellationToken: cancellationToken)).Contains(expected, StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not served yet (503 while the backend is empty, or the frontend not bound yet).
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)} did not serve '{expected}' in time.");
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    private static string TempDirectory()
    {
        var root = Directory.CreateTempSubdirectory("gitops-bench-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // The private PostgreSQL of `up` runs as user postgres, which must be able to walk down to it.
            File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        }

        return root;
    }

    private static RunningCommand Run(string[] arguments, CancellationToken cancellationToken) => new(arguments, cancellationToken);

    /// <summary>A long-running gitops command in this process, stopped like Ctrl-C on dispose.</summary>
    private sealed class RunningCommand : IAsyncDisposable
    {
        private readonly CancellationTokenSource stopping;
        private readonly StringWriter output = new();
        private readonly TextWriter synchronizedOutput;
        private readonly Task<int> run;

        public RunningCommand(string[] arguments, CancellationToken cancellationToken)
        {
            stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            synchronizedOutput = TextWriter.Synchronized(output);
            run = Task.Run(() => CliApp.RunAsync(arguments, synchronizedOutput, synchronizedOutput, stopping.Token), CancellationToken.None);
        }

        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Text().Contains(text, StringComparison.Ordinal))
            {
                if (run.IsCompleted || DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"'{text}' not printed in time:\n{Text()}");
                }

                await Task.Delay(50);
            }
        }

        private string Text()
        {
            // TextWriter.Synchronized locks the wrapper itself around every write.
            lock (synchronizedOutput)
            {
                return output.ToString();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stopping.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(60));
            stopping.Dispose();
            await synchronizedOutput.DisposeAsync();
        }
    }
}
