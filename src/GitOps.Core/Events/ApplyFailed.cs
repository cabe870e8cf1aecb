namespace GitOps.Core.Events;

/// <summary>An agent could not apply a configuration; the host keeps serving <see cref="KeptVersion"/>.</summary>
public sealed record ApplyFailed : IEvent
{
    public required string Host { get; init; }

    public required long Version { get; init; }

    /// <summary>One line saying what failed.</summary>
    public required string Error { get; init; }

    /// <summary>The version still live, or null when none was ever applied.</summary>
    public long? KeptVersion { get; init; }
}
