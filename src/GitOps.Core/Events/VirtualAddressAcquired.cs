namespace GitOps.Core.Events;

/// <summary>This host's keepalived became master of the group: the address is on its interface and answers here.</summary>
public sealed record VirtualAddressAcquired : VirtualAddressEvent;
