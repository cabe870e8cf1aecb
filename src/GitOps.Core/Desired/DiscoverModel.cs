using GitOps.Core.Collections;

namespace GitOps.Core.Desired;

/// <summary>Selects running containers whose labels include every pair in <see cref="Labels"/>.</summary>
public sealed record DiscoverModel
{
    /// <summary>Required labels; Compose selectors are mapped to <c>com.docker.compose.project</c>/<c>service</c>.</summary>
    public required ValueMap Labels { get; init; }

    /// <summary>The container port traffic is sent to.</summary>
    public required int Port { get; init; }

    /// <summary>Docker network whose address is used; null = the repository default, then the container's first network by name.</summary>
    public string? Network { get; init; }
}
