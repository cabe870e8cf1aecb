using System.Text.RegularExpressions;
using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Keepalived.Rendering;
using GitOps.Keepalived.Runtime;
using GitOps.Testing;
using GitOps.Testing.HAProxy;
using GitOps.Testing.Network;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.Keepalived.Tests.Runtime;

/// <summary>
/// Two real keepalived processes, each in a network namespace the test creates (linked by a veth pair), each checking a
/// real HAProxy through its admin socket: the rendered configuration moves the address as the design says, and the notify
/// log records keepalived's state changes in keepalived's order.
/// </summary>
public sealed partial class KeepalivedPairTests
{
    private const string Settings = """
        apiVersion: gitops/v1
        kind: Settings
        hosts:
          - { name: lb-a, address: 10.99.0.11 }
          - { name: lb-b, address: 10.99.0.12 }
        virtualAddresses:
          - { address: 10.99.0.10/24, interface: eth0, hosts: [lb-a, lb-b] }
        """;

    private const string ThreeGroupSettings = """
        apiVersion: gitops/v1
        kind: Settings
        hosts:
          - { name: lb-a, address: 10.99.0.11 }
          - { name: lb-b, address: 10.99.0.12 }
        virtualAddresses:
          - { address: 10.99.0.10/24, interface: eth0, hosts: [lb-a, lb-b] }
          - { address: 10.99.0.20/24, interface: eth0, hosts: [lb-a, lb-b] }
          - { address: 10.99.0.30/24, interface: eth0, hosts: [lb-a, lb-b] }
        """;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Pair_PreferredHostServes_HoldsTheAddressUntilItsHAProxyDies()
    {
        var desired = Load(Settings);
        var prefix = NetworkNamespace.NewPrefix();
        var root = Directory.CreateTempSubdirectory("gitops-keepalived-pair-").FullName;
        await using var a = await NetworkNamespace.CreateAsync(prefix + "-lb-a");
        await using var b = await NetworkNamespace.CreateAsync(prefix + "-lb-b");
        await using var haproxyA = new HAProxyFixture();
        await using var haproxyB = new HAProxyFixture();
        KeepalivedSupervisor? keepalivedA = null;
        KeepalivedSupervisor? keepalivedB = null;
        try
        {
            await LinkAsync(prefix, a, b);
            await haproxyA.StartAsync(haproxyA.MinimalConfig(LoopbackPorts.GetFree()));
            await haproxyB.StartAsync(haproxyB.MinimalConfig(LoopbackPorts.GetFree()));
            keepalivedA = await StartAsync(desired, "lb-a", a, haproxyA.AdminSocketPath, Path.Combine(root, "lb-a"));
            // nopreempt: whoever is first holds the address (the agents, absent here, hand it to the preferred host).
            await Poll.UntilAsync(async _ => await HoldsAsync(a, "10.99.0.10"), "lb-a holds 10.99.0.10 on its own", Bound);
            keepalivedB = await StartAsync(desired, "lb-b", b, haproxyB.AdminSocketPath, Path.Combine(root, "lb-b"));

            await Poll.UntilAsync(async _ => await HoldsAsync(a, "10.99.0.10") && !await HoldsAsync(b, "10.99.0.10"), "lb-a holds 10.99.0.10 and lb-b does not", Bound);
            Assert.Contains(KeepalivedNotice.Master, (await RecordedAsync(Path.Combine(root, "lb-a"))).Select(n => n.State));

            await haproxyA.DisposeAsync();

            await Poll.UntilAsync(async _ => await HoldsAsync(b, "10.99.0.10") && !await HoldsAsync(a, "10.99.0.10"), "lb-b holds 10.99.0.10 once lb-a's HAProxy is gone", Bound);
            await Poll.UntilAsync(async _ => (await RecordedAsync(Path.Combine(root, "lb-b"))) is [.., { State: KeepalivedNotice.Master }], "MASTER last in lb-b's notify log", Bound);
            await Poll.UntilAsync(async _ => (await RecordedAsync(Path.Combine(root, "lb-a"))) is [.., { State: KeepalivedNotice.Fault }], "FAULT last in lb-a's notify log", Bound);

            await keepalivedB.StopAsync(CancellationToken.None);

            await Poll.UntilAsync(async _ => !await HoldsAsync(b, "10.99.0.10"), "lb-b released 10.99.0.10 when its keepalived stopped", Bound);
        }
        finally
        {
            await StopAllAsync(keepalivedA, keepalivedB);
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// Three groups, so every change comes three times within milliseconds: both hosts start, lb-a's link drops and
    /// comes back at once (FAULT then BACKUP on both hosts, lb-b briefly MASTER), lb-a's keepalived stops (lb-b takes
    /// over), lb-b's stops. Each host's notify log must hold exactly the changes keepalived printed, in its order, and
    /// end with the STOP of every instance, which keepalived writes only after it has signalled the reader to stop.
    /// lb-a starts over a regular file left at its FIFO's path, which keepalived would otherwise write into unread.
    /// </summary>
    [Fact]
    public async Task Pair_QuickChangesThenShutdown_NotifyLogHasKeepalivedsOrderAndEndsWithStop()
    {
        var desired = Load(ThreeGroupSettings);
        string[] instances = ["gitops_1", "gitops_2", "gitops_3"];
        string[] addresses = ["10.99.0.10", "10.99.0.20", "10.99.0.30"];
        var prefix = NetworkNamespace.NewPrefix();
        var root = Directory.CreateTempSubdirectory("gitops-keepalived-order-").FullName;
        var (directoryA, directoryB) = (Path.Combine(root, "lb-a"), Path.Combine(root, "lb-b"));
        var (outputA, outputB) = (new KeepalivedOutput(), new KeepalivedOutput());
        await using var a = await NetworkNamespace.CreateAsync(prefix + "-lb-a");
        await using var b = await NetworkNamespace.CreateAsync(prefix + "-lb-b");
        await using var haproxyA = new HAProxyFixture();
        await using var haproxyB = new HAProxyFixture();
        KeepalivedSupervisor? keepalivedA = null;
        KeepalivedSupervisor? keepalivedB = null;
        try
        {
            await LinkAsync(prefix, a, b);
            await haproxyA.StartAsync(haproxyA.MinimalConfig(LoopbackPorts.GetFree()));
            await haproxyB.StartAsync(haproxyB.MinimalConfig(LoopbackPorts.GetFree()));
            Directory.CreateDirectory(directoryA);
            await File.WriteAllTextAsync(new KeepalivedPaths(directoryA).NotifyFifoPath, "left by an earlier run\n");
            keepalivedA = await StartAsync(desired, "lb-a", a, haproxyA.AdminSocketPath, directoryA, outputA);
            // nopreempt: whoever is first holds the addresses (the agents, absent here, hand them to the preferred host).
            await Poll.UntilAsync(async _ => await HoldsAllAsync(a, addresses), "lb-a holding the three addresses", Bound);
            keepalivedB = await StartAsync(desired, "lb-b", b, haproxyB.AdminSocketPath, directoryB, outputB);

            await a.IpAsync(["link", "set", "eth0", "down"]);
            await a.IpAsync(["link", "set", "eth0", "up"]);
            // nopreempt: with its link back, lb-a is a backup of each group (its agent, not keepalived, takes addresses back
            // from lb-b); a group lb-b had not taken over in that short flap may have gone back to lb-a at once.
            string[] afterFlap = [KeepalivedNotice.Backup, KeepalivedNotice.Master, KeepalivedNotice.Fault, KeepalivedNotice.Backup];
            await UntilRecordedAsync(directoryA, instances, states => states.Take(afterFlap.Length).SequenceEqual(afterFlap), "lb-a a backup of each group again after its link came back");
            await Poll.UntilAsync(
                async _ =>
                {
                    foreach (var address in addresses)
                    {
                        if (await HoldsAsync(a, address) == await HoldsAsync(b, address))
                        {
                            return false;
                        }
                    }

                    return true;
                },
                "each address held by exactly one host after the flap",
                Bound);

            await keepalivedA.StopAsync(CancellationToken.None);
            await UntilRecordedAsync(directoryA, instances, states => states is [.., KeepalivedNotice.Stop], "lb-a's STOP of each group");
            await Poll.UntilAsync(async _ => await HoldsAllAsync(b, addresses), "lb-b holding the three addresses once lb-a stopped", Bound);
            await Poll.UntilAsync(
                async _ => (await RecordedAsync(directoryB)).Where(n => n.State != KeepalivedNotice.Stop).TakeLast(3).All(n => n.State == KeepalivedNotice.Master),
                "lb-b's MASTER of each group in its notify log",
                Bound);

            await keepalivedB.StopAsync(CancellationToken.None);
            await Poll.UntilAsync(async _ => (await RecordedAsync(directoryB)).Count(n => n.State == KeepalivedNotice.Stop) == 3, "lb-b's STOP of each group", Bound);

            foreach (var (directory, output) in new[] { (directoryA, outputA), (directoryB, outputB) })
            {
                var recorded = (await RecordedAsync(directory)).Select(n => $"{n.Instance} {n.State}").ToList();
                Assert.Equal(instances.Select(i => $"{i} {KeepalivedNotice.Stop}"), recorded[^3..]);
                // A host that starts while its peer already serves reports its init_fail FAULT to the FIFO without printing it.
                Assert.True(WithoutInitialFaults(Entered(output)).SequenceEqual(WithoutInitialFaults(recorded[..^3])), $"notify log of {directory}:\n{string.Join('\n', recorded)}\nkeepalived's output:\n{string.Join('\n', output.Lines.Where(l => l.Contains("gitops_", StringComparison.Ordinal)))}");
            }
        }
        finally
        {
            await StopAllAsync(keepalivedA, keepalivedB);
            Directory.Delete(root, recursive: true);
        }
    }

    private static DesiredState Load(string settings) =>
        DesiredStateLoader.Load([new RepositoryFile(DesiredStateLoader.SettingsPath, settings)]).State!;

    /// <summary>A veth pair between the two namespaces, <c>eth0</c> at both ends, lb-a 10.99.0.11 and lb-b 10.99.0.12.</summary>
    private static async Task LinkAsync(string prefix, NetworkNamespace a, NetworkNamespace b)
    {
        await NetworkNamespace.IpAsync(["link", "add", prefix + "a", "type", "veth", "peer", "name", prefix + "b"]);
        foreach (var (ns, end, address) in new[] { (a, prefix + "a", "10.99.0.11/24"), (b, prefix + "b", "10.99.0.12/24") })
        {
            await NetworkNamespace.IpAsync(["link", "set", end, "netns", ns.Name]);
            await ns.IpAsync(["link", "set", end, "name", "eth0"]);
            await ns.IpAsync(["addr", "add", address, "dev", "eth0"]);
            await ns.IpAsync(["link", "set", "eth0", "up"]);
        }
    }

    private static async Task<KeepalivedSupervisor> StartAsync(DesiredState desired, string host, NetworkNamespace ns, string adminSocket, string directory, KeepalivedOutput? output = null)
    {
        Directory.CreateDirectory(directory);
        var paths = new KeepalivedPaths(directory);
        await ExecutableFile.WriteAsync(paths.CheckScriptPath, KeepalivedConfigRenderer.RenderCheckScript(host, adminSocket, Processes.ProcessRunner.FindOnPath("socat")!));
        await ExecutableFile.WriteAsync(paths.NotifyFifoScriptPath, KeepalivedConfigRenderer.RenderNotifyFifoScript(host, paths, Processes.ProcessRunner.FindOnPath("flock")!));
        await File.WriteAllTextAsync(paths.ConfigPath, KeepalivedConfigRenderer.Render(desired, host, paths));

        // The supervisor runs one program: this one enters the host's namespace, then becomes keepalived (same pid).
        var program = Path.Combine(directory, "keepalived-in-namespace");
        await ExecutableFile.WriteAsync(program, $"#!/bin/sh\nexec ip netns exec {ns.Name} keepalived \"$@\"\n");
        var supervisor = new KeepalivedSupervisor(program, paths, logger: output);
        await supervisor.StartAsync(CancellationToken.None);
        return supervisor;
    }

    private static async Task StopAllAsync(params KeepalivedSupervisor?[] supervisors)
    {
        foreach (var keepalived in supervisors)
        {
            if (keepalived is not null)
            {
                await keepalived.StopAsync(CancellationToken.None);
                await keepalived.DisposeAsync();
            }
        }
    }

    private static async Task<bool> HoldsAsync(NetworkNamespace ns, string address)
    {
        var result = await ns.RunAsync(["ip", "-o", "addr", "show", "dev", "eth0"]);
        return result.StandardOutput.Contains(address + "/24", StringComparison.Ordinal);
    }

    private static async Task<bool> HoldsAllAsync(NetworkNamespace ns, IEnumerable<string> addresses)
    {
        foreach (var address in addresses)
        {
            if (!await HoldsAsync(ns, address))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The notify log of the keepalived in <paramref name="directory"/>, read as the agent reads it.</summary>
    private static async Task<IReadOnlyList<KeepalivedNotice>> RecordedAsync(string directory) =>
        (await new NotifyLog(new KeepalivedPaths(directory)).ReadNewAsync(CancellationToken.None)).Notices;

    /// <summary>Waits until each instance's states in the notify log satisfy <paramref name="recorded"/>; fails showing the log.</summary>
    private static async Task UntilRecordedAsync(string directory, IEnumerable<string> instances, Func<IReadOnlyList<string>, bool> recorded, string what)
    {
        var last = (IReadOnlyList<KeepalivedNotice>)[];
        await Poll.UntilAsync(
            async _ =>
            {
                last = await RecordedAsync(directory);
                return instances.All(i => recorded([.. last.Where(n => n.Instance == i).Select(n => n.State)])) ? last : null;
            },
            () => $"waiting for {what}; the notify log holds: {string.Join(", ", last.Select(n => $"{n.Instance} {n.State}"))}",
            Bound);
    }

    /// <summary><paramref name="changes"/> (<c>&lt;instance&gt; &lt;state&gt;</c>) without each instance's first change when it is a FAULT.</summary>
    private static List<string> WithoutInitialFaults(IEnumerable<string> changes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. changes.Where(c => seen.Add(c.Split(' ')[0]) ? !c.EndsWith(" " + KeepalivedNotice.Fault, StringComparison.Ordinal) : true)];
    }

    /// <summary>The state changes keepalived printed, in its order, as <c>&lt;instance&gt; &lt;state&gt;</c>.</summary>
    private static List<string> Entered(KeepalivedOutput output) =>
        output.Lines.Select(l => EnteringState().Match(l)).Where(m => m.Success).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}").ToList();

    [GeneratedRegex(@"\((gitops_\d+)\) Entering (MASTER|BACKUP|FAULT) STATE")]
    private static partial Regex EnteringState();
}
