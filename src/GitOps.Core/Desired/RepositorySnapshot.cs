using GitOps.Core.Collections;

namespace GitOps.Core.Desired;

/// <summary>
/// The desired-state files of a repository at one revision: <c>gitops.yaml</c> and
/// <c>services/*.yaml</c>. <see cref="Commit"/> is null for an uncommitted working tree.
/// </summary>
public sealed record RepositorySnapshot(CommitInfo? Commit, ValueList<RepositoryFile> Files);
