namespace GitOps.Core.Desired;

/// <summary>A server named in Git rather than discovered.</summary>
public sealed record StaticServerModel
{
    public required string Name { get; init; }

    /// <summary>IP literal or host name.</summary>
    public required string Address { get; init; }

    public required int Port { get; init; }

    /// <summary>HAProxy weight 0–256; default 100.</summary>
    public int Weight { get; init; } = 100;
}
