namespace GitOps.Docker.Client;

/// <summary>
/// The events stream sent nothing for the idle limit: a quiet host, or a connection that died without closing. The
/// watcher cannot tell the two apart from here, so it reconnects and resyncs.
/// </summary>
public sealed class DockerEventStreamIdleException : DockerException
{
    public DockerEventStreamIdleException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
