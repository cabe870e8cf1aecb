namespace GitOps.Core.Events;

/// <summary>An agent found the live HAProxy state differing from the applied configuration and restored it.</summary>
public sealed record DriftCorrected : IEvent
{
    public required string Host { get; init; }

    /// <summary>One line saying what had drifted.</summary>
    public required string What { get; init; }
}
