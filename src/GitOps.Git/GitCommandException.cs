namespace GitOps.Git;

/// <summary>Reading a repository failed in a way not covered by a more specific exception (corrupt repository, refused ownership, a mirror lock held too long).</summary>
public sealed class GitCommandException : GitSourceException
{
    public GitCommandException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
