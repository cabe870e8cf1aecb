namespace GitOps.Docker.Client;

/// <summary>Limits of a <see cref="DockerEngineClient"/>.</summary>
public sealed record DockerClientOptions
{
    /// <summary>How long a non-streaming request (version, list, inspect) may take, body included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long opening a connection may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// TCP keepalive on <c>tcp://</c> connections: the first probe after this much silence, then every
    /// <see cref="KeepAliveInterval"/>; after <see cref="KeepAliveProbes"/> unanswered probes the kernel drops the
    /// connection, and a waiting events stream fails instead of waiting forever for an engine host that is gone.
    /// </summary>
    public TimeSpan KeepAliveTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Between two keepalive probes.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unanswered probes before the connection is dropped.</summary>
    public int KeepAliveProbes { get; init; } = 3;
}
