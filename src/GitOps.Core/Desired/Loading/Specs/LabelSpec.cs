namespace GitOps.Core.Desired.Loading.Specs;

/// <summary>One <c>key: value</c> of a label selector, or one Compose selector mapped to its label.</summary>
internal sealed record LabelSpec
{
    public required string Path { get; init; }

    public required Located<string> Key { get; init; }

    public required Located<string> Value { get; init; }
}
