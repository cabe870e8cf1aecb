using GitOps.Core.Events;

namespace GitOps.Core.Discovery;

/// <summary>
/// Where the discovery watcher publishes what it sees (the event store, a CLI printer). Called from one
/// loop per host, one event at a time, in order. Throwing makes the watcher publish a fresh
/// <see cref="DiscoveryResynced"/> once the sink accepts events again, so a consumer never keeps a gap.
/// </summary>
public interface IDiscoverySink
{
    Task PublishAsync(IDiscoveryEvent discoveryEvent, CancellationToken cancellationToken);
}
