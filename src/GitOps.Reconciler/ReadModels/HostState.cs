namespace GitOps.Reconciler.ReadModels;

/// <summary>The words <see cref="HostStatus.State"/> uses.</summary>
public static class HostState
{
    /// <summary>The agent applied the latest rendered version.</summary>
    public const string Converged = "converged";

    /// <summary>A newer version is rendered than the agent has applied.</summary>
    public const string Pending = "pending";

    /// <summary>The agent failed to apply the latest rendered version.</summary>
    public const string Failed = "failed";

    /// <summary>
    /// The gitops.yaml of the commit in force does not declare the host: an agent started for it (or it was removed), and
    /// nothing is rendered for it.
    /// </summary>
    public const string Undeclared = "undeclared";

    /// <summary>A rollback pinned the host to <see cref="HostStatus.AppliedVersion"/> (its last ConfigApplied has Pinned=true) until a new commit.</summary>
    public const string Pinned = "pinned";
}
