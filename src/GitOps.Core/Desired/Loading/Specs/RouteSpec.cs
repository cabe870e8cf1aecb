using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary>One entry of <c>routes:</c>.</summary>
internal sealed record RouteSpec
{
    public required SourceLocation Location { get; init; }

    public required string Path { get; init; }

    public Located<string>? Host { get; init; }

    public Located<string>? UrlPath { get; init; }
}
