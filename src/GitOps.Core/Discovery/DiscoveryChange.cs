namespace GitOps.Core.Discovery;

/// <summary>
/// One change in what the load balancer can see on a Docker host, produced by the discovery watcher
/// and published through <see cref="IDiscoverySink"/>. Every change is a value-equal record naming
/// the <see cref="Host"/> it was observed on; each maps to one stored event.
/// </summary>
/// <param name="Host">The load-balancer host whose Docker engine was watched.</param>
public abstract record DiscoveryChange(string Host);
