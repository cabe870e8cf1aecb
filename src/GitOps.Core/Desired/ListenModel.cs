namespace GitOps.Core.Desired;

/// <summary>Where and how a service accepts connections.</summary>
public sealed record ListenModel
{
    public required int Port { get; init; }

    public required ListenMode Mode { get; init; }

    /// <summary>TLS termination; http mode only.</summary>
    public TlsModel? Tls { get; init; }
}
