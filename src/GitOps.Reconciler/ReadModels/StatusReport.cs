namespace GitOps.Reconciler.ReadModels;

/// <summary>What <c>gitops status</c> shows: the latest commit, the one in force, and every host.</summary>
public sealed record StatusReport
{
    /// <summary>The latest commit seen on the watched branch, accepted or rejected; null before the first.</summary>
    public CommitSummary? LatestCommit { get; init; }

    /// <summary>The latest accepted commit: the desired state in force.</summary>
    public CommitSummary? InForce { get; init; }

    public required IReadOnlyList<HostStatus> Hosts { get; init; }

    /// <summary>The virtual addresses of the commit in force, each with the host holding it now.</summary>
    public IReadOnlyList<VirtualAddressStatus> VirtualAddresses { get; init; } = [];
}
