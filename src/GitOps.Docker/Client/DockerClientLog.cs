using Microsoft.Extensions.Logging;

namespace GitOps.Docker.Client;

/// <summary>The client's log events (ids 4000–4099).</summary>
internal static partial class DockerClientLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Skipped an event from the Docker engine at {Endpoint}: {Problem}")]
    public static partial void MalformedEvent(ILogger logger, DockerEndpoint endpoint, string problem);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Docker engine at {Endpoint} is {Version} (API {ServerApi}); using API {ApiVersion}")]
    public static partial void Negotiated(ILogger logger, DockerEndpoint endpoint, string version, string serverApi, string apiVersion);
}
