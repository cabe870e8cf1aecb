using GitOps.Core.Collections;

namespace GitOps.Core.Discovery;

/// <summary>
/// The complete picture of the running containers on <see cref="DiscoveryChange.Host"/>, in name
/// order. Authoritative: a consumer replaces everything it knew about the host with it. Emitted when
/// watching starts, after every reconnection to the engine, and after a change could not be published,
/// so nothing missed in between can linger.
/// </summary>
public sealed record Resynced(string Host, ValueList<ObservedContainer> Containers) : DiscoveryChange(Host);
