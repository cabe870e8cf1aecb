using GitOps.HAProxy.Runtime;
using GitOps.Testing.Network;
using Xunit;

namespace GitOps.HAProxy.Tests.Runtime;

/// <summary>
/// <see cref="TransparentProxyRules"/> against the real iptables and ip, each test in a network namespace of its own
/// (deleted with its rules afterwards, also on failure): the rules appear once however often they are ensured, removal
/// takes only them, and a host that cannot have them gets a reason.
/// </summary>
public sealed class TransparentProxyRulesTests
{
    [Fact]
    public async Task EnsureTwiceThenRemove_RulesAppearOnceAndOnlyOursGo()
    {
        await using var ns = await NetworkNamespace.CreateAsync(NetworkNamespace.NewPrefix() + "-tpx");
        await ns.RunAsync(["iptables", "-w", "-t", "mangle", "-A", "PREROUTING", "-p", "udp", "-j", "ACCEPT"]);
        await ns.IpAsync(["rule", "add", "fwmark", "0x1", "lookup", "100"]);
        var rules = new TransparentProxyRules(runIn: ns.Exec());

        Assert.Null(await rules.EnsureAsync(CancellationToken.None));
        Assert.Null(await rules.EnsureAsync(CancellationToken.None));

        var mangle = await MangleAsync(ns);
        Assert.Single(mangle, l => l.Contains("--comment " + TransparentProxyRules.Tag, StringComparison.Ordinal) && l.Contains("-m socket", StringComparison.Ordinal));
        Assert.Contains($"-N {TransparentProxyRules.Chain}", mangle);
        Assert.Single(mangle, l => l.StartsWith($"-A {TransparentProxyRules.Chain} -j MARK", StringComparison.Ordinal));
        Assert.Single(mangle, l => l == $"-A {TransparentProxyRules.Chain} -j ACCEPT");
        Assert.Single(await PolicyRulesAsync(ns), l => l.Contains("fwmark 0x4749 lookup 4749", StringComparison.Ordinal));
        Assert.Contains("local default dev lo", (await ns.RunAsync(["ip", "-4", "route", "show", "table", "4749"])).StandardOutput, StringComparison.Ordinal);
        Assert.True(await rules.AnyPresentAsync(CancellationToken.None));

        Assert.Null(await rules.RemoveAsync(CancellationToken.None));

        mangle = await MangleAsync(ns);
        Assert.DoesNotContain(mangle, l => l.Contains(TransparentProxyRules.Chain, StringComparison.Ordinal) || l.Contains(TransparentProxyRules.Tag, StringComparison.Ordinal));
        Assert.Contains("-A PREROUTING -p udp -j ACCEPT", mangle);
        var policy = await PolicyRulesAsync(ns);
        Assert.DoesNotContain(policy, l => l.Contains("0x4749", StringComparison.Ordinal));
        Assert.Contains(policy, l => l.Contains("fwmark 0x1 lookup 100", StringComparison.Ordinal));
        Assert.Equal("", (await ns.RunAsync(["ip", "-4", "route", "show", "table", "4749"])).StandardOutput.Trim());
        Assert.False(await rules.AnyPresentAsync(CancellationToken.None));
        Assert.Null(await rules.RemoveAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Ensure_ChainEmptiedByHand_PutRight()
    {
        await using var ns = await NetworkNamespace.CreateAsync(NetworkNamespace.NewPrefix() + "-tpx");
        var rules = new TransparentProxyRules(runIn: ns.Exec());
        Assert.Null(await rules.EnsureAsync(CancellationToken.None));
        await ns.RunAsync(["iptables", "-w", "-t", "mangle", "-F", TransparentProxyRules.Chain]);

        Assert.Null(await rules.EnsureAsync(CancellationToken.None));

        var mangle = await MangleAsync(ns);
        Assert.Single(mangle, l => l.StartsWith($"-A {TransparentProxyRules.Chain} -j MARK", StringComparison.Ordinal));
        Assert.Single(mangle, l => l == $"-A {TransparentProxyRules.Chain} -j ACCEPT");
    }

    [Fact]
    public async Task Ensure_WithoutPrivileges_SaysTheAgentNeedsRootOrCapNetAdmin()
    {
        await using var ns = await NetworkNamespace.CreateAsync(NetworkNamespace.NewPrefix() + "-tpx");
        var rules = new TransparentProxyRules(runIn: ns.Exec("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"));

        var problem = await rules.EnsureAsync(CancellationToken.None);

        Assert.NotNull(problem);
        Assert.StartsWith("not permitted to change the kernel's packet rules (the agent needs root or CAP_NET_ADMIN): `", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(await MangleAsync(ns), l => l.Contains(TransparentProxyRules.Chain, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ensure_IptablesMissing_SaysWhatToInstall()
    {
        var rules = new TransparentProxyRules(iptablesProgram: "/nonexistent/iptables");

        var problem = await rules.EnsureAsync(CancellationToken.None);

        Assert.Equal("'/nonexistent/iptables' is not installed (install Debian's iptables package, or run deploy/setup.sh)", problem);
    }

    private static async Task<List<string>> MangleAsync(NetworkNamespace ns) =>
        [.. (await ns.RunAsync(["iptables", "-w", "-t", "mangle", "-S"])).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static async Task<List<string>> PolicyRulesAsync(NetworkNamespace ns) =>
        [.. (await ns.RunAsync(["ip", "-4", "rule", "show"])).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
