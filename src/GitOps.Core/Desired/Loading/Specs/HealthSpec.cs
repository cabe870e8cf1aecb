using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>backend.health:</c>.</summary>
internal sealed record HealthSpec
{
    public required SourceLocation Location { get; init; }

    public Located<string>? Path { get; init; }

    public Located<string>? Interval { get; init; }

    public Located<long>? Rise { get; init; }

    public Located<long>? Fall { get; init; }
}
