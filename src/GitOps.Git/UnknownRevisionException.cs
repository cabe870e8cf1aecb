namespace GitOps.Git;

/// <summary>A revision names no commit in the repository, or is not an acceptable revision at all.</summary>
public sealed class UnknownRevisionException : GitSourceException
{
    public UnknownRevisionException(string revision, string message)
        : base(message)
    {
        Revision = revision;
    }

    public string Revision { get; }
}
