using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>gitops.yaml</c> as written, each value with its position.</summary>
internal sealed record SettingsSpec
{
    public required string File { get; init; }

    public required SourceLocation Location { get; init; }

    public Located<string>? ApiVersion { get; init; }

    public Located<string>? Kind { get; init; }

    /// <summary>Null when <c>hosts:</c> is absent (one default host).</summary>
    public IReadOnlyList<HostSpec>? Hosts { get; init; }

    public SourceLocation? HostsLocation { get; init; }

    public DefaultsSpec? Defaults { get; init; }

    public StatsSpec? Stats { get; init; }

    public DiscoverySpec? Discovery { get; init; }

    /// <summary>Null when <c>virtualAddresses:</c> is absent.</summary>
    public IReadOnlyList<VirtualAddressSpec>? VirtualAddresses { get; init; }

    public SourceLocation? VirtualAddressesLocation { get; init; }
}
