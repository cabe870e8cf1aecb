namespace GitOps.Docker.Client;

/// <summary>The engine could not be reached, stopped answering, or closed the connection mid-response.</summary>
public sealed class DockerConnectionException : DockerException
{
    public DockerConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
