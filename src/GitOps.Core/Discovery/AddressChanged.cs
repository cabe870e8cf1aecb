namespace GitOps.Core.Discovery;

/// <summary>
/// A running container's networks or addresses changed (network connect/disconnect, or a restart
/// that the watcher saw only as a new address). <see cref="Container"/> is the whole new observation.
/// </summary>
public sealed record AddressChanged(string Host, ObservedContainer Container) : DiscoveryChange(Host);
