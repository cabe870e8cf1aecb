namespace GitOps.Git;

/// <summary>A desired-state file cannot be used as text: too large, or not UTF-8.</summary>
public sealed class RepositoryFileException : GitSourceException
{
    public RepositoryFileException(string path, string reason)
        : base($"{path}: {reason}")
    {
        Path = path;
    }

    /// <summary>Repository-relative path of the file, forward slashes.</summary>
    public string Path { get; }
}
