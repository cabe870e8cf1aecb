namespace GitOps.Core.Events;

/// <summary>An agent made a rendered configuration live on its host.</summary>
public sealed record ConfigApplied : IEvent
{
    public required string Host { get; init; }

    public required long Version { get; init; }

    public required ApplyMethod Method { get; init; }

    public required TimeSpan Duration { get; init; }
}
