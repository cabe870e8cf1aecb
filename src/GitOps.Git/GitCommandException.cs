namespace GitOps.Git;

/// <summary>git itself failed in a way not covered by a more specific exception (not installed, timed out, corrupt repository, refused ownership).</summary>
public sealed class GitCommandException : GitSourceException
{
    public GitCommandException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
