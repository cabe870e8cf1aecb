using GitOps.Core.Collections;

namespace GitOps.Core.Events;

/// <summary>An agent made a rendered configuration live on its host.</summary>
public sealed record ConfigApplied : IEvent
{
    public required string Host { get; init; }

    public required long Version { get; init; }

    public required ApplyMethod Method { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>Lower-case hex SHA-256 of the configuration text now live (the rendered one's <see cref="ConfigRendered.Sha256"/>).</summary>
    public string? Sha256 { get; init; }

    /// <summary>The desired-state commit the applied configuration was rendered from.</summary>
    public string? Commit { get; init; }

    /// <summary>What was done, in order: runtime commands, files written, the reload.</summary>
    public ValueList<string> Operations { get; init; } = ValueList<string>.Empty;

    /// <summary>
    /// The host is pinned to this version by the <see cref="RollbackRequested"/> with id <see cref="RollbackRequestId"/>:
    /// newer renderings of the same commit are not applied until one of another commit appears.
    /// </summary>
    public bool Pinned { get; init; }

    /// <summary>The event id of the <see cref="RollbackRequested"/> this apply carried out; null for a normal apply.</summary>
    public Guid? RollbackRequestId { get; init; }
}
