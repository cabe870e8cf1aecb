namespace GitOps.Docker.Client;

/// <summary>Base of every failure talking to a Docker engine; the message is one sentence an operator can act on.</summary>
public abstract class DockerException : Exception
{
    protected DockerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
