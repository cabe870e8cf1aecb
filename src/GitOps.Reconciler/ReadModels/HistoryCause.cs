namespace GitOps.Reconciler.ReadModels;

/// <summary>
/// One input event that caused a rendering, as an operator reads it: <see cref="Description"/> is the sentence
/// (<c>container web-1 started</c>, <c>commit 1a2b3c4d5e6f "add web" by Ann</c>); the other members are its parts,
/// with the event's id beside them.
/// </summary>
public sealed record HistoryCause
{
    /// <summary>The id of the input event (a <see cref="HistoryEntry"/>'s ConfigRendered lists these ids).</summary>
    public required Guid EventId { get; init; }

    /// <summary>A <see cref="HistoryCauseKind"/> word, or the event's type name for an input the projection does not describe.</summary>
    public required string Kind { get; init; }

    /// <summary>One line: what happened.</summary>
    public required string Description { get; init; }

    /// <summary>When the input was recorded; null when the event is not in the store.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The load-balancer host whose Docker engine (or whose own facts) reported it; null for a commit.</summary>
    public string? Host { get; init; }

    /// <summary>Full commit id, for a commit.</summary>
    public string? Commit { get; init; }

    public string? Author { get; init; }

    /// <summary>The first line of the commit message.</summary>
    public string? Subject { get; init; }

    /// <summary>The container's name, for a container.</summary>
    public string? Container { get; init; }

    /// <summary>Full container id.</summary>
    public string? ContainerId { get; init; }

    /// <summary>
    /// What happened, without the subject: <c>started</c>, <c>stopped</c>, <c>became unhealthy</c>,
    /// <c>changed address to 172.17.0.3 (bridge)</c>, <c>resynced with 3 running; new: web-1; gone: web-0</c>.
    /// </summary>
    public string? Change { get; init; }
}
