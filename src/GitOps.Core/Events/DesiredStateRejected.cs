using GitOps.Core.Collections;

namespace GitOps.Core.Events;

/// <summary>A commit of the desired-state repository failed validation; the last good state stays live.</summary>
public sealed record DesiredStateRejected : IEvent
{
    public required string Commit { get; init; }

    /// <summary>Every error, each formatted as <c>path:line:col: error GITOPSnnn: message</c>.</summary>
    public required ValueList<string> Errors { get; init; }

    /// <summary>The commit's author; empty when not known.</summary>
    public string Author { get; init; } = "";

    /// <summary>The commit's full message; empty when not known.</summary>
    public string Message { get; init; } = "";

    /// <summary>The branch it was observed on; empty when not known.</summary>
    public string Branch { get; init; } = "";
}
