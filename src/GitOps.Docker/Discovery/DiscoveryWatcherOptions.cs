namespace GitOps.Docker.Discovery;

/// <summary>How a <see cref="DockerDiscoveryWatcher"/> retries after losing the engine, and how long it trusts a silent event stream.</summary>
public sealed record DiscoveryWatcherOptions
{
    /// <summary>The first wait before reconnecting; doubled after each failed attempt.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the event stream may send nothing before the watcher reconnects and resyncs: the longest a change can
    /// go unseen behind a connection that died without closing. On a quiet host it costs one list request per period.
    /// </summary>
    public TimeSpan EventIdleLimit { get; init; } = TimeSpan.FromSeconds(60);
}
