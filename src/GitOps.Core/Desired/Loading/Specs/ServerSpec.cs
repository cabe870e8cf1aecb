using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary>One entry of <c>backend.servers:</c>.</summary>
internal sealed record ServerSpec
{
    public required SourceLocation Location { get; init; }

    public required string Path { get; init; }

    public Located<string>? Name { get; init; }

    public Located<string>? Address { get; init; }

    public Located<long>? Weight { get; init; }
}
