using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>backend:</c> of a service.</summary>
internal sealed record BackendSpec
{
    public required SourceLocation Location { get; init; }

    public Located<BalanceAlgorithm>? Balance { get; init; }

    public DiscoverSpec? Discover { get; init; }

    public IReadOnlyList<ServerSpec> Servers { get; init; } = [];

    public HealthSpec? Health { get; init; }

    public StickySpec? Sticky { get; init; }

    public Located<ClientAddressMode>? ClientAddress { get; init; }
}
