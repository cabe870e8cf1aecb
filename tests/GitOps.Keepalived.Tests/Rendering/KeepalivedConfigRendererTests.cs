using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Keepalived.Rendering;
using GitOps.Keepalived.Validation;
using GitOps.Testing;
using GitOps.Testing.Network;
using Xunit;

namespace GitOps.Keepalived.Tests.Rendering;

public sealed class KeepalivedConfigRendererTests : IDisposable
{
    private static readonly GoldenFiles Golden = new("GitOps.Keepalived.Tests");

    private const string PairSettings = """
        apiVersion: gitops/v1
        kind: Settings
        hosts:
          - { name: lb-a, address: 10.99.0.11 }
          - { name: lb-b, address: 10.99.0.12 }
          - { name: lb-c, address: 10.99.0.13 }
          - { name: edge }
        virtualAddresses:
          - { address: 10.99.0.10/24, interface: eth0, hosts: [lb-a, lb-b] }
          - { address: 10.99.1.10/32, interface: br-lan.2, hosts: [lb-c, lb-b, lb-a] }
        """;

    private readonly string directory = Directory.CreateTempSubdirectory("gitops-keepalived-render-").FullName;

    public static TheoryData<string> Hosts => new("lb-a", "lb-b", "lb-c");

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Render_HostOfGroups_MatchesGoldenFile(string host)
    {
        var text = KeepalivedConfigRenderer.Render(Pair(), host, new KeepalivedPaths("/run/gitops-keepalived/" + host));

        Golden.AssertMatches("pair", host + ".conf", text!);
    }

    [Fact]
    public void Render_HostInNoGroup_ReturnsNull()
    {
        Assert.Null(KeepalivedConfigRenderer.Render(Pair(), "edge", new KeepalivedPaths("/run/gitops-keepalived/edge")));
    }

    [Fact]
    public void RenderScripts_MatchGoldenFiles()
    {
        var paths = new KeepalivedPaths("/run/gitops-keepalived/lb-a");

        Golden.AssertMatches("pair", "check-haproxy.sh", KeepalivedConfigRenderer.RenderCheckScript("lb-a", "/run/gitops-haproxy/lb-a/admin.sock", "/usr/bin/socat"));
        Golden.AssertMatches("pair", "notify-fifo.sh", KeepalivedConfigRenderer.RenderNotifyFifoScript("lb-a", paths, "/usr/bin/flock"));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Render_HostOfGroups_PassesKeepalivedConfigTest(string host)
    {
        // keepalived --config-test refuses interfaces that do not exist: check in a namespace that has the groups' interfaces.
        await using var ns = await NetworkNamespace.CreateAsync(NetworkNamespace.NewPrefix() + "-kcheck");
        // No dummy module here: the two ends of one veth pair give both names.
        await ns.IpAsync(["link", "add", "eth0", "type", "veth", "peer", "name", "br-lan.2"]);

        var paths = new KeepalivedPaths(directory);
        await File.WriteAllTextAsync(paths.CheckScriptPath, KeepalivedConfigRenderer.RenderCheckScript(host, "/run/gitops-haproxy/admin.sock", "/usr/bin/socat"));
        await File.WriteAllTextAsync(paths.NotifyFifoScriptPath, KeepalivedConfigRenderer.RenderNotifyFifoScript(host, paths, "/usr/bin/flock"));
        await File.WriteAllTextAsync(paths.ConfigPath, KeepalivedConfigRenderer.Render(Pair(), host, paths));

        var result = await KeepalivedConfigChecker.CheckAsync(ns.Exec("keepalived"), paths.ConfigPath, CancellationToken.None);

        Assert.True(result.IsValid, result.Output);
    }

    [Fact]
    public async Task ConfigChecker_BrokenConfiguration_ReportsKeepalivedsComplaint()
    {
        var path = Path.Combine(directory, "broken.conf");
        await File.WriteAllTextAsync(path, "vrrp_instance x {\n    advert_int abc\n}\n");

        var result = await KeepalivedConfigChecker.CheckAsync(["keepalived"], path, CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Contains("invalid number 'abc'", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eth0\n    notify \"/tmp/evil\"")]
    [InlineData("eth0 }")]
    [InlineData("eth0#x")]
    public void Render_UnsafeInterfaceThatSkippedValidation_Throws(string name)
    {
        var state = Pair() with
        {
            Settings = Pair().Settings with
            {
                VirtualAddresses = ValueList.Create(Pair().Settings.VirtualAddresses[0] with { Interface = name }),
            },
        };

        Assert.Throws<ArgumentException>(() => KeepalivedConfigRenderer.Render(state, "lb-a", new KeepalivedPaths("/run/x")));
    }

    [Theory]
    [InlineData("10.99.0.12\n}")]
    [InlineData("10.99.0.12 ")]
    [InlineData("peer.example")]
    public void Render_UnsafePeerAddressThatSkippedValidation_Throws(string address)
    {
        var state = Pair() with
        {
            Settings = Pair().Settings with
            {
                Hosts = Pair().Settings.Hosts.Select(h => h.Name == "lb-b" ? h with { Address = address } : h).ToValueList(),
            },
        };

        Assert.Throws<ArgumentException>(() => KeepalivedConfigRenderer.Render(state, "lb-a", new KeepalivedPaths("/run/x")));
    }

    [Theory]
    [InlineData("flock")]
    [InlineData("/usr/bin/flock' -x; '/bin/sh")]
    [InlineData("/usr/bin/flock\nrm -rf /")]
    public void RenderNotifyFifoScript_UnsafeProgramPath_Throws(string program)
    {
        Assert.Throws<ArgumentException>(() => KeepalivedConfigRenderer.RenderNotifyFifoScript("lb-a", new KeepalivedPaths("/run/x"), program));
    }

    [Theory]
    [InlineData("relative/dir")]
    [InlineData("/run/it's")]
    [InlineData("/run/a b")]
    public void Paths_UnsafeDirectory_Throws(string directoryName)
    {
        Assert.Throws<ArgumentException>(() => new KeepalivedPaths(directoryName));
    }

    [Fact]
    public void PriorityOf_FollowsTheOrderOfPreference()
    {
        var group = Pair().Settings.VirtualAddresses[1];

        Assert.Equal([254, 253, 252], group.Hosts.Select(h => KeepalivedConfigRenderer.PriorityOf(group, h)));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static DesiredState Pair()
    {
        var result = DesiredStateLoader.Load([new RepositoryFile(DesiredStateLoader.SettingsPath, PairSettings)]);
        Assert.Empty(result.Diagnostics);
        return result.State!;
    }
}
