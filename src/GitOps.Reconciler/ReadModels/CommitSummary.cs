namespace GitOps.Reconciler.ReadModels;

/// <summary>A desired-state commit as the controller recorded it.</summary>
public sealed record CommitSummary
{
    public required string Commit { get; init; }

    public required string Branch { get; init; }

    public required string Author { get; init; }

    public required string Subject { get; init; }

    public required bool Rejected { get; init; }

    /// <summary>Why it was rejected: each <c>path:line:col: error GITOPSnnn: message</c>.</summary>
    public required IReadOnlyList<string> Errors { get; init; }

    public required DateTimeOffset ObservedAt { get; init; }

    /// <summary>The load-balancer hosts its gitops.yaml declares; empty when rejected or not known (recorded before hosts were kept).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];
}
