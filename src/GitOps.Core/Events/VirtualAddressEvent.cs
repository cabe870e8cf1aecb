namespace GitOps.Core.Events;

/// <summary>
/// A move of a virtual address seen by one host's keepalived (<c>virtualAddresses</c> in gitops.yaml), recorded by
/// that host's agent on <c>host-&lt;host&gt;</c>: it took the address, gave it up, or cannot hold it.
/// </summary>
public abstract record VirtualAddressEvent : IEvent
{
    /// <summary>The host whose keepalived changed state.</summary>
    public required string Host { get; init; }

    /// <summary>The virtual address with its prefix, as gitops.yaml writes it: <c>10.99.0.10/24</c>.</summary>
    public required string Address { get; init; }

    /// <summary>Why, in words an operator reads in <c>gitops history</c>.</summary>
    public required string Reason { get; init; }

    /// <summary>When keepalived changed state (as the reader of its notify FIFO saw it), which may precede the recording.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>keepalived's state word behind the event: MASTER, BACKUP, FAULT or STOP.</summary>
    public required string State { get; init; }

    /// <summary>This host's VRRP priority in the group when it changed state.</summary>
    public int Priority { get; init; }
}
