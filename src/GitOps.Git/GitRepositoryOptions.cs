namespace GitOps.Git;

/// <summary>How the Git source reaches remote repositories and where it keeps their mirrors.</summary>
public sealed record GitRepositoryOptions
{
    public static GitRepositoryOptions Default { get; } = new();

    /// <summary>
    /// Directory holding one bare mirror per remote URL; null for the default,
    /// <c>$XDG_CACHE_HOME/gitops/mirrors</c> or <c>~/.cache/gitops/mirrors</c>.
    /// </summary>
    public string? MirrorCacheDirectory { get; init; }

    /// <summary>
    /// Private key for <c>ssh://</c> and <c>git@host:path</c> remotes, passed to ssh as <c>-i</c> with
    /// <c>IdentitiesOnly=yes</c>. Null: ssh chooses, from its config, the agent or <c>~/.ssh</c>, or from
    /// <c>GIT_SSH_COMMAND</c>. Checked (<see cref="SshKeyFile.Problem"/>) before ssh runs.
    /// </summary>
    public string? SshKeyFile { get; init; }

    /// <summary>Limit for one exchange with a remote (listing its refs, cloning, fetching).</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock for waiting on a mirror another process is updating.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Largest desired-state file accepted, in bytes; a larger one is an error, not a truncation.</summary>
    public long MaxFileBytes { get; init; } = 1024 * 1024;

    /// <summary>Where <c>GIT_SSH_COMMAND</c> and <c>GIT_SSH</c> are read from: the process environment, or a test's.</summary>
    internal Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The mirror directory used when <see cref="MirrorCacheDirectory"/> is null.</summary>
    public static string DefaultMirrorCacheDirectory()
    {
        var cacheHome = System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cacheHome) || !Path.IsPathRooted(cacheHome))
        {
            cacheHome = Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache");
        }

        return Path.Combine(cacheHome, "gitops", "mirrors");
    }
}
