using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>listen.tls:</c> of a service.</summary>
internal sealed record TlsSpec
{
    public required SourceLocation Location { get; init; }

    public Located<string>? Certificate { get; init; }

    public Located<long>? RedirectFrom { get; init; }

    /// <summary>True when <c>redirectFrom: null</c> turns the redirect off.</summary>
    public bool RedirectDisabled { get; init; }
}
