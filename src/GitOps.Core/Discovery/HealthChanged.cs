namespace GitOps.Core.Discovery;

/// <summary>A running container's HEALTHCHECK status changed; only <see cref="ContainerHealth.Healthy"/> (or no check) is routed.</summary>
public sealed record HealthChanged(string Host, string Id, ContainerHealth Health) : DiscoveryChange(Host);
