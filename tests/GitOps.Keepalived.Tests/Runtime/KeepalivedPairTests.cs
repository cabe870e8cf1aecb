using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Keepalived.Rendering;
using GitOps.Keepalived.Runtime;
using GitOps.Testing.HAProxy;
using GitOps.Testing.Network;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.Keepalived.Tests.Runtime;

/// <summary>
/// Two real keepalived processes, each in a network namespace the test creates (linked by a veth pair), each checking a
/// real HAProxy through its admin socket: the rendered configuration moves the address as the design says.
/// </summary>
public sealed class KeepalivedPairTests
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

    [Fact]
    public async Task Pair_PreferredHostServes_HoldsTheAddressUntilItsHAProxyDies()
    {
        var desired = DesiredStateLoader.Load([new RepositoryFile(DesiredStateLoader.SettingsPath, Settings)]).State!;
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
            await NetworkNamespace.IpAsync(["link", "add", prefix + "a", "type", "veth", "peer", "name", prefix + "b"]);
            foreach (var (ns, end, address) in new[] { (a, prefix + "a", "10.99.0.11/24"), (b, prefix + "b", "10.99.0.12/24") })
            {
                await NetworkNamespace.IpAsync(["link", "set", end, "netns", ns.Name]);
                await ns.IpAsync(["link", "set", end, "name", "eth0"]);
                await ns.IpAsync(["addr", "add", address, "dev", "eth0"]);
                await ns.IpAsync(["link", "set", "eth0", "up"]);
            }

            await haproxyA.StartAsync(haproxyA.MinimalConfig(LoopbackPorts.GetFree()));
            await haproxyB.StartAsync(haproxyB.MinimalConfig(LoopbackPorts.GetFree()));
            keepalivedA = await StartAsync(desired, "lb-a", a, haproxyA.AdminSocketPath, Path.Combine(root, "lb-a"));
            keepalivedB = await StartAsync(desired, "lb-b", b, haproxyB.AdminSocketPath, Path.Combine(root, "lb-b"));

            await Poll.UntilAsync(async _ => await HoldsAsync(a) && !await HoldsAsync(b), "lb-a holds 10.99.0.10 and lb-b does not", TimeSpan.FromSeconds(15));
            Assert.Contains(KeepalivedNotice.Master, await StatesAsync(Path.Combine(root, "lb-a")));

            await haproxyA.DisposeAsync();

            await Poll.UntilAsync(async _ => await HoldsAsync(b) && !await HoldsAsync(a), "lb-b holds 10.99.0.10 once lb-a's HAProxy is gone", TimeSpan.FromSeconds(15));
            Assert.Equal(KeepalivedNotice.Fault, (await StatesAsync(Path.Combine(root, "lb-a")))[^1]);
            Assert.Equal(KeepalivedNotice.Master, (await StatesAsync(Path.Combine(root, "lb-b")))[^1]);

            await keepalivedB.StopAsync(CancellationToken.None);

            await Poll.UntilAsync(async _ => !await HoldsAsync(b), "lb-b released 10.99.0.10 when its keepalived stopped", TimeSpan.FromSeconds(15));
        }
        finally
        {
            foreach (var keepalived in new[] { keepalivedA, keepalivedB })
            {
                if (keepalived is not null)
                {
                    await keepalived.StopAsync(CancellationToken.None);
                    await keepalived.DisposeAsync();
                }
            }

            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<KeepalivedSupervisor> StartAsync(DesiredState desired, string host, NetworkNamespace ns, string adminSocket, string directory)
    {
        Directory.CreateDirectory(directory);
        var paths = new KeepalivedPaths(directory);
        await WriteExecutableAsync(paths.CheckScriptPath, KeepalivedConfigRenderer.RenderCheckScript(host, adminSocket, Processes.ProcessRunner.FindOnPath("socat")!));
        await WriteExecutableAsync(paths.NotifyScriptPath, KeepalivedConfigRenderer.RenderNotifyScript(host, paths));
        await File.WriteAllTextAsync(paths.ConfigPath, KeepalivedConfigRenderer.Render(desired, host, paths));

        // The supervisor runs one program: this one enters the host's namespace, then becomes keepalived (same pid).
        var program = Path.Combine(directory, "keepalived-in-namespace");
        await WriteExecutableAsync(program, $"#!/bin/sh\nexec ip netns exec {ns.Name} keepalived \"$@\"\n");
        var supervisor = new KeepalivedSupervisor(program, paths);
        await supervisor.StartAsync(CancellationToken.None);
        return supervisor;
    }

    private static async Task<bool> HoldsAsync(NetworkNamespace ns)
    {
        var result = await ns.RunAsync(["ip", "-o", "addr", "show", "dev", "eth0"]);
        return result.StandardOutput.Contains("10.99.0.10/24", StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<string>> StatesAsync(string directory)
    {
        var log = Path.Combine(directory, "notify.log");
        return File.Exists(log) ? (await File.ReadAllLinesAsync(log)).Select(l => l.Split(' ')[2]).ToList() : [];
    }

    private static async Task WriteExecutableAsync(string path, string text)
    {
        await File.WriteAllTextAsync(path, text);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("keepalived runs on Linux only.");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }
}
