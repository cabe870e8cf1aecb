using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary>One entry of <c>virtualAddresses</c> in gitops.yaml as written, each value with its position.</summary>
internal sealed record VirtualAddressSpec
{
    /// <summary>The entry's key path, <c>virtualAddresses[0]</c>, for messages.</summary>
    public required string Path { get; init; }

    public required SourceLocation Location { get; init; }

    /// <summary>The address with its prefix length, <c>10.99.0.10/24</c>.</summary>
    public Located<string>? Address { get; init; }

    public Located<string>? Interface { get; init; }

    /// <summary>The hosts in order of preference; empty when absent or not a list of strings.</summary>
    public IReadOnlyList<Located<string>> Hosts { get; init; } = [];

    /// <summary>Where <c>hosts</c> was written; null when absent.</summary>
    public SourceLocation? HostsLocation { get; init; }
}
