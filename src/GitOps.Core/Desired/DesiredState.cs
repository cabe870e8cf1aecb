using GitOps.Core.Collections;

namespace GitOps.Core.Desired;

/// <summary>
/// The validated, immutable desired state of one repository revision: settings from
/// <c>gitops.yaml</c> and every service from <c>services/*.yaml</c>, sorted by name.
/// Built only by the loader after validation succeeded; value equality throughout.
/// </summary>
public sealed record DesiredState
{
    public required RepositorySettings Settings { get; init; }

    public required ValueList<ServiceModel> Services { get; init; }

    /// <summary>The hosts a service is placed on: its own list, or every declared host.</summary>
    public IEnumerable<string> HostsOf(ServiceModel service) =>
        service.Hosts.Count > 0 ? service.Hosts : Settings.Hosts.Select(h => h.Name);

    /// <summary>The virtual-address groups <paramref name="host"/> belongs to, in file order.</summary>
    public IEnumerable<VirtualAddressModel> VirtualAddressesOf(string host) =>
        Settings.VirtualAddresses.Where(v => v.Hosts.Contains(host, StringComparer.Ordinal));

    /// <summary>The services placed on <paramref name="host"/>, in name order.</summary>
    public IEnumerable<ServiceModel> ServicesOn(string host) =>
        Services.Where(s => HostsOf(s).Contains(host, StringComparer.Ordinal));
}
