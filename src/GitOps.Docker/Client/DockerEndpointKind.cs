namespace GitOps.Docker.Client;

/// <summary>How an engine is reached.</summary>
public enum DockerEndpointKind
{
    /// <summary>A unix domain socket, <c>unix:///var/run/docker.sock</c>.</summary>
    Unix,

    /// <summary>HTTP over TCP, <c>tcp://host:2375</c>, or HTTPS with <see cref="DockerEndpoint.Tls"/> (<c>tcp://host:2376</c>).</summary>
    Tcp,
}
