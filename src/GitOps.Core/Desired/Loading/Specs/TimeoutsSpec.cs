namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>defaults.timeouts:</c>; durations stay text until validated.</summary>
internal sealed record TimeoutsSpec
{
    public Located<string>? Connect { get; init; }

    public Located<string>? Client { get; init; }

    public Located<string>? Server { get; init; }

    public Located<string>? HttpRequest { get; init; }

    public Located<string>? Tunnel { get; init; }
}
