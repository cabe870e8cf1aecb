using System.Globalization;
using System.Net;
using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>
/// Virtual-address groups can run as VRRP instances: a valid interface name, at least two declared hosts named once
/// each, every one with its own address of the group's IP family, no address claimed twice, at most 255 groups.
/// </summary>
internal sealed class VirtualAddressValidator : IRepositoryValidator
{
    /// <summary>VRRP's virtual router id is one byte and 0 is reserved.</summary>
    public const int MaxGroups = 255;

    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        if (repository.Settings is not { VirtualAddresses: { } groups } settings)
        {
            return;
        }

        if (groups.Count > MaxGroups && settings.VirtualAddressesLocation is { } location)
        {
            diagnostics.Error(DiagnosticCodes.TooManyVirtualAddresses, location, string.Create(CultureInfo.InvariantCulture, $"'virtualAddresses' declares {groups.Count} groups; VRRP numbers groups 1–{MaxGroups}, so declare at most {MaxGroups}"));
        }

        var hosts = (settings.Hosts ?? []).GroupBy(h => h.Name.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        CheckHostAddressesUnique(settings.Hosts ?? [], diagnostics);
        var claimed = new Dictionary<IPAddress, string>();
        foreach (var group in groups)
        {
            if (group.Interface is { } name && !ConfigToken.IsInterfaceName(name.Value))
            {
                diagnostics.Error(DiagnosticCodes.InvalidInterface, name.Location, $"interface '{ConfigToken.Printable(name.Value)}' at '{group.Path}.interface' is invalid; write the interface's name as 'ip link' shows it, such as eth0 (letters, digits, '_', '.', '-', at most 15 characters)");
            }

            ConfigToken.TryParseAddressWithPrefix(group.Address?.Value, out var address, out _);
            if (address is not null && group.Address is { } written)
            {
                if (claimed.TryGetValue(address, out var first))
                {
                    diagnostics.Error(DiagnosticCodes.DuplicateAddress, written.Location, $"virtual address '{written.Value}' at '{group.Path}.address' is already claimed by '{first}'; declare each address in one group only");
                }
                else
                {
                    claimed.Add(address, group.Path);
                }

                if (hosts.Values.FirstOrDefault(h => IsSameAddress(h.Address?.Value, address)) is { } owner)
                {
                    diagnostics.Error(DiagnosticCodes.DuplicateAddress, written.Location, $"virtual address '{written.Value}' at '{group.Path}.address' is the own address of host '{owner.Name.Value}'; use an address no host has");
                }
            }

            CheckHosts(group, hosts, address, repository.HostNames, diagnostics);
        }
    }

    private static void CheckHosts(VirtualAddressSpec group, Dictionary<string, HostSpec> hosts, IPAddress? address, IReadOnlyList<string> declared, DiagnosticBag diagnostics)
    {
        if (group.Hosts.Count < 2 && group.HostsLocation is { } location)
        {
            diagnostics.Error(DiagnosticCodes.EmptyList, location, $"'{group.Path}.hosts' names {(group.Hosts.Count == 0 ? "no host" : "one host")}; list at least two hosts in order of preference, such as [lb-a, lb-b]");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in group.Hosts)
        {
            if (!hosts.TryGetValue(name.Value, out var host))
            {
                diagnostics.Error(DiagnosticCodes.UnknownHost, name.Location, $"host '{ConfigToken.Printable(name.Value)}' in '{group.Path}.hosts' is not declared in gitops.yaml; declare it under 'hosts' with its address or remove it (declared: {string.Join(", ", declared.Distinct(StringComparer.Ordinal).Select(ConfigToken.Printable))})");
            }
            else if (!seen.Add(name.Value))
            {
                diagnostics.Error(DiagnosticCodes.DuplicateHost, name.Location, $"host '{name.Value}' is listed twice in '{group.Path}.hosts'; remove the duplicate");
            }
            else if (host.Address is null)
            {
                diagnostics.Error(DiagnosticCodes.MissingHostAddress, name.Location, $"host '{name.Value}' in '{group.Path}.hosts' has no address; add its own address to its entry in 'hosts', such as '- {{ name: {name.Value}, address: 10.99.0.11 }}'");
            }
            else if (address is not null && IPAddress.TryParse(host.Address.Value.Value, out var own) && ConfigToken.IsIpAddress(host.Address.Value.Value) && own.AddressFamily != address.AddressFamily)
            {
                diagnostics.Error(DiagnosticCodes.MissingHostAddress, name.Location, $"host '{name.Value}' in '{group.Path}.hosts' has address '{host.Address.Value.Value}', not of the family of the virtual address '{address}'; give the host an address of the same family");
            }
        }
    }

    private static void CheckHostAddressesUnique(IReadOnlyList<HostSpec> hosts, DiagnosticBag diagnostics)
    {
        var owners = new Dictionary<IPAddress, string>();
        foreach (var host in hosts)
        {
            if (host.Address is { } written && ConfigToken.IsIpAddress(written.Value) && IPAddress.TryParse(written.Value, out var address)
                && !owners.TryAdd(address, host.Name.Value) && owners[address] != host.Name.Value)
            {
                diagnostics.Error(DiagnosticCodes.DuplicateAddress, written.Location, $"address '{written.Value}' of host '{host.Name.Value}' is already the address of host '{owners[address]}'; give each host its own address");
            }
        }
    }

    private static bool IsSameAddress(string? text, IPAddress address) =>
        ConfigToken.IsIpAddress(text) && IPAddress.TryParse(text, out var parsed) && parsed.Equals(address);
}
