namespace GitOps.Docker.Client;

/// <summary>The engine could not be reached, stopped answering, or closed the connection mid-response.</summary>
public sealed class DockerConnectionException : DockerException
{
    public DockerConnectionException(string message, Exception? innerException = null, string? reason = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the connection failed, without the endpoint (e.g. <c>there is no socket at …</c>), when known.</summary>
    public string? Reason { get; }
}
