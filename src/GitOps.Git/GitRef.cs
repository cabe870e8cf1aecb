namespace GitOps.Git;

/// <summary>
/// A branch or tag and the object id it points at: a commit, or for an annotated tag the tag object
/// (<see cref="GitRepository.ResolveAsync"/> peels it to the commit).
/// </summary>
/// <param name="Name">Full reference name, e.g. <c>refs/heads/main</c>.</param>
/// <param name="Sha">Full object id the reference points at.</param>
public sealed record GitRef(string Name, string Sha);
