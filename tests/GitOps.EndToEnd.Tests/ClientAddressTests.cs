using System.Diagnostics;
using GitOps.HAProxy.Runtime;
using GitOps.Testing.Cli;
using GitOps.Testing.Git;
using GitOps.Testing.Network;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Xunit;
using Xunit.Abstractions;

namespace GitOps.EndToEnd.Tests;

/// <summary>
/// The client's address at the backend, in network namespaces the test creates: a client (10.98.1.50) → a load-balancer
/// host (10.98.1.1 / 10.98.2.1) running a real <c>gitops agent</c> (the controller runs in the test's namespace, the
/// store is reached through PostgreSQL's unix socket) → a backend (10.98.2.10, default route through the load balancer)
/// whose own HAProxy answers each request with the peer address it sees (and the X-Forwarded-For it got; on a second
/// port it accepts PROXY protocol). Namespaces, their links and rules, and every process go with the test, also on failure.
/// </summary>
public sealed class ClientAddressTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Client = "10.98.1.50";
    private const string Balancer = "10.98.1.1";
    private const string BalancerInside = "10.98.2.1";
    private const string Backend = "10.98.2.10";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly List<IAsyncDisposable> owned = [];
    private readonly string root = Directory.CreateTempSubdirectory("gitops-client-address-").FullName;
    private NetworkNamespace client = null!;
    private NetworkNamespace balancer = null!;
    private Process? backend;
    private GitRepoBuilder repo = null!;
    private GitOpsProcess? controller;
    private GitOpsProcess? agent;

    public async Task InitializeAsync()
    {
        var prefix = NetworkNamespace.NewPrefix();
        balancer = await CreateAsync(prefix + "-lb");
        client = await CreateAsync(prefix + "-cl");
        var server = await CreateAsync(prefix + "-be");
        // Made inside the load balancer's namespace with the other end moved straight on: the test's own namespace sees no link.
        await balancer.IpAsync(["link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", client.Name]);
        await balancer.IpAsync(["link", "add", "eth1", "type", "veth", "peer", "name", "eth0", "netns", server.Name]);
        await balancer.IpAsync(["addr", "add", Balancer + "/24", "dev", "eth0"]);
        await balancer.IpAsync(["addr", "add", BalancerInside + "/24", "dev", "eth1"]);
        await client.IpAsync(["addr", "add", Client + "/24", "dev", "eth0"]);
        await server.IpAsync(["addr", "add", Backend + "/24", "dev", "eth0"]);
        foreach (var (ns, link) in new[] { (balancer, "eth0"), (balancer, "eth1"), (balancer, "lo"), (client, "eth0"), (client, "lo"), (server, "eth0"), (server, "lo") })
        {
            await ns.IpAsync(["link", "set", link, "up"]);
        }

        // The backend answers the client through the load balancer, as TPROXY needs.
        await server.IpAsync(["route", "add", "default", "via", BalancerInside]);
        StartBackend(server);

        var cluster = await PostgresCluster.SharedAsync(CancellationToken.None);
        var database = "test_" + Guid.NewGuid().ToString("N");
        await using (var admin = new Npgsql.NpgsqlConnection(cluster.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var store = cluster.SocketConnectionStringFor(database);
        repo = await GitRepoBuilder.CreateAsync();
        owned.Add(repo);
        await repo.WriteFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts:\n  - { name: lb1 }\n")
            .WriteFile("services/direct.yaml", Service("direct", 80, Backend + ":8080", "transparent"))
            .WriteFile("services/proxied.yaml", Service("proxied", 81, Backend + ":8081", "proxy-v2"))
            .WriteFile("services/headers.yaml", Service("headers", 82, Backend + ":8080", "header"))
            .CommitAsync("three ways to the client's address");
        var runtime = Path.Combine(root, "run");
        controller = GitOpsProcess.Start("controller", "--repo", repo.WorkTree, "--store", store, "--runtime-dir", runtime);
        agent = GitOpsProcess.StartIn(
            balancer, "agent", "--host", "lb1", "--store", store, "--data-dir", Path.Combine(root, "data"), "--runtime-dir", runtime, "--docker", "none", "--stop-haproxy-on-exit");
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new[] { agent, controller })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        if (backend is not null)
        {
            if (!backend.HasExited)
            {
                backend.Kill(entireProcessTree: true);
                await backend.WaitForExitAsync();
            }

            backend.Dispose();
        }

        owned.Reverse();
        foreach (var disposable in owned)
        {
            await disposable.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Modes_BackendSeesTheClientAddress_AndSwitchingAwayFromTransparentRemovesTheRules()
    {
        // transparent: the connection to the backend comes from the client's own address.
        Assert.Equal($"src={Client} xff=", await AnswerAsync(80, $"src={Client} "));
        // proxy-v2: the backend's accept-proxy bind reads the client's address from the PROXY header.
        Assert.Equal($"src={Client}", await AnswerAsync(81, "src="));
        // header: the connection comes from the load balancer, X-Forwarded-For names the client.
        Assert.Equal($"src={BalancerInside} xff={Client}", await AnswerAsync(82, "src="));
        var mangle = await RulesAsync();
        Assert.Contains(mangle, l => l.Contains("--comment " + TransparentProxyRules.Tag, StringComparison.Ordinal));
        Assert.Contains("fwmark 0x4749 lookup 4749", (await balancer.RunAsync(["ip", "-4", "rule", "show"])).StandardOutput, StringComparison.Ordinal);

        // A commit that takes "direct" off transparent: the agent removes the rules no service needs any more.
        await repo.WriteFile("services/direct.yaml", Service("direct", 80, Backend + ":8080", "none")).CommitAsync("direct: no client address");
        Assert.Equal($"src={BalancerInside} xff=", await AnswerAsync(80, $"src={BalancerInside} "));
        await Poll.UntilAsync(
            async ct => !(await RulesAsync()).Any(l => l.Contains(TransparentProxyRules.Chain, StringComparison.Ordinal))
                        && !(await balancer.RunAsync(["ip", "-4", "rule", "show"], ct)).StandardOutput.Contains("0x4749", StringComparison.Ordinal),
            "the agent to remove its transparent proxying rules",
            Bound);
        Assert.Equal("", (await balancer.RunAsync(["ip", "-4", "route", "show", "table", "4749"])).StandardOutput.Trim());
        Assert.Equal($"src={Client}", await AnswerAsync(81, "src="));
        output.WriteLine(agent!.Transcript());
    }

    private static string Service(string name, int port, string server, string clientAddress) =>
        $"apiVersion: gitops/v1\nkind: Service\nname: {name}\nlisten: {{ port: {port}, mode: http }}\n" +
        $"backend:\n  clientAddress: {clientAddress}\n  servers:\n    - {{ name: app, address: \"{server}\" }}\n";

    /// <summary>Asks the load balancer's <paramref name="port"/> from the client until the answer starts with <paramref name="expected"/>; returns it.</summary>
    private Task<string> AnswerAsync(int port, string expected) =>
        Poll.UntilAsync(
            async ct =>
            {
                var answer = await client.RunAsync(["curl", "-s", "--max-time", "2", $"http://{Balancer}:{port}/"], ct);
                return answer.ExitCode == 0 && answer.StandardOutput.StartsWith(expected, StringComparison.Ordinal) ? answer.StandardOutput.Trim() : null;
            },
            () => $"port {port} did not answer \"{expected}…\" within {Bound.TotalSeconds:0} s.\n{controller?.Transcript()}{agent?.Transcript()}",
            Bound,
            interval: TimeSpan.FromMilliseconds(200));

    private async Task<List<string>> RulesAsync() =>
        [.. (await balancer.RunAsync(["iptables", "-w", "-t", "mangle", "-S"])).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private async Task<NetworkNamespace> CreateAsync(string name)
    {
        var ns = await NetworkNamespace.CreateAsync(name);
        owned.Add(ns);
        return ns;
    }

    private void StartBackend(NetworkNamespace ns)
    {
        var config = Path.Combine(root, "backend.cfg");
        File.WriteAllText(config, $$"""
            defaults
                mode http
                timeout connect 5s
                timeout client 10s
                timeout server 10s
            frontend plain
                bind {{Backend}}:8080
                http-request return status 200 content-type text/plain lf-string "src=%[src] xff=%[req.hdr(x-forwarded-for)]\n"
            frontend proxied
                bind {{Backend}}:8081 accept-proxy
                http-request return status 200 content-type text/plain lf-string "src=%[src]\n"

            """);
        backend = ns.Prepare("haproxy", "-db", "-f", config);
        backend.Start();
    }
}
