namespace GitOps.Core.Desired;

/// <summary>A load-balancer host: one HAProxy, one agent, one Docker engine.</summary>
public sealed record HostModel
{
    public required string Name { get; init; }

    /// <summary>
    /// The host's own IP address, the source and peer address of its VRRP adverts (unicast); null when not written,
    /// which only hosts outside every <see cref="VirtualAddressModel"/> group may leave out.
    /// </summary>
    public string? Address { get; init; }
}
