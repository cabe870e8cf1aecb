namespace GitOps.Docker.Discovery;

/// <summary>How a <see cref="DockerDiscoveryWatcher"/> retries after losing the engine.</summary>
public sealed record DiscoveryWatcherOptions
{
    /// <summary>The first wait before reconnecting; doubled after each failed attempt.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);
}
