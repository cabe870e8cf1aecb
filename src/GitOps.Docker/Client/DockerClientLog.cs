using GitOps.Core.Logging;
using Microsoft.Extensions.Logging;

namespace GitOps.Docker.Client;

/// <summary>The client's log events, with stable ids in its range of <see cref="LogEventIds"/>.</summary>
[LogEventArea(LogEventIds.DockerClient)]
internal static partial class DockerClientLog
{
    [LoggerMessage(EventId = LogEventIds.DockerClient + 1, Level = LogLevel.Warning, Message = "Skipped an event from the Docker engine at {Endpoint}: {Problem}")]
    public static partial void MalformedEvent(ILogger logger, DockerEndpoint endpoint, string problem);

    [LoggerMessage(EventId = LogEventIds.DockerClient + 2, Level = LogLevel.Debug, Message = "Docker engine at {Endpoint} is {Version} (API {ServerApi}); using API {ApiVersion}")]
    public static partial void Negotiated(ILogger logger, DockerEndpoint endpoint, string version, string serverApi, string apiVersion);
}
