using GitOps.Core.Collections;

namespace GitOps.Core.Desired;

/// <summary>
/// A virtual address shared by a group of load-balancer hosts (<c>virtualAddresses</c> in gitops.yaml): the first
/// healthy host in <see cref="Hosts"/> holds it on <see cref="Interface"/>, and it moves to the next when that host
/// or its HAProxy fails. Every value has been validated strictly (an IP literal, a prefix length, an interface name),
/// so none can carry a line into a keepalived configuration.
/// </summary>
public sealed record VirtualAddressModel
{
    /// <summary>The address itself, an IPv4 or IPv6 literal as written (<c>10.99.0.10</c>).</summary>
    public required string Address { get; init; }

    /// <summary>The prefix length written after the slash (<c>24</c>).</summary>
    public required int PrefixLength { get; init; }

    /// <summary>The interface that carries it on every host of the group (<c>eth0</c>).</summary>
    public required string Interface { get; init; }

    /// <summary>The hosts of the group in order of preference: the first holds the address when it is healthy.</summary>
    public required ValueList<string> Hosts { get; init; }

    /// <summary>
    /// The VRRP virtual router id, 1–255: the group's position in <c>virtualAddresses</c>, counted from 1. Every host
    /// renders it from the same commit, so they agree; reordering the list renumbers the groups.
    /// </summary>
    public required int RouterId { get; init; }

    /// <summary>The address with its prefix, as written in gitops.yaml: <c>10.99.0.10/24</c>.</summary>
    public string Cidr => $"{Address}/{PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
