using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>stats:</c> of gitops.yaml.</summary>
internal sealed record StatsSpec
{
    public required SourceLocation Location { get; init; }

    public Located<bool>? Enabled { get; init; }

    public Located<long>? Port { get; init; }

    public Located<string>? Bind { get; init; }

    public Located<string>? Path { get; init; }

    public Located<string>? User { get; init; }

    public Located<string>? Password { get; init; }

    public Located<bool>? Prometheus { get; init; }

    public Located<string>? PrometheusPath { get; init; }

    public bool IsEnabled => Enabled?.Value ?? true;
}
