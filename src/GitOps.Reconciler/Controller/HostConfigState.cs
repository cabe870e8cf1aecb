namespace GitOps.Reconciler.Controller;

/// <summary>What the controller knows of one host's published configurations and its unrendered inputs.</summary>
internal sealed class HostConfigState
{
    /// <summary>The version of the host's last ConfigRendered, which is also its config stream's version (0: none yet).</summary>
    public long Version { get; set; }

    /// <summary>The SHA-256 of the last published text; null before the first.</summary>
    public string? Sha256 { get; set; }

    /// <summary>The SHA-256 of the last text haproxy -c refused, so the same refused text is not checked again.</summary>
    public string? RejectedSha256 { get; set; }

    /// <summary>Input events not yet rendered for this host, in store order, each once.</summary>
    public List<Guid> PendingCauses { get; } = [];

    private readonly HashSet<Guid> pendingSet = [];

    public bool IsPending => PendingCauses.Count > 0;

    public void AddCause(Guid eventId)
    {
        if (pendingSet.Add(eventId))
        {
            PendingCauses.Add(eventId);
        }
    }

    public void RemoveCauses(IEnumerable<Guid> eventIds)
    {
        foreach (var id in eventIds)
        {
            if (pendingSet.Remove(id))
            {
                PendingCauses.Remove(id);
            }
        }
    }

    public void ClearPending()
    {
        PendingCauses.Clear();
        pendingSet.Clear();
    }
}
