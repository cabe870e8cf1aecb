namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>options:</c> of a service, or the same switches under <c>defaults:</c> in gitops.yaml.</summary>
internal sealed record OptionsSpec
{
    public Located<bool>? Compression { get; init; }

    public Located<bool>? ForwardedFor { get; init; }

    public Located<bool>? ServerHeader { get; init; }
}
