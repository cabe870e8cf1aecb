namespace GitOps.Docker.Client;

/// <summary>The engine answered with something this client cannot use: invalid JSON, a missing field, an unsupported API version.</summary>
public sealed class DockerProtocolException : DockerException
{
    public DockerProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
