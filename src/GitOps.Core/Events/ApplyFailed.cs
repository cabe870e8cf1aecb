using GitOps.Core.Collections;

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

    /// <summary>What was tried before it failed, and what was restored.</summary>
    public ValueList<string> Operations { get; init; } = ValueList<string>.Empty;

    /// <summary>The event id of the <see cref="RollbackRequested"/> that asked for <see cref="Version"/>; null for a normal apply.</summary>
    public Guid? RollbackRequestId { get; init; }
}
