namespace GitOps.Core.Events;

/// <summary>
/// An event the discovery watcher of one Docker host produces: published through
/// <see cref="Discovery.IDiscoverySink"/> and stored, unchanged, on <see cref="StreamNames.Docker"/>.
/// </summary>
public interface IDiscoveryEvent : IEvent
{
    /// <summary>The load-balancer host whose Docker engine was watched.</summary>
    string Host { get; }
}
