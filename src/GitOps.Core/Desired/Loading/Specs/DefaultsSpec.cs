namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>defaults:</c> of gitops.yaml.</summary>
internal sealed record DefaultsSpec
{
    public TimeoutsSpec? Timeouts { get; init; }

    public Located<long>? MaxConnections { get; init; }

    public required OptionsSpec Options { get; init; }
}
