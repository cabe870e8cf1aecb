namespace GitOps.Core.Discovery;

/// <summary>A container is now running (started, unpaused, or renamed: it is reported under its new name).</summary>
public sealed record ContainerStarted(string Host, ObservedContainer Container) : DiscoveryChange(Host);
