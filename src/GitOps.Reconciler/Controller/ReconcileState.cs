using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.Core.Hosts;
using GitOps.EventStore;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// The controller's view of the store, built from events alone: the desired state in force, the
/// containers running on each Docker host, what each host's agent last reported of its files, each
/// host's last published configuration, and the inputs not yet rendered per host. A new leader rebuilds it from the
/// last <see cref="ControllerSnapshot"/> and the events after it (or by replaying the store when there is none).
/// </summary>
internal sealed class ReconcileState
{
    private readonly Dictionary<string, ObservedContainers> containers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HostConfigState> hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueList<HostFileFact>> hostFiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueList<HostCapabilityFact>> hostCapabilities = new(StringComparer.Ordinal);
    private ValueList<RepositoryFile>? unloadedFiles;
    private DesiredState? desired;

    /// <summary>The commit of the desired state in force; null before the first accepted commit.</summary>
    public string? DesiredCommit { get; private set; }

    /// <summary>The position of the last event applied.</summary>
    public GlobalPosition Position { get; private set; } = GlobalPosition.Start;

    /// <summary>The desired state in force, derived from its event's files on first use.</summary>
    public DesiredState? Desired
    {
        get
        {
            if (unloadedFiles is { } files)
            {
                unloadedFiles = null;
                // The loader is deterministic: an accepted commit's files load to the same state again.
                desired = DesiredStateLoader.Load(files).State ?? desired;
            }

            return desired;
        }
    }

    public IReadOnlyDictionary<string, HostConfigState> Hosts => hosts;

    /// <summary>The state a snapshot holds, at its position.</summary>
    public static ReconcileState FromSnapshot(ControllerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var state = new ReconcileState
        {
            Position = new GlobalPosition(snapshot.Sequence),
            DesiredCommit = snapshot.DesiredCommit,
            desired = snapshot.Desired,
        };
        foreach (var (host, running) in snapshot.Containers)
        {
            state.containers[host] = ObservedContainers.Of(running);
        }

        foreach (var (host, files) in snapshot.HostFiles)
        {
            state.hostFiles[host] = files;
        }

        foreach (var (host, capabilities) in snapshot.HostCapabilities)
        {
            state.hostCapabilities[host] = capabilities;
        }

        foreach (var (name, saved) in snapshot.Hosts)
        {
            var host = state.Host(name);
            host.Version = saved.Version;
            host.Sha256 = saved.Sha256;
            host.RejectedSha256 = saved.RejectedSha256;
            host.ServedContainers = saved.ServedContainers?.ToHashSet(StringComparer.Ordinal);
            foreach (var pending in saved.Pending)
            {
                host.AddCause(pending.EventId, pending.ContainerId);
            }
        }

        return state;
    }

    /// <summary>This state as a snapshot document named <paramref name="id"/>, in name order; shares only immutable parts with the state.</summary>
    public ControllerSnapshot ToSnapshot(string id, DateTimeOffset takenAt) => new()
    {
        Id = id,
        Sequence = Position.Sequence,
        TakenAt = takenAt,
        DesiredCommit = DesiredCommit,
        Desired = Desired,
        Containers = containers.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.ById.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ToList(), StringComparer.Ordinal),
        HostFiles = hostFiles.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        HostCapabilities = hostCapabilities.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        Hosts = hosts.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            p => p.Key,
            p => new ControllerSnapshot.HostSnapshot
            {
                Version = p.Value.Version,
                Sha256 = p.Value.Sha256,
                RejectedSha256 = p.Value.RejectedSha256,
                ServedContainers = p.Value.ServedContainers?.Order(StringComparer.Ordinal).ToList(),
                Pending = p.Value.PendingWithContainers().Select(c => new ControllerSnapshot.PendingInput(c.EventId, c.ContainerId)).ToList(),
            },
            StringComparer.Ordinal),
    };

    public HostConfigState Host(string host)
    {
        if (!hosts.TryGetValue(host, out var state))
        {
            state = new HostConfigState();
            hosts[host] = state;
        }

        return state;
    }

    public IEnumerable<ObservedContainer> ContainersOn(string host) => ContainersOf(host).ById.Values;

    /// <summary>The files the agent of <paramref name="host"/> last reported on; null when it never reported.</summary>
    public ValueList<HostFileFact>? FilesOn(string host) => hostFiles.TryGetValue(host, out var files) ? files : null;

    /// <summary>The capabilities the agent of <paramref name="host"/> last reported on; null when it never reported.</summary>
    public ValueList<HostCapabilityFact>? CapabilitiesOn(string host) => hostCapabilities.TryGetValue(host, out var capabilities) ? capabilities : null;

    /// <summary>
    /// Applies one event. With <paramref name="pending"/>, an input (a desired state, a container change or host facts)
    /// is remembered as a cause still to render for the hosts it affects; without, it counts as handled.
    /// </summary>
    public void Apply(RecordedEvent recorded, bool pending)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        Position = recorded.Position;
        switch (recorded.Data)
        {
            case DesiredStateObserved observed when recorded.Stream == StreamNames.Desired:
                unloadedFiles = observed.Files;
                DesiredCommit = observed.Commit;
                if (pending)
                {
                    // Every host of the new state, and every host of the old one (it may have lost services).
                    foreach (var host in HostNames().Concat(hosts.Keys).Distinct(StringComparer.Ordinal).ToList())
                    {
                        Host(host).AddCause(recorded.EventId);
                    }
                }

                break;
            case IDiscoveryEvent discovery:
                containers[discovery.Host] = ContainersOf(discovery.Host).Apply(discovery);
                MarkInput(discovery.Host, recorded, pending);
                break;
            case HostFactsObserved facts when recorded.Stream == StreamNames.HostFacts(facts.Host):
                hostFiles[facts.Host] = facts.Files;
                hostCapabilities[facts.Host] = facts.Capabilities;
                MarkInput(facts.Host, recorded, pending);
                break;
            case ConfigRendered rendered:
                var config = Host(rendered.Host);
                if (recorded.Version > config.Version)
                {
                    config.Version = recorded.Version;
                    config.Sha256 = rendered.Sha256;
                    config.PublishedText = rendered.Text;
                }

                config.RemoveCauses(rendered.Causes);
                break;
            case ConfigRejected rejected:
                var refused = Host(rejected.Host);
                refused.RejectedSha256 = rejected.Sha256;
                refused.RemoveCauses(rejected.Causes);
                break;
        }
    }

    /// <summary>The hosts the desired state in force declares.</summary>
    public IEnumerable<string> HostNames() => Desired?.Settings.Hosts.Select(h => h.Name) ?? [];

    private void MarkInput(string host, RecordedEvent recorded, bool pending)
    {
        if (pending)
        {
            Host(host).AddCause(recorded.EventId, ContainerOf(recorded.Data));
        }
    }

    /// <summary>The container an input is about; null for an input about more (a resync) or none.</summary>
    private static string? ContainerOf(IEvent input) => input switch
    {
        ContainerStarted started => started.ContainerId,
        ContainerStopped stopped => stopped.ContainerId,
        ContainerHealthChanged health => health.ContainerId,
        ContainerAddressChanged address => address.ContainerId,
        ContainerLabelRejected labels => labels.ContainerId,
        _ => null,
    };

    private ObservedContainers ContainersOf(string host) =>
        containers.TryGetValue(host, out var known) ? known : ObservedContainers.Empty;
}
