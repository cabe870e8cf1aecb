namespace GitOps.Core.Desired;

/// <summary>HAProxy timeouts; durations are written in YAML as <c>500ms</c>, <c>5s</c>, <c>1m</c>, <c>1h</c>.</summary>
public sealed record TimeoutsModel
{
    public static TimeoutsModel Standard { get; } = new();

    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Client { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Server { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan HttpRequest { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle timeout of upgraded connections (WebSocket) and tcp tunnels.</summary>
    public TimeSpan Tunnel { get; init; } = TimeSpan.FromHours(1);
}
