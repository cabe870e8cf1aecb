namespace GitOps.Git;

/// <summary>What opening or refreshing a repository did to its local mirror.</summary>
public enum MirrorUpdate
{
    /// <summary>A local repository: there is no mirror.</summary>
    NotMirrored,

    /// <summary>The mirror did not exist and was cloned.</summary>
    Cloned,

    /// <summary>The remote's branches and tags matched the mirror's; nothing was fetched.</summary>
    UpToDate,

    /// <summary>The remote had moved; the mirror was fetched.</summary>
    Fetched,
}
