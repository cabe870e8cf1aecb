using GitOps.Core.Collections;

namespace GitOps.Core.Events;

/// <summary>An agent found the live HAProxy state differing from the applied configuration and restored it.</summary>
public sealed record DriftCorrected : IEvent
{
    public required string Host { get; init; }

    /// <summary>One line saying what had drifted.</summary>
    public required string What { get; init; }

    /// <summary>The applied version the host was put back to; null when it ran a configuration applied before any version.</summary>
    public long? Version { get; init; }

    /// <summary>How it was put back; null when the correction itself failed (see <see cref="Error"/>).</summary>
    public ApplyMethod? Method { get; init; }

    /// <summary>One line per difference found.</summary>
    public ValueList<string> Differences { get; init; } = ValueList<string>.Empty;

    /// <summary>Why the correction failed, when it did; the drift then stays until the next check.</summary>
    public string? Error { get; init; }
}
