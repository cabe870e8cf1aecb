using GitOps.Core.Collections;
using GitOps.Core.Hosts;

namespace GitOps.Core.Events;

/// <summary>
/// What an agent found on its host's disk about the files the host's configuration needs (the paths of
/// <see cref="ConfigRendered.RequiredFiles"/>). Written to <see cref="StreamNames.HostFacts"/> only when the facts
/// change; the controller renders the host from them, leaving out every service whose file is not usable there.
/// </summary>
public sealed record HostFactsObserved : IEvent
{
    public required string Host { get; init; }

    /// <summary>Every path checked, in path order.</summary>
    public required ValueList<HostFileFact> Files { get; init; }

    /// <summary>
    /// Each capability the host's configuration needs (<see cref="ConfigRendered.RequiredCapabilities"/>), in name order,
    /// with why the host cannot have it; empty when none is needed.
    /// </summary>
    public ValueList<HostCapabilityFact> Capabilities { get; init; } = ValueList<HostCapabilityFact>.Empty;
}
