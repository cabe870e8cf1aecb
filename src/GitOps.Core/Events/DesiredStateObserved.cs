using GitOps.Core.Collections;
using GitOps.Core.Desired;

namespace GitOps.Core.Events;

/// <summary>
/// A commit of the desired-state repository was read and validated. It carries the commit's
/// desired-state files, so the model can be derived again from the event alone (the loader is
/// deterministic) and every projection can be rebuilt without the repository.
/// </summary>
public sealed record DesiredStateObserved : IEvent
{
    /// <summary>Full commit id.</summary>
    public required string Commit { get; init; }

    public ValueList<string> Parents { get; init; } = ValueList<string>.Empty;

    public required string Author { get; init; }

    public required string Message { get; init; }

    /// <summary>The names of the services the commit declares, in name order.</summary>
    public ValueList<string> Services { get; init; } = ValueList<string>.Empty;

    /// <summary>The branch it was observed on (e.g. <c>main</c>); empty when not known.</summary>
    public string Branch { get; init; } = "";

    /// <summary>The commit's desired-state files (<c>gitops.yaml</c>, <c>services/*.yaml</c>), path and content.</summary>
    public ValueList<RepositoryFile> Files { get; init; } = ValueList<RepositoryFile>.Empty;
}
