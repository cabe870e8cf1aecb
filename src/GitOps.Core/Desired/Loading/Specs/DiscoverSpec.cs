using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>backend.discover:</c>: a label selector, optionally written as a Compose project and service.</summary>
internal sealed record DiscoverSpec
{
    public required SourceLocation Location { get; init; }

    public IReadOnlyList<LabelSpec> Labels { get; init; } = [];

    /// <summary>Position of <c>labels:</c>, when given.</summary>
    public SourceLocation? LabelsLocation { get; init; }

    public Located<string>? ComposeProject { get; init; }

    public Located<string>? ComposeService { get; init; }

    public Located<long>? Port { get; init; }

    public Located<string>? Network { get; init; }
}
