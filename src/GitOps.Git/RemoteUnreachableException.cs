namespace GitOps.Git;

/// <summary>A remote repository could not be cloned, listed or fetched (network, authentication, no such repository, timeout).</summary>
public sealed class RemoteUnreachableException : GitSourceException
{
    public RemoteUnreachableException(string remote, string reason, Exception? innerException = null)
        : base($"cannot reach remote repository '{remote}': {reason}", innerException)
    {
        Remote = remote;
    }

    /// <summary>The remote's address with any password removed.</summary>
    public string Remote { get; }
}
