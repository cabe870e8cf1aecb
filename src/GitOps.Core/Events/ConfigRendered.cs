using GitOps.Core.Collections;
using GitOps.Core.Effective;

namespace GitOps.Core.Events;

/// <summary>A new HAProxy configuration was rendered for a host and passed <c>haproxy -c</c>.</summary>
public sealed record ConfigRendered : IEvent
{
    public required string Host { get; init; }

    /// <summary>Increases by one per rendered configuration of the host.</summary>
    public required long Version { get; init; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Text"/>.</summary>
    public required string Sha256 { get; init; }

    public required string Text { get; init; }

    /// <summary>The desired-state commit it was rendered from.</summary>
    public required string Commit { get; init; }

    /// <summary>Ids of the events that caused this rendering.</summary>
    public ValueList<Guid> Causes { get; init; } = ValueList<Guid>.Empty;

    /// <summary>
    /// The host-local files the services placed on the host need, with where Git names them. One with a
    /// <see cref="RequiredFile.Problem"/> was reported unusable by the host, and its service is not in <see cref="Text"/>;
    /// the agent checks every one of these paths and reports them as <see cref="HostFactsObserved"/>.
    /// </summary>
    public ValueList<RequiredFile> RequiredFiles { get; init; } = ValueList<RequiredFile>.Empty;

    /// <summary>
    /// What beyond files the services placed on the host need its agent to set up (transparent proxying's kernel rules),
    /// listed whether or not the host can: the agent sets up each one (or removes what none needs any more) and reports
    /// it as <see cref="HostFactsObserved.Capabilities"/>. One with a <see cref="RequiredCapability.Problem"/> left its
    /// service out of <see cref="Text"/>.
    /// </summary>
    public ValueList<RequiredCapability> RequiredCapabilities { get; init; } = ValueList<RequiredCapability>.Empty;
}
