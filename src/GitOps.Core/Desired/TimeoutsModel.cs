namespace GitOps.Core.Desired;

/// <summary>HAProxy timeouts; durations are written in YAML as <c>500ms</c>, <c>5s</c>, <c>1m</c>, <c>1h</c>.</summary>
public sealed record TimeoutsModel
{
    public static TimeoutsModel Standard { get; } = new();

    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The connect timeout of backends whose servers are all containers discovered on the host's own Docker engine.
    /// A connection over the host's bridge is made in well under a millisecond, so one not made within a second
    /// goes to a container whose address has gone; it is retried on another server instead of waiting for
    /// <see cref="Connect"/>. The loader makes it <see cref="Connect"/> when <c>timeouts.connect</c> is written.
    /// </summary>
    public TimeSpan ContainerConnect { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Client { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Server { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan HttpRequest { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle timeout of upgraded connections (WebSocket) and tcp tunnels.</summary>
    public TimeSpan Tunnel { get; init; } = TimeSpan.FromHours(1);
}
