namespace GitOps.Docker.Client;

/// <summary>Limits of a <see cref="DockerClient"/>.</summary>
public sealed record DockerClientOptions
{
    /// <summary>How long a non-streaming request (version, list, inspect) may take, body included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long opening a connection may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
