using GitOps.Core.Collections;

namespace GitOps.Core.Desired;

/// <summary>Validated contents of <c>gitops.yaml</c> (all defaults filled in when the file is absent).</summary>
public sealed record RepositorySettings
{
    /// <summary>Name of the single host used when <c>gitops.yaml</c> declares none.</summary>
    public const string DefaultHostName = "local";

    /// <summary>Declared load-balancer hosts, in file order; never empty (defaults to one host, <see cref="DefaultHostName"/>).</summary>
    public required ValueList<HostModel> Hosts { get; init; }

    public required DefaultsModel Defaults { get; init; }

    /// <summary>The statistics page and Prometheus exporter; null when disabled.</summary>
    public StatsModel? Stats { get; init; }

    public required DiscoverySettings Discovery { get; init; }

    /// <summary>Addresses shared by groups of hosts (highly available pairs), in file order; empty when none is declared.</summary>
    public ValueList<VirtualAddressModel> VirtualAddresses { get; init; } = ValueList<VirtualAddressModel>.Empty;
}
