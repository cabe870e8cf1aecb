namespace GitOps.Core.Events;

/// <summary>This host cannot hold the address: its HAProxy health check fails or the group's interface is down (keepalived's FAULT state).</summary>
public sealed record VirtualAddressFaulted : VirtualAddressEvent;
