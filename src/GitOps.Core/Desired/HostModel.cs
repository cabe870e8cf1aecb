namespace GitOps.Core.Desired;

/// <summary>A load-balancer host: one HAProxy, one agent, one Docker engine.</summary>
public sealed record HostModel
{
    public required string Name { get; init; }
}
