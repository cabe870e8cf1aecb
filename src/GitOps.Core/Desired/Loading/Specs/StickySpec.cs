using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>backend.sticky:</c>.</summary>
internal sealed record StickySpec
{
    public required SourceLocation Location { get; init; }

    public Located<StickyMode>? Mode { get; init; }

    public Located<string>? Cookie { get; init; }
}
