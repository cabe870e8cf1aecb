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
/// host's last published configuration, and the inputs not yet rendered per host. A new leader rebuilds it by replaying the store, so nothing but events
/// carries state from one controller to the next.
/// </summary>
internal sealed class ReconcileState
{
    private readonly Dictionary<string, ObservedContainers> containers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HostConfigState> hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueList<HostFileFact>> hostFiles = new(StringComparer.Ordinal);
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
                MarkInput(facts.Host, recorded, pending);
                break;
            case ConfigRendered rendered:
                var config = Host(rendered.Host);
                if (recorded.Version > config.Version)
                {
                    config.Version = recorded.Version;
                    config.Sha256 = rendered.Sha256;
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
