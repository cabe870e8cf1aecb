using GitOps.Core.Collections;

namespace GitOps.Core.Events;

/// <summary>A commit of the desired-state repository was read and validated.</summary>
public sealed record DesiredStateObserved : IEvent
{
    /// <summary>Full commit id.</summary>
    public required string Commit { get; init; }

    public ValueList<string> Parents { get; init; } = ValueList<string>.Empty;

    public required string Author { get; init; }

    public required string Message { get; init; }

    /// <summary>The names of the services the commit declares, in name order.</summary>
    public ValueList<string> Services { get; init; } = ValueList<string>.Empty;
}
