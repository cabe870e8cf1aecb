namespace GitOps.Core.Discovery;

/// <summary>
/// A container no longer runs: it stopped, died, was paused or removed, or was renamed (it comes back
/// with a <see cref="ContainerStarted"/> under the new name). It must not receive traffic any more.
/// </summary>
public sealed record ContainerStopped(string Host, string Id, string Name) : DiscoveryChange(Host);
