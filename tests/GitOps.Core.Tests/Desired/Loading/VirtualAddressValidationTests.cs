using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using Xunit;

namespace GitOps.Core.Tests.Desired.Loading;

/// <summary><c>hosts[].address</c> and <c>virtualAddresses</c> in gitops.yaml: the model built and every error, with exact positions and messages.</summary>
public sealed class VirtualAddressValidationTests
{
    private const string Head = "apiVersion: gitops/v1\nkind: Settings\n";
    private const string Pair = Head + """
        hosts:
          - { name: lb-a, address: 10.99.0.11 }
          - { name: lb-b, address: 10.99.0.12 }

        """;

    private static IReadOnlyList<string> Diagnose(string settings) =>
        TestRepository.Diagnose(new RepositoryFile("gitops.yaml", settings));

    [Fact]
    public void Load_PairWithOneGroup_BuildsTheGroupInOrderOfPreference()
    {
        var result = DesiredStateLoader.Load([new RepositoryFile("gitops.yaml", Pair + """
            virtualAddresses:
              - address: 10.99.0.10/24
                interface: eth0
                hosts: [lb-b, lb-a]
              - { address: 10.99.1.10/32, interface: br-lan.2, hosts: [lb-a, lb-b] }
            """)]);

        Assert.Empty(result.Diagnostics);
        var settings = result.State!.Settings;
        Assert.Equal(["10.99.0.11", "10.99.0.12"], settings.Hosts.Select(h => h.Address));
        var first = settings.VirtualAddresses[0];
        Assert.Equal(new VirtualAddressModel { Address = "10.99.0.10", PrefixLength = 24, Interface = "eth0", Hosts = ValueList.Create("lb-b", "lb-a"), RouterId = 1 }, first);
        Assert.Equal("10.99.0.10/24", first.Cidr);
        Assert.Equal(2, settings.VirtualAddresses[1].RouterId);
        Assert.Equal([1, 2], result.State.VirtualAddressesOf("lb-a").Select(v => v.RouterId));
    }

    [Fact]
    public void Load_NoVirtualAddresses_HostsNeedNoAddress()
    {
        var result = DesiredStateLoader.Load([new RepositoryFile("gitops.yaml", Head + "hosts: [{ name: lb1 }]\n")]);

        Assert.Empty(result.Diagnostics);
        Assert.Null(result.State!.Settings.Hosts[0].Address);
        Assert.Empty(result.State.Settings.VirtualAddresses);
    }

    [Fact]
    public void Load_GroupWithUnknownDuplicateAndAddresslessHosts_ReportsEach()
    {
        var lines = Diagnose(Head + """
            hosts:
              - { name: lb-a, address: 10.99.0.11 }
              - { name: lb-b }
              - { name: lb-c, address: "fd00::12" }
            virtualAddresses:
              - { address: 10.99.0.10/24, interface: eth0, hosts: [lb-a, lb-x, lb-a, lb-b, lb-c] }
            """);

        Assert.Equal(
        [
            "gitops.yaml:8:62: error GITOPS024: host 'lb-x' in 'virtualAddresses[0].hosts' is not declared in gitops.yaml; declare it under 'hosts' with its address or remove it (declared: lb-a, lb-b, lb-c)",
            "gitops.yaml:8:68: error GITOPS025: host 'lb-a' is listed twice in 'virtualAddresses[0].hosts'; remove the duplicate",
            "gitops.yaml:8:74: error GITOPS037: host 'lb-b' in 'virtualAddresses[0].hosts' has no address; add its own address to its entry in 'hosts', such as '- { name: lb-b, address: 10.99.0.11 }'",
            "gitops.yaml:8:80: error GITOPS037: host 'lb-c' in 'virtualAddresses[0].hosts' has address 'fd00::12', not of the family of the virtual address '10.99.0.10'; give the host an address of the same family",
        ], lines);
    }

    [Fact]
    public void Load_BadAddressesAndInterface_ReportsEachWithTheFix()
    {
        var lines = Diagnose(Head + """
            hosts:
              - { name: lb-a, address: 10.99.0 }
              - { name: lb-b, address: 10.99.0.12 }
            virtualAddresses:
              - { address: 10.99.0.10, interface: eth0, hosts: [lb-a, lb-b] }
              - { address: 10.99.0.20/33, interface: "eth0 }\n vrrp_script x {", hosts: [lb-a, lb-b] }
              - { address: 10.99.0.30/024, interface: this-name-is-too-long, hosts: [lb-a, lb-b] }
            """);

        Assert.Equal(
        [
            "gitops.yaml:4:28: error GITOPS016: address '10.99.0' of host 'lb-a' is invalid; write the host's own IPv4 or IPv6 address, such as 10.99.0.11",
            "gitops.yaml:7:16: error GITOPS016: virtual address '10.99.0.10' at 'virtualAddresses[0].address' is invalid; write an IP address with its prefix length, such as 10.99.0.10/24 or fd00::10/64",
            "gitops.yaml:8:16: error GITOPS016: virtual address '10.99.0.20/33' at 'virtualAddresses[1].address' is invalid; write an IP address with its prefix length, such as 10.99.0.10/24 or fd00::10/64",
            "gitops.yaml:8:42: error GITOPS035: interface 'eth0 }\\u000a vrrp_script x {' at 'virtualAddresses[1].interface' is invalid; write the interface's name as 'ip link' shows it, such as eth0 (letters, digits, '_', '.', '-', at most 15 characters)",
            "gitops.yaml:9:16: error GITOPS016: virtual address '10.99.0.30/024' at 'virtualAddresses[2].address' is invalid; write an IP address with its prefix length, such as 10.99.0.10/24 or fd00::10/64",
            "gitops.yaml:9:43: error GITOPS035: interface 'this-name-is-too-long' at 'virtualAddresses[2].interface' is invalid; write the interface's name as 'ip link' shows it, such as eth0 (letters, digits, '_', '.', '-', at most 15 characters)",
        ], lines);
    }

    [Fact]
    public void Load_OneAddressClaimedTwice_ReportsEveryClaimAfterTheFirst()
    {
        var lines = Diagnose(Head + """
            hosts:
              - { name: lb-a, address: 10.99.0.11 }
              - { name: lb-b, address: 10.99.0.11 }
            virtualAddresses:
              - { address: 10.99.0.10/24, interface: eth0, hosts: [lb-a, lb-b] }
              - { address: 10.99.0.10/32, interface: eth1, hosts: [lb-b, lb-a] }
              - { address: 10.99.0.11/24, interface: eth0, hosts: [lb-a, lb-b] }
            """);

        Assert.Equal(
        [
            "gitops.yaml:5:28: error GITOPS036: address '10.99.0.11' of host 'lb-b' is already the address of host 'lb-a'; give each host its own address",
            "gitops.yaml:8:16: error GITOPS036: virtual address '10.99.0.10/32' at 'virtualAddresses[1].address' is already claimed by 'virtualAddresses[0]'; declare each address in one group only",
            "gitops.yaml:9:16: error GITOPS036: virtual address '10.99.0.11/24' at 'virtualAddresses[2].address' is the own address of host 'lb-a'; use an address no host has",
        ], lines);
    }

    [Fact]
    public void Load_GroupWithOneHostOrMissingKeys_ReportsEach()
    {
        var lines = Diagnose(Pair + """
            virtualAddresses:
              - { address: 10.99.0.10/24, interface: eth0, hosts: [lb-a] }
              - { interface: eth0, hosts: [lb-a, lb-b], prefered: lb-a }
            """);

        Assert.Equal(
        [
            "gitops.yaml:7:55: error GITOPS026: 'virtualAddresses[0].hosts' names one host; list at least two hosts in order of preference, such as [lb-a, lb-b]",
            "gitops.yaml:8:5: error GITOPS007: the required key 'virtualAddresses[1].address' is missing; add 'address' under 'virtualAddresses[1]'",
            "gitops.yaml:8:45: error GITOPS005: unknown key 'virtualAddresses[1].prefered'; use one of: address, interface, hosts",
        ], lines);
    }

    [Fact]
    public void Load_MoreThan255Groups_ReportsTheList()
    {
        var groups = string.Concat(Enumerable.Range(0, 256).Select(i => $"  - {{ address: 10.98.{i / 200}.{i % 200 + 1}/16, interface: eth0, hosts: [lb-a, lb-b] }}\n"));

        var lines = Diagnose(Pair + "virtualAddresses:\n" + groups);

        Assert.Equal(["gitops.yaml:7:3: error GITOPS038: 'virtualAddresses' declares 256 groups; VRRP numbers groups 1–255, so declare at most 255"], lines);
    }
}
