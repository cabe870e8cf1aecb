namespace GitOps.Docker.Client;

/// <summary>A TLS file named for the engine (<see cref="DockerTls"/>) is missing, unreadable or not a PEM certificate or key.</summary>
public sealed class DockerTlsException : DockerException
{
    public DockerTlsException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
