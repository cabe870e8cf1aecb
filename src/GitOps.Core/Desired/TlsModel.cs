using GitOps.Core.Diagnostics;

namespace GitOps.Core.Desired;

/// <summary>TLS termination with a PEM bundle (certificate + key) that must exist on each host.</summary>
public sealed record TlsModel
{
    /// <summary>Absolute path of the PEM file on the load-balancer host.</summary>
    public required string Certificate { get; init; }

    /// <summary>Where Git names <see cref="Certificate"/>, for messages about the file on a host; null when not read from a file.</summary>
    public SourceLocation? CertificateSource { get; init; }

    /// <summary>Plain-http port whose requests for this service's routes are redirected to https; null for none. Default 80.</summary>
    public int? RedirectFrom { get; init; } = 80;
}
