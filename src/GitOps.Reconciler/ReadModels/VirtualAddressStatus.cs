namespace GitOps.Reconciler.ReadModels;

/// <summary>A virtual address of the desired state in force and which host holds it now, as its agents recorded.</summary>
public sealed record VirtualAddressStatus
{
    /// <summary>The address with its prefix: <c>10.99.0.10/24</c>.</summary>
    public required string Address { get; init; }

    public required string Interface { get; init; }

    /// <summary>The group's hosts in order of preference.</summary>
    public required IReadOnlyList<string> Hosts { get; init; }

    /// <summary>The host whose latest record is that it took the address; null when none holds it (or none recorded yet).</summary>
    public string? Holder { get; init; }

    /// <summary>When the holder took it.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Why the holder holds it (its keepalived's state change).</summary>
    public string? Reason { get; init; }
}
