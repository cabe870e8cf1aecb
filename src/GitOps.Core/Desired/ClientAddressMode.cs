namespace GitOps.Core.Desired;

/// <summary>How a backend's servers learn the address of the client that connected to the load balancer.</summary>
public enum ClientAddressMode
{
    /// <summary>An <c>X-Forwarded-For</c> request header (and <c>X-Forwarded-Proto</c>); http services only.</summary>
    Header,

    /// <summary>A PROXY protocol version 1 (text) header at the start of each connection to a server.</summary>
    ProxyV1,

    /// <summary>A PROXY protocol version 2 (binary) header at the start of each connection to a server.</summary>
    ProxyV2,

    /// <summary>Connections to the servers come from the client's own address (TPROXY); IPv4 servers that route back through the load balancer.</summary>
    Transparent,

    /// <summary>The servers see the load balancer's address only.</summary>
    None,
}
