using GitOps.Core.Logging;
using Microsoft.Extensions.Logging;

namespace GitOps.Docker.Discovery;

/// <summary>The discovery watcher's log events, with stable ids in its range of <see cref="LogEventIds"/>.</summary>
[LogEventArea(LogEventIds.DockerDiscovery)]
internal static partial class DiscoveryWatcherLog
{
    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 1, Level = LogLevel.Information, Message = "Discovery on host {Host}: resynced with the Docker engine, {Count} running containers ({Added} added, {Removed} removed, {Changed} changed since the last picture)")]
    public static partial void Resynced(ILogger logger, string host, int count, int added, int removed, int changed);

    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 2, Level = LogLevel.Warning, Message = "Discovery on host {Host}: lost the Docker engine at {Endpoint}; reconnecting in {BackoffMs} ms")]
    public static partial void ConnectionLost(ILogger logger, string host, string endpoint, double backoffMs, Exception exception);

    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 3, Level = LogLevel.Information, Message = "Discovery on host {Host}: the event stream of {Endpoint} ended (engine shutting down?); reconnecting in {BackoffMs} ms")]
    public static partial void StreamEnded(ILogger logger, string host, string endpoint, double backoffMs);

    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 4, Level = LogLevel.Warning, Message = "Discovery on host {Host}: could not handle the {Type} event '{Action}' for {Actor}; skipped")]
    public static partial void EventFailed(ILogger logger, string host, string type, string action, string actor, Exception exception);

    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 5, Level = LogLevel.Warning, Message = "Discovery on host {Host}: container '{Container}' has a rejected label: {Diagnostic}")]
    public static partial void LabelRejected(ILogger logger, string host, string container, string diagnostic);

    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 6, Level = LogLevel.Warning, Message = "Discovery on host {Host}: the container list had an unusable item: {Diagnostic}")]
    public static partial void ListItemSkipped(ILogger logger, string host, string diagnostic);

    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 7, Level = LogLevel.Warning, Message = "Discovery on host {Host}: publishing {Change} failed; a full resync follows")]
    public static partial void PublishFailed(ILogger logger, string host, string change, Exception exception);

    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 8, Level = LogLevel.Debug, Message = "Discovery on host {Host}: {Change} for container {Container}")]
    public static partial void Changed(ILogger logger, string host, string change, string container);

    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 9, Level = LogLevel.Debug, Message = "Discovery on host {Host}: the event stream of {Endpoint} sent nothing for {IdleSeconds} s; reconnecting to make sure it is alive")]
    public static partial void StreamIdle(ILogger logger, string host, string endpoint, double idleSeconds);

    [LoggerMessage(EventId = LogEventIds.DockerDiscovery + 10, Level = LogLevel.Debug, Message = "Discovery on host {Host}: reconnected after a quiet period; the {Count} running containers are as published")]
    public static partial void StreamChecked(ILogger logger, string host, int count);
}
