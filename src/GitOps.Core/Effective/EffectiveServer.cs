namespace GitOps.Core.Effective;

/// <summary>One server of a backend: a static server from Git or a routable container's address on one network.</summary>
public sealed record EffectiveServer
{
    /// <summary>Valid HAProxy server name, unique within the backend and stable while the container lives.</summary>
    public required string Name { get; init; }

    /// <summary>IP literal or host name.</summary>
    public required string Address { get; init; }

    public required int Port { get; init; }

    public int Weight { get; init; } = 100;

    /// <summary>The container behind a discovered server; null for a static server.</summary>
    public ServerContainer? Container { get; init; }
}
