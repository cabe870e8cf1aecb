namespace GitOps.Core.Desired;

/// <summary>The HAProxy statistics page, optionally with basic auth, and the Prometheus exporter.</summary>
public sealed record StatsModel
{
    public int Port { get; init; } = 8404;

    /// <summary>Address the stats listener binds to; loopback by default.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    public string Path { get; init; } = "/stats";

    public string? User { get; init; }

    public string? Password { get; init; }

    /// <summary>Serve Prometheus metrics at <see cref="PrometheusPath"/> on the same port.</summary>
    public bool Prometheus { get; init; } = true;

    public string PrometheusPath { get; init; } = "/metrics";
}
