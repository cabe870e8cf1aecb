namespace GitOps.Core.Discovery;

/// <summary>
/// Where the discovery watcher publishes what it sees (the event store, a CLI printer). Called from one
/// loop per host, one change at a time, in order. Throwing makes the watcher publish a fresh
/// <see cref="Resynced"/> once the sink accepts changes again, so a consumer never keeps a gap.
/// </summary>
public interface IDiscoverySink
{
    Task PublishAsync(DiscoveryChange change, CancellationToken cancellationToken);
}
