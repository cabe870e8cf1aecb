namespace GitOps.Core.Desired;

/// <summary>How containers are discovered on each host.</summary>
public sealed record DiscoverySettings
{
    public static DiscoverySettings Standard { get; } = new();

    /// <summary>Serve containers labelled <c>lb.enable=Y</c>, <c>lb.publish</c>, <c>lb.target</c> with no file in Git.</summary>
    public bool SeedLabels { get; init; } = true;

    /// <summary>Default Docker network whose address is used when a service names none; null = the container's first network by name.</summary>
    public string? Network { get; init; }
}
