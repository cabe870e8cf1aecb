using LibGit2Sharp;

namespace GitOps.Git;

/// <summary>Opens a git directory with libgit2 and runs work on it off the caller's thread, libgit2's own failures turned into <see cref="GitCommandException"/>.</summary>
internal static class LocalRepository
{
    /// <exception cref="GitCommandException">libgit2 cannot open it (gone, corrupt, owned by another user).</exception>
    public static Repository Open(string gitDirectory, string location)
    {
        try
        {
            return new Repository(gitDirectory);
        }
        catch (LibGit2SharpException ex)
        {
            throw new GitCommandException($"cannot open the repository of '{location}': {ex.Message}", ex);
        }
    }

    /// <summary>Opens the repository for one piece of work; a repository object is never shared between threads.</summary>
    /// <exception cref="GitCommandException">libgit2 failed.</exception>
    public static Task<T> RunAsync<T>(string gitDirectory, string location, Func<Repository, T> work, CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                using var repository = Open(gitDirectory, location);
                try
                {
                    return work(repository);
                }
                catch (LibGit2SharpException ex)
                {
                    throw new GitCommandException($"reading '{location}' failed: {ex.Message}", ex);
                }
            },
            cancellationToken);
}
