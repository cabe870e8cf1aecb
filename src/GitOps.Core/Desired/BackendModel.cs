using GitOps.Core.Collections;
using GitOps.Core.Diagnostics;

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

    /// <summary>
    /// How the servers learn the client's address, with the defaults applied: the loader resolves an unwritten
    /// value to <see cref="ClientAddressMode.Header"/> for http services while <c>forwardedFor</c> is on, otherwise
    /// <see cref="ClientAddressMode.None"/>. <see cref="ClientAddressMode.Header"/> means nothing on a tcp service.
    /// </summary>
    public ClientAddressMode ClientAddress { get; init; } = ClientAddressMode.Header;

    /// <summary>Where <c>backend.clientAddress</c> is written in Git, for errors about it; null when it is not written.</summary>
    public SourceLocation? ClientAddressSource { get; init; }
}
