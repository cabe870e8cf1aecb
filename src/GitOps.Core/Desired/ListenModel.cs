namespace GitOps.Core.Desired;

/// <summary>Where and how a service accepts connections.</summary>
public sealed record ListenModel
{
    public required int Port { get; init; }

    public required ListenMode Mode { get; init; }

    /// <summary>TLS termination; http mode only.</summary>
    public TlsModel? Tls { get; init; }

    /// <summary>The listener sits behind another proxy that starts every connection with a PROXY protocol header (v1 or v2).</summary>
    public bool AcceptProxy { get; init; }
}
