namespace GitOps.Git;

/// <summary>How the Git source runs git and where it keeps mirrors of remote repositories.</summary>
public sealed record GitRepositoryOptions
{
    public static GitRepositoryOptions Default { get; } = new();

    /// <summary>The git program: a name looked up on PATH, or a path.</summary>
    public string GitExecutable { get; init; } = "git";

    /// <summary>
    /// Directory holding one bare mirror per remote URL; null for the default,
    /// <c>$XDG_CACHE_HOME/gitops/mirrors</c> or <c>~/.cache/gitops/mirrors</c>.
    /// </summary>
    public string? MirrorCacheDirectory { get; init; }

    /// <summary>Limit for git commands that only touch the local disk.</summary>
    public TimeSpan LocalTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit for git commands that talk to a remote (clone, ls-remote, fetch).</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock for waiting on a mirror another process is updating.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Largest desired-state file accepted, in bytes; a larger one is an error, not a truncation.</summary>
    public long MaxFileBytes { get; init; } = 1024 * 1024;

    /// <summary>The mirror directory used when <see cref="MirrorCacheDirectory"/> is null.</summary>
    public static string DefaultMirrorCacheDirectory()
    {
        var cacheHome = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(cacheHome) || !Path.IsPathRooted(cacheHome))
        {
            cacheHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }

        return Path.Combine(cacheHome, "gitops", "mirrors");
    }
}
