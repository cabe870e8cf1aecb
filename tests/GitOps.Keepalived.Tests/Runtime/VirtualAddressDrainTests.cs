using System.Diagnostics;
using System.Net;
using GitOps.Keepalived.Runtime;
using GitOps.Testing.Network;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.Keepalived.Tests.Runtime;

/// <summary>
/// The drain of a planned move with real iptables, in two network namespaces the test creates (a host holding a
/// virtual address with a real listener on it, and a client): new connections are dropped (the client times out,
/// it is not refused), open ones are counted until they end, and ending the drain removes only its own rule.
/// </summary>
public sealed class VirtualAddressDrainTests
{
    private static readonly IPAddress Virtual = IPAddress.Parse("10.97.0.10");

    [Fact]
    public async Task Drain_DropsNewConnectionsCountsOpenOnesAndRemovesOnlyItsRule()
    {
        var prefix = NetworkNamespace.NewPrefix();
        await using var host = await NetworkNamespace.CreateAsync(prefix + "-host");
        await using var client = await NetworkNamespace.CreateAsync(prefix + "-client");
        using var listener = host.Prepare("socat", "TCP-LISTEN:8080,bind=10.97.0.10,fork,reuseaddr", "EXEC:cat");
        using var held = client.Prepare("socat", "-", "TCP:10.97.0.10:8080");
        held.StartInfo.RedirectStandardInput = true;
        try
        {
            await NetworkNamespace.IpAsync(["link", "add", prefix + "h", "type", "veth", "peer", "name", prefix + "c"]);
            foreach (var (ns, end, address) in new[] { (host, prefix + "h", "10.97.0.1/24"), (client, prefix + "c", "10.97.0.2/24") })
            {
                await NetworkNamespace.IpAsync(["link", "set", end, "netns", ns.Name]);
                await ns.IpAsync(["link", "set", end, "name", "eth0"]);
                await ns.IpAsync(["addr", "add", address, "dev", "eth0"]);
                await ns.IpAsync(["link", "set", "eth0", "up"]);
            }

            await host.IpAsync(["addr", "add", "10.97.0.10/24", "dev", "eth0"]);
            var foreign = new[] { "-w", "-t", "raw", "-A", "PREROUTING", "-d", "10.97.0.99/32", "-m", "comment", "--comment", "someone-else", "-j", "ACCEPT" };
            Assert.Equal(0, (await host.RunAsync(["iptables", .. foreign])).ExitCode);
            listener.Start();
            await Poll.UntilAsync(async _ => await ConnectAsync(client) == 0, "the listener on 10.97.0.10:8080 accepts", TimeSpan.FromSeconds(15));

            var drain = new VirtualAddressDrain(TimeProvider.System, runIn: host.Exec(), procNet: $"/proc/{listener.Id}/net");
            held.Start();
            await Poll.UntilAsync(() => drain.OpenConnections([Virtual]) >= 1, "the held connection is seen open on the host", TimeSpan.FromSeconds(15));

            Assert.Null(await drain.CloseAsync([Virtual], CancellationToken.None));
            Assert.Null(await drain.CloseAsync([Virtual], CancellationToken.None)); // a second close adds nothing
            Assert.Single(DrainRules(await RawRulesAsync(host)));

            // A new client is neither served nor refused: its SYN is dropped, so it waits (and would try again).
            Assert.Equal(124, await ConnectAsync(client));

            // The open connection keeps the drain waiting until its bound; once it ends, the host is idle.
            Assert.True(await drain.WaitUntilIdleAsync([Virtual], TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), CancellationToken.None) >= 1);
            held.StandardInput.Close();
            Assert.Equal(0, await drain.WaitUntilIdleAsync([Virtual], TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10), CancellationToken.None));

            await drain.OpenAsync([Virtual], CancellationToken.None);
            var rules = await RawRulesAsync(host);
            Assert.Empty(DrainRules(rules));
            Assert.Contains("someone-else", rules, StringComparison.Ordinal);
            Assert.Equal(0, await ConnectAsync(client));

            // What a crashed agent left is cleared at the next start, still sparing the rules of others.
            Assert.Null(await drain.CloseAsync([Virtual], CancellationToken.None));
            await drain.OpenAsync(null, CancellationToken.None);
            rules = await RawRulesAsync(host);
            Assert.Empty(DrainRules(rules));
            Assert.Contains("someone-else", rules, StringComparison.Ordinal);
        }
        finally
        {
            Stop(held);
            Stop(listener);
        }
    }

    /// <summary>Opens a TCP connection from the client with a 0.6 s bound: 0 connected, 124 timed out, else refused or failed.</summary>
    private static async Task<int> ConnectAsync(NetworkNamespace client) =>
        (await client.RunAsync(["timeout", "0.6", "bash", "-c", "exec 3<>/dev/tcp/10.97.0.10/8080"])).ExitCode;

    private static async Task<string> RawRulesAsync(NetworkNamespace host) =>
        (await host.RunAsync(["iptables", "-w", "-t", "raw", "-S", "PREROUTING"])).StandardOutput;

    private static List<string> DrainRules(string rules) =>
        [.. rules.Split('\n').Where(l => l.Contains(VirtualAddressDrain.Tag, StringComparison.Ordinal))];

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
    }
}
