using System.Diagnostics;
using System.Globalization;
using GitOps.Processes;
using GitOps.Testing.Cli;
using GitOps.Testing.Git;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;

namespace GitOps.Testing.Network;

/// <summary>
/// A highly available pair as operators run it, in network namespaces made for one test run: load-balancer hosts
/// lb-a (10.99.0.11, preferred) and lb-b (10.99.0.12) sharing 10.99.0.10/24 on eth0, a client (10.99.0.20) and a
/// backend (10.99.0.30, busybox httpd), their eth0 links joined by a bridge in a fifth namespace (nothing is added to
/// the test's own namespace). A real <c>gitops controller</c> (in the test's namespace) and a real <c>gitops agent</c>
/// in each load-balancer namespace share one store, reached through PostgreSQL's unix socket. Disposing stops every
/// process and deletes the namespaces, with their links, also after a failure.
/// </summary>
public sealed class HighlyAvailablePair : IAsyncDisposable
{
    public const string VirtualAddress = "10.99.0.10";
    public const string PreferredHost = "lb-a";
    public const string OtherHost = "lb-b";
    private const string Backend = "10.99.0.30";

    private static readonly string Settings = SettingsWith(PreferredHost, OtherHost);

    private static readonly string Service = $$"""
        apiVersion: gitops/v1
        kind: Service
        name: web
        listen: { port: 80, mode: http }
        backend:
          servers:
            - { name: app, address: "{{Backend}}:80" }
        """;

    private readonly List<IAsyncDisposable> owned = [];
    private readonly Dictionary<string, NetworkNamespace> hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GitOpsProcess> agents = new(StringComparer.Ordinal);
    private readonly string root;
    private string store = "";

    private string SlowStartedPath => Path.Combine(root, "slow-started");
    private Process? backend;
    private GitRepoBuilder? repo;

    private HighlyAvailablePair(string root)
    {
        this.root = root;
    }

    public NetworkNamespace Client { get; private set; } = null!;

    public GitOpsProcess Controller { get; private set; } = null!;

    /// <summary>The store's connection string (unix socket), for <c>gitops status</c> and <c>history</c>.</summary>
    public string Store => store;

    /// <summary>
    /// Builds the network, starts the backend, the controller and both agents on a new database of <paramref name="cluster"/>,
    /// and waits until the client is served through the virtual address.
    /// </summary>
    public static async Task<HighlyAvailablePair> StartAsync(PostgresCluster cluster, string database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var root = Directory.CreateTempSubdirectory("gitops-ha-").FullName;
        var pair = new HighlyAvailablePair(root);
        try
        {
            await pair.BuildAsync(cluster, database, cancellationToken).ConfigureAwait(false);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The namespace of load-balancer host <paramref name="host"/>.</summary>
    public NetworkNamespace Host(string host) => hosts[host];

    public GitOpsProcess Agent(string host) => agents[host];

    /// <summary>
    /// gitops.yaml with both hosts and, when <paramref name="preference"/> names any, one virtual-address group
    /// (<see cref="VirtualAddress"/>/24 on eth0) of those hosts in that order of preference.
    /// </summary>
    public static string SettingsWith(params string[] preference)
    {
        var text = $$"""
            apiVersion: gitops/v1
            kind: Settings
            hosts:
              - { name: {{PreferredHost}}, address: 10.99.0.11 }
              - { name: {{OtherHost}}, address: 10.99.0.12 }

            """;
        return preference.Length == 0
            ? text
            : text + $$"""
                virtualAddresses:
                  - { address: {{VirtualAddress}}/24, interface: eth0, hosts: [{{string.Join(", ", preference)}}] }

                """;
    }

    /// <summary>Commits <paramref name="settings"/> as gitops.yaml to the repository the controller watches.</summary>
    public Task CommitSettingsAsync(string settings, string message, CancellationToken cancellationToken = default) =>
        repo!.WriteFile("gitops.yaml", settings).CommitAsync(message, cancellationToken);

    /// <summary>Whether a keepalived runs for <paramref name="host"/> (the pid file in its keepalived directory names a live process).</summary>
    public bool KeepalivedRuns(string host) =>
        PidFile.Read(Path.Combine(RuntimeDirectory(host), "keepalived", "keepalived.pid")) is { } pid && PosixSignals.IsRunning(pid);

    /// <summary>Every process's output so far, for failure messages.</summary>
    public string Transcripts() => Controller.Transcript() + string.Concat(agents.Values.Select(a => a.Transcript()));

    /// <summary>True when <paramref name="host"/> has the virtual address on its eth0.</summary>
    public async Task<bool> HoldsAsync(string host, CancellationToken cancellationToken = default)
    {
        var result = await hosts[host].RunAsync(["ip", "-o", "-4", "addr", "show", "dev", "eth0"], cancellationToken).ConfigureAwait(false);
        return result.StandardOutput.Contains(" " + VirtualAddress + "/24", StringComparison.Ordinal);
    }

    /// <summary>True when <paramref name="host"/> holds the address and the other host does not.</summary>
    public async Task<bool> HoldsAloneAsync(string host, CancellationToken cancellationToken = default) =>
        await HoldsAsync(host, cancellationToken).ConfigureAwait(false) && !await HoldsAsync(Other(host), cancellationToken).ConfigureAwait(false);

    /// <summary>Waits until <paramref name="host"/> holds the address and the other host does not.</summary>
    public Task WaitForHolderAsync(string host, TimeSpan bound, CancellationToken cancellationToken = default) =>
        Poll.UntilAsync(
            async ct => await HoldsAloneAsync(host, ct).ConfigureAwait(false) ? "held" : null,
            () => $"{host} did not come to hold {VirtualAddress} alone within {bound.TotalSeconds:0} s.\n{Transcripts()}",
            bound,
            cancellationToken,
            TimeSpan.FromMilliseconds(50));

    /// <summary>Takes <paramref name="host"/>'s eth0 down (as a pulled cable) or up again.</summary>
    public Task SetLinkAsync(string host, bool up, CancellationToken cancellationToken = default) =>
        hosts[host].IpAsync(["link", "set", "eth0", up ? "up" : "down"], cancellationToken);

    /// <summary>SIGKILLs <paramref name="host"/>'s HAProxy, master and workers (its own process group); returns the master's pid.</summary>
    public async Task<int> KillHAProxyAsync(string host, CancellationToken cancellationToken = default)
    {
        var pid = PidFile.Read(Path.Combine(RuntimeDirectory(host), "haproxy.pid")) ?? throw new InvalidOperationException($"{host}'s HAProxy has no pid file.");
        await ProcessRunner.RunCheckedAsync("kill", ["-KILL", "--", "-" + pid.ToString(CultureInfo.InvariantCulture)], cancellationToken: cancellationToken).ConfigureAwait(false);
        return pid;
    }

    /// <summary>
    /// SIGKILLs <paramref name="host"/>'s HAProxy <paramref name="kills"/> times, each time after its agent started it again,
    /// as a HAProxy that keeps crashing. The agent restarts a HAProxy that ran long at once, possibly before keepalived's
    /// check (every second) sees it gone, and then the address need not move; each quick death after that doubles the
    /// agent's wait (1 s, 2 s, …), long enough for the check to fail.
    /// </summary>
    public async Task KillHAProxyRepeatedlyAsync(string host, int kills, TimeSpan bound, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kills, 1);
        var killed = await KillHAProxyAsync(host, cancellationToken).ConfigureAwait(false);
        for (var i = 1; i < kills; i++)
        {
            var previous = killed;
            await Poll.UntilAsync(
                () => PidFile.Read(Path.Combine(RuntimeDirectory(host), "haproxy.pid")) is { } pid && pid != previous && PosixSignals.IsRunning(pid),
                $"{host}'s agent to start HAProxy again after kill {i} of {kills}",
                bound,
                cancellationToken).ConfigureAwait(false);
            killed = await KillHAProxyAsync(host, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether <paramref name="host"/>'s HAProxy master (from its pid file) runs.</summary>
    public bool HAProxyRuns(string host) =>
        PidFile.Read(Path.Combine(RuntimeDirectory(host), "haproxy.pid")) is { } pid && PosixSignals.IsRunning(pid);

    /// <summary>Starts a client request loop to the virtual address (at most <paramref name="maxRequests"/> requests).</summary>
    public RequestLoop StartRequests(int maxRequests) => RequestLoop.Start(Client, VirtualAddress, maxRequests);

    /// <summary>
    /// Runs <paramref name="disruption"/> while the client sends requests: starts the loop, waits for 10 successes, disrupts,
    /// waits until <paramref name="recovered"/> holds and 20 more requests succeeded, then stops the loop.
    /// </summary>
    public async Task<RequestLoopResult> MeasureAsync(Func<Task> disruption, Func<CancellationToken, Task<bool>> recovered, TimeSpan bound, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(disruption);
        ArgumentNullException.ThrowIfNull(recovered);
        var maxRequests = (int)((bound * 2) / RequestLoop.Interval) + 40;
        await using var loop = StartRequests(maxRequests);
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Poll.UntilAsync(() => loop.SucceededSince(start) >= 10, "10 requests through the virtual address succeeded before the disruption", bound, cancellationToken).ConfigureAwait(false);
        await disruption().ConfigureAwait(false);
        await Poll.UntilAsync<object>(
            async ct => await recovered(ct).ConfigureAwait(false) ? loop : null,
            () => $"the pair recovered from the disruption; requests so far: {string.Join(", ", loop.Samples.TakeLast(40))}\n{Transcripts()}",
            bound,
            cancellationToken).ConfigureAwait(false);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Poll.UntilAsync(() => loop.SucceededSince(after) >= 20, "20 requests succeeded after the recovery", bound, cancellationToken).ConfigureAwait(false);
        return await loop.StopAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Sends one request for the backend's slow page (answered a second after it starts) from the client and returns once
    /// the backend has begun it, that is, while it is in flight at the host holding the address. The task ends with the HTTP status ("000" when it failed).
    /// </summary>
    public async Task<Task<string>> StartSlowRequestAsync(CancellationToken cancellationToken = default)
    {
        File.Delete(SlowStartedPath);
        var request = Client.RunAsync(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", $"http://{VirtualAddress}/cgi-bin/slow"], cancellationToken);
        await Poll.UntilAsync(() => File.Exists(SlowStartedPath) || request.IsCompleted, "the backend began the slow request", TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        return Answer(request);

        static async Task<string> Answer(Task<GitOps.Processes.ProcessResult> request)
        {
            var result = await request.ConfigureAwait(false);
            return result.StandardOutput.Trim() is { Length: > 0 } status ? status : "000";
        }
    }

    /// <summary>Runs <c>gitops arguments… --store &lt;store&gt;</c> to completion; returns its standard output.</summary>
    public async Task<string> RunCliAsync(params string[] arguments)
    {
        var result = await GitOpsProcess.RunAsync([.. arguments, "--store", store]).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.StandardOutput : throw new InvalidOperationException($"gitops {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}");
    }

    public async ValueTask DisposeAsync()
    {
        // Processes first (agents take HAProxy and keepalived with them), then the namespaces, links and files.
        foreach (var agent in agents.Values)
        {
            await agent.DisposeAsync().ConfigureAwait(false);
        }

        if (Controller is not null)
        {
            await Controller.DisposeAsync().ConfigureAwait(false);
        }

        if (backend is not null)
        {
            if (!backend.HasExited)
            {
                backend.Kill(entireProcessTree: true);
                await backend.WaitForExitAsync().ConfigureAwait(false);
            }

            backend.Dispose();
        }

        owned.Reverse();
        foreach (var disposable in owned)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }

        Directory.Delete(root, recursive: true);
    }

    private static string Other(string host) => host == PreferredHost ? OtherHost : PreferredHost;

    private string RuntimeDirectory(string host) => Path.Combine(root, "run", host);

    private async Task BuildAsync(PostgresCluster cluster, string database, CancellationToken cancellationToken)
    {
        var prefix = NetworkNamespace.NewPrefix();
        var bridge = await CreateNamespaceAsync(prefix + "-sw", cancellationToken).ConfigureAwait(false);
        await bridge.IpAsync(["link", "add", "br0", "type", "bridge"], cancellationToken).ConfigureAwait(false);
        await bridge.IpAsync(["link", "set", "br0", "up"], cancellationToken).ConfigureAwait(false);
        foreach (var (name, address) in new[] { (PreferredHost, "10.99.0.11"), (OtherHost, "10.99.0.12"), ("client", "10.99.0.20"), ("backend", Backend) })
        {
            var ns = await CreateNamespaceAsync(prefix + "-" + name, cancellationToken).ConfigureAwait(false);
            // Made inside the bridge's namespace with the other end moved straight into the host's: the test's own namespace never sees a link.
            var port = "p-" + name;
            await bridge.IpAsync(["link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns.Name], cancellationToken).ConfigureAwait(false);
            await bridge.IpAsync(["link", "set", port, "master", "br0", "up"], cancellationToken).ConfigureAwait(false);
            await ns.IpAsync(["addr", "add", address + "/24", "dev", "eth0"], cancellationToken).ConfigureAwait(false);
            await ns.IpAsync(["link", "set", "eth0", "up"], cancellationToken).ConfigureAwait(false);
            if (name is PreferredHost or OtherHost)
            {
                hosts[name] = ns;
            }
            else if (name == "client")
            {
                Client = ns;
            }
            else
            {
                StartBackend(ns);
            }
        }

        await using (var admin = new Npgsql.NpgsqlConnection(cluster.AdminConnectionString))
        {
            await admin.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        store = cluster.SocketConnectionStringFor(database);
        repo = await GitRepoBuilder.CreateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        owned.Add(repo);
        await repo.WriteFile("gitops.yaml", Settings).WriteFile("services/web.yaml", Service).CommitAsync("highly available pair", cancellationToken).ConfigureAwait(false);
        string[] common = ["--store", store, "--runtime-dir", Path.Combine(root, "run", "{host}")];
        Controller = GitOpsProcess.Start(["controller", "--repo", repo.WorkTree, .. common]);
        foreach (var host in new[] { PreferredHost, OtherHost })
        {
            StartAgent(host, common);
        }

        await WaitForHolderAsync(PreferredHost, TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
    }

    private void StartAgent(string host, string[] common) =>
        agents[host] = GitOpsProcess.StartIn(hosts[host], ["agent", "--host", host, "--data-dir", Path.Combine(root, "data", host), "--stop-haproxy-on-exit", "--docker", "none", .. common]);

    private async Task<NetworkNamespace> CreateNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        var ns = await NetworkNamespace.CreateAsync(name, cancellationToken).ConfigureAwait(false);
        owned.Add(ns);
        return ns;
    }

    private void StartBackend(NetworkNamespace ns)
    {
        var site = Path.Combine(root, "site");
        Directory.CreateDirectory(site);
        File.WriteAllText(Path.Combine(site, "index.html"), "served by the backend\n");
        // A slow page: marks its start in a file (the namespaces share the file system), answers a second later.
        var cgi = Path.Combine(site, "cgi-bin");
        Directory.CreateDirectory(cgi);
        var slow = Path.Combine(cgi, "slow");
        File.WriteAllText(slow, $"#!/bin/sh\ntouch '{SlowStartedPath}'\nsleep 1\nprintf 'Content-Type: text/plain\\r\\n\\r\\nslow\\n'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(slow, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        backend = ns.Prepare("busybox", "httpd", "-f", "-p", Backend + ":80", "-h", site);
        backend.Start();
    }
}
