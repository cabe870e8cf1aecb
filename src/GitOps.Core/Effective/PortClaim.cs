using GitOps.Core.Desired;

namespace GitOps.Core.Effective;

/// <summary>Who listens on one port of a host while the effective model is being built.</summary>
internal sealed class PortClaim(int port, ListenMode mode, bool tls, string owner, bool acceptProxy = false)
{
    public int Port { get; } = port;

    public ListenMode Mode { get; } = mode;

    public bool Tls { get; } = tls;

    /// <summary>The port's bind expects a PROXY protocol header on every connection.</summary>
    public bool AcceptProxy { get; } = acceptProxy;

    /// <summary>The first service (or <c>the statistics page</c>) that took the port, for messages.</summary>
    public string Owner { get; } = owner;

    /// <summary>The http service taking every request no route takes; null when none.</summary>
    public string? DefaultService { get; set; }

    public bool IsStats { get; init; }
}
