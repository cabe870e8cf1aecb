using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Agent;

/// <summary>The agent's log events (ids 6100–6199).</summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Agent for host {Host} starting: config {ConfigPath}, HAProxy runtime directory {RuntimeDirectory}")]
    public static partial void Starting(ILogger logger, string host, string configPath, string runtimeDirectory);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Agent for host {Host}: nothing rendered for this host yet; waiting for the first configuration")]
    public static partial void WaitingForFirstConfig(ILogger logger, string host);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Agent for host {Host}: HAProxy {How} (master pid {Pid})")]
    public static partial void HAProxyStarted(ILogger logger, string host, string how, int pid);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Information, Message = "Agent for host {Host}: version {Version} live by {Method} in {Milliseconds:0.#} ms{Pin}")]
    public static partial void Applied(ILogger logger, string host, long version, string method, double milliseconds, string pin);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Error, Message = "Agent for host {Host}: version {Version} could not be applied; {Kept} keeps serving: {Error}")]
    public static partial void ApplyFailed(ILogger logger, string host, long version, string kept, string error);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Warning, Message = "Agent for host {Host}: drift corrected: {What}")]
    public static partial void DriftCorrected(ILogger logger, string host, string what);

    [LoggerMessage(EventId = 6107, Level = LogLevel.Error, Message = "Agent for host {Host}: step failed; retrying in {RetryMs} ms")]
    public static partial void StepFailed(ILogger logger, string host, double retryMs, Exception exception);

    [LoggerMessage(EventId = 6108, Level = LogLevel.Warning, Message = "Agent for host {Host}: the subscription to the event store failed; resubscribing in {RetryMs} ms")]
    public static partial void SubscriptionFailed(ILogger logger, string host, double retryMs, Exception exception);

    [LoggerMessage(EventId = 6109, Level = LogLevel.Warning, Message = "Agent for host {Host}: no Docker engine answers at {Endpoint} ({Reason}); running WITHOUT container discovery for this host. Start dockerd or fix the endpoint, then restart the agent")]
    public static partial void DockerUnavailable(ILogger logger, string host, string endpoint, string reason);

    [LoggerMessage(EventId = 6110, Level = LogLevel.Information, Message = "Agent for host {Host}: no Docker endpoint given; container discovery is off for this host")]
    public static partial void DiscoveryOff(ILogger logger, string host);

    [LoggerMessage(EventId = 6111, Level = LogLevel.Information, Message = "Agent for host {Host}: watching the Docker engine at {Endpoint} (API {ApiVersion})")]
    public static partial void DiscoveryStarted(ILogger logger, string host, string endpoint, string apiVersion);

    [LoggerMessage(EventId = 6112, Level = LogLevel.Warning, Message = "Agent for host {Host}: rollback {RequestId} by {Actor} asks for version {Version}, which was never rendered for this host; ignored")]
    public static partial void UnknownRollback(ILogger logger, string host, Guid requestId, string actor, long version);

    [LoggerMessage(EventId = 6113, Level = LogLevel.Information, Message = "Agent for host {Host} stopped; HAProxy {What}")]
    public static partial void Stopped(ILogger logger, string host, string what);

    [LoggerMessage(EventId = 6115, Level = LogLevel.Warning, Message = "Agent for host {Host}: gitops.yaml at commit {Commit} does not declare this host (it declares {Declared}), so nothing will be rendered for it: start the agent with --host set to one of those, or add the host to gitops.yaml")]
    public static partial void HostNotDeclared(ILogger logger, string host, string commit, string declared);

    [LoggerMessage(EventId = 6114, Level = LogLevel.Error, Message = "Agent for host {Host}: container discovery stopped with an error; the agent goes on without it")]
    public static partial void DiscoveryFailed(ILogger logger, string host, Exception exception);
}
