namespace GitOps.Git;

/// <summary>The <c>--repo</c> path does not exist or is not inside a Git repository.</summary>
public sealed class NotARepositoryException : GitSourceException
{
    public NotARepositoryException(string path, string reason)
        : base($"'{path}' is not a git repository: {reason}")
    {
        Path = path;
    }

    public string Path { get; }
}
