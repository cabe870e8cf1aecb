using GitOps.Core.Collections;

namespace GitOps.Core.Desired;

/// <summary>The pool of servers behind a service and how requests are spread over them.</summary>
public sealed record BackendModel
{
    public BalanceAlgorithm Balance { get; init; } = BalanceAlgorithm.RoundRobin;

    /// <summary>Containers selected by labels on the host's own Docker engine; null for none.</summary>
    public DiscoverModel? Discover { get; init; }

    public ValueList<StaticServerModel> Servers { get; init; } = ValueList<StaticServerModel>.Empty;

    public HealthModel? Health { get; init; }

    public StickyModel? Sticky { get; init; }
}
