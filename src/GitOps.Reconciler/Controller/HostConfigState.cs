using GitOps.Core.Collections;

namespace GitOps.Reconciler.Controller;

/// <summary>What the controller knows of one host's published configurations and its unrendered inputs.</summary>
internal sealed class HostConfigState
{
    /// <summary>The version of the host's last ConfigRendered, which is also its config stream's version (0: none yet).</summary>
    public long Version { get; set; }

    /// <summary>The SHA-256 of the last published text; null before the first.</summary>
    public string? Sha256 { get; set; }

    /// <summary>
    /// The last published text, when this controller saw it (null after recovering from a snapshot until the next one):
    /// a text that differs from it only in servers shaped like its own is not checked with haproxy -c again
    /// (<see cref="GitOps.HAProxy.Validation.ServerLineChanges"/>).
    /// </summary>
    public string? PublishedText { get; set; }

    /// <summary>The SHA-256 of the last text haproxy -c refused, so the same refused text is not checked again.</summary>
    public string? RejectedSha256 { get; set; }

    /// <summary>
    /// The ids of the containers the configuration this controller last published serves; null when not known (the
    /// state was rebuilt from events, which record the text, not the containers).
    /// </summary>
    public IReadOnlySet<string>? ServedContainers { get; set; }

    /// <summary>Input events not yet rendered for this host, in store order, each once.</summary>
    public List<Guid> PendingCauses { get; } = [];

    private readonly HashSet<Guid> pendingSet = [];

    /// <summary>The container each pending container event is about.</summary>
    private readonly Dictionary<Guid, string> containerOf = [];

    public bool IsPending => PendingCauses.Count > 0;

    /// <summary>The pending inputs in store order, each with the container it is about (null: about more, or none).</summary>
    public IEnumerable<(Guid EventId, string? ContainerId)> PendingWithContainers() =>
        PendingCauses.Select(id => (id, containerOf.TryGetValue(id, out var container) ? container : null));

    /// <param name="eventId">The input event.</param>
    /// <param name="containerId">The container it is about, when it is about one container.</param>
    public void AddCause(Guid eventId, string? containerId = null)
    {
        if (pendingSet.Add(eventId))
        {
            PendingCauses.Add(eventId);
            if (containerId is not null)
            {
                containerOf[eventId] = containerId;
            }
        }
    }

    public void RemoveCauses(IEnumerable<Guid> eventIds)
    {
        foreach (var id in eventIds)
        {
            if (pendingSet.Remove(id))
            {
                PendingCauses.Remove(id);
                containerOf.Remove(id);
            }
        }
    }

    public void ClearPending()
    {
        PendingCauses.Clear();
        pendingSet.Clear();
        containerOf.Clear();
    }

    /// <summary>
    /// The pending inputs that can have changed a configuration now serving <paramref name="served"/>: all of them but
    /// the events about a container served neither now nor by the last published configuration (a container no service
    /// selects started on the same Docker host), so the history credits a change to what made it. Every pending input
    /// when that would leave none.
    /// </summary>
    public ValueList<Guid> CausesOfChange(IReadOnlySet<string> served)
    {
        var causes = PendingCauses
            .Where(id => !containerOf.TryGetValue(id, out var container) || served.Contains(container) || ServedContainers?.Contains(container) != false)
            .ToValueList();
        return causes.Count > 0 ? causes : PendingCauses.ToValueList();
    }
}
