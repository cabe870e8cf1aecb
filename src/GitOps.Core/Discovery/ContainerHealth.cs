namespace GitOps.Core.Discovery;

/// <summary>Docker HEALTHCHECK status; <see cref="None"/> when the container has no health check.</summary>
public enum ContainerHealth
{
    None,
    Starting,
    Healthy,
    Unhealthy,
}
