using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired.Loading.Specs;

/// <summary><c>listen:</c> of a service.</summary>
internal sealed record ListenSpec
{
    public required SourceLocation Location { get; init; }

    public Located<long>? Port { get; init; }

    public Located<ListenMode>? Mode { get; init; }

    public TlsSpec? Tls { get; init; }

    public Located<bool>? AcceptProxy { get; init; }
}
