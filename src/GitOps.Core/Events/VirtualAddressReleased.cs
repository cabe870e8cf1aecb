namespace GitOps.Core.Events;

/// <summary>This host's keepalived left the master state of the group, or stopped: the address is no longer here.</summary>
public sealed record VirtualAddressReleased : VirtualAddressEvent;
