using System.Collections.Immutable;
using GitOps.Core.Collections;
using GitOps.Core.Discovery;
using GitOps.Core.Events;

namespace GitOps.Docker.Discovery;

/// <summary>
/// The running containers of one host by id, and the changes that turn one observation into the next.
/// Labels are checked (<see cref="LabelCheck"/>) as a container enters, so the picture holds only usable labels.
/// Not thread-safe for writers: one watcher loop owns it; <see cref="Containers"/> may be read from anywhere.
/// </summary>
internal sealed class ContainerPicture(string host)
{
    private ImmutableDictionary<string, ObservedContainer> containers = ImmutableDictionary.Create<string, ObservedContainer>(StringComparer.Ordinal);

    /// <summary>
    /// Containers sent their stop signal (or SIGKILL) while still running, by id, with the run (<c>StartedAt</c>)
    /// that is ending: that run is kept out of the picture however it looks, until the container exits or starts anew.
    /// </summary>
    private readonly Dictionary<string, DateTimeOffset> goingAway = new(StringComparer.Ordinal);

    public ImmutableDictionary<string, ObservedContainer> Containers => Volatile.Read(ref containers);

    /// <summary>The runs that are ending, by container id (see <see cref="Stopping"/>).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> GoingAway => goingAway;

    /// <summary>
    /// A container was sent a signal that ends it (<paramref name="signal"/>, already judged so) while it still runs:
    /// it leaves the picture now, while its process can still finish the requests it has, and this run stays out.
    /// </summary>
    public IReadOnlyList<IDiscoveryEvent> Stopping(string id, DateTimeOffset startedAt, string signal)
    {
        goingAway[id] = startedAt;
        if (Containers.GetValueOrDefault(id) is not { } known)
        {
            return [];
        }

        Set(containers.Remove(id));
        return [new ContainerStopped { Host = host, ContainerId = id, Name = known.Name, Signal = signal }];
    }

    /// <summary>Takes the current state of one container as <see cref="Apply(string, ObservedContainer?, string?)"/>, keeping an ending run out.</summary>
    public IReadOnlyList<IDiscoveryEvent> Apply(string id, InspectedContainer? inspected, string? signal = null)
    {
        if (inspected is { Container.IsRunning: true } && goingAway.TryGetValue(id, out var ending) && ending == inspected.StartedAt)
        {
            return [];
        }

        goingAway.Remove(id);
        return Apply(id, inspected?.Container, signal);
    }

    /// <summary>Forgets that <paramref name="id"/> was ending (it exited, or runs again), so the next resync takes it as listed.</summary>
    public void Forget(string id) => goingAway.Remove(id);

    /// <summary>
    /// Takes the current state of one container (null: it no longer exists) and returns the changes, in the
    /// order they should be published; empty when nothing that routing sees changed. <paramref name="signal"/> names
    /// the signal that ended a container seen no longer running, when that is why it is looked at.
    /// </summary>
    public IReadOnlyList<IDiscoveryEvent> Apply(string id, ObservedContainer? observed, string? signal = null)
    {
        var changes = new List<IDiscoveryEvent>();
        var known = Containers.GetValueOrDefault(id);
        var running = observed is { IsRunning: true } ? LabelCheck.Check(observed) : null;
        if (known is not null && (running is null || running.Container.Name != known.Name || running.Container.Labels != known.Labels))
        {
            // A rename is reported as the old name leaving and the new one arriving: server names follow container names.
            // Labels cannot change on a running container; should they differ all the same, the container is re-announced whole.
            changes.Add(new ContainerStopped { Host = host, ContainerId = id, Name = known.Name, Signal = running is null ? signal : null });
            Set(containers.Remove(id));
            known = null;
        }

        if (running is null)
        {
            return changes;
        }

        var container = running.Container;
        if (known is null)
        {
            changes.Add(ContainerStarted.From(host, container));
            if (running.Diagnostics.Count > 0)
            {
                changes.Add(ContainerLabelRejected.From(host, container.Id, container.Name, running.Diagnostics));
            }
        }
        else
        {
            if (known.Health != container.Health)
            {
                changes.Add(new ContainerHealthChanged { Host = host, ContainerId = id, Health = container.Health });
            }

            if (known.Networks != container.Networks)
            {
                changes.Add(new ContainerAddressChanged { Host = host, ContainerId = id, Networks = container.Networks });
            }
        }

        Set(containers.SetItem(id, container));
        return changes;
    }

    /// <summary>
    /// Replaces the whole picture with <paramref name="listed"/> (running ones are kept, but not the ending runs of
    /// <see cref="GoingAway"/>: refresh those first) and returns the snapshot and label problems.
    /// </summary>
    public ResyncResult Replace(IEnumerable<ObservedContainer> listed)
    {
        var before = Containers;
        var builder = ImmutableDictionary.CreateBuilder<string, ObservedContainer>(StringComparer.Ordinal);
        var rejected = new List<ContainerLabelRejected>();
        foreach (var observed in listed.Where(c => c.IsRunning && !goingAway.ContainsKey(c.Id)))
        {
            var result = LabelCheck.Check(observed);
            builder[observed.Id] = result.Container;
            if (result.Diagnostics.Count > 0)
            {
                rejected.Add(ContainerLabelRejected.From(host, observed.Id, result.Container.Name, result.Diagnostics));
            }
        }

        var after = builder.ToImmutable();
        Set(after);
        var snapshot = after.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal).ToValueList();
        return new ResyncResult(
            new DiscoveryResynced { Host = host, Snapshot = snapshot },
            rejected.OrderBy(r => r.Name, StringComparer.Ordinal).ToList(),
            Added: after.Keys.Count(id => !before.ContainsKey(id)),
            Removed: before.Keys.Count(id => !after.ContainsKey(id)),
            Changed: after.Count(pair => before.TryGetValue(pair.Key, out var old) && old != pair.Value));
    }

    private void Set(ImmutableDictionary<string, ObservedContainer> value) => Volatile.Write(ref containers, value);
}
