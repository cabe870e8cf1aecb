namespace GitOps.Docker.Discovery;

/// <summary>The sink refused a change; the watcher reconnects and publishes a full <see cref="Core.Events.DiscoveryResynced"/>.</summary>
internal sealed class DiscoveryPublishException(string message, Exception innerException) : Exception(message, innerException);
