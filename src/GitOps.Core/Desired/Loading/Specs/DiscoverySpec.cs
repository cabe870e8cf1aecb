namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>discovery:</c> of gitops.yaml.</summary>
internal sealed record DiscoverySpec
{
    public Located<bool>? SeedLabels { get; init; }

    public Located<string>? Network { get; init; }
}
