using GitOps.Core.Logging;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Agent;

/// <summary>The agent's log events, with stable ids in its range of <see cref="LogEventIds"/>.</summary>
[LogEventArea(LogEventIds.Agent)]
internal static partial class AgentLog
{
    [LoggerMessage(EventId = LogEventIds.Agent + 1, Level = LogLevel.Information, Message = "Agent for host {Host} starting: config {ConfigPath}, HAProxy runtime directory {RuntimeDirectory}")]
    public static partial void Starting(ILogger logger, string host, string configPath, string runtimeDirectory);

    [LoggerMessage(EventId = LogEventIds.Agent + 2, Level = LogLevel.Information, Message = "Agent for host {Host}: nothing rendered for this host yet; waiting for the first configuration")]
    public static partial void WaitingForFirstConfig(ILogger logger, string host);

    [LoggerMessage(EventId = LogEventIds.Agent + 3, Level = LogLevel.Information, Message = "Agent for host {Host}: HAProxy {How} (master pid {Pid})")]
    public static partial void HAProxyStarted(ILogger logger, string host, string how, int pid);

    [LoggerMessage(EventId = LogEventIds.Agent + 4, Level = LogLevel.Information, Message = "Agent for host {Host}: version {Version} live by {Method} in {Milliseconds:0.#} ms{Pin}")]
    public static partial void Applied(ILogger logger, string host, long version, string method, double milliseconds, string pin);

    [LoggerMessage(EventId = LogEventIds.Agent + 5, Level = LogLevel.Error, Message = "Agent for host {Host}: version {Version} could not be applied; {Kept} keeps serving: {Error}")]
    public static partial void ApplyFailed(ILogger logger, string host, long version, string kept, string error);

    [LoggerMessage(EventId = LogEventIds.Agent + 6, Level = LogLevel.Warning, Message = "Agent for host {Host}: drift corrected: {What}")]
    public static partial void DriftCorrected(ILogger logger, string host, string what);

    [LoggerMessage(EventId = LogEventIds.Agent + 7, Level = LogLevel.Error, Message = "Agent for host {Host}: step failed; retrying in {RetryMs} ms")]
    public static partial void StepFailed(ILogger logger, string host, double retryMs, Exception exception);

    [LoggerMessage(EventId = LogEventIds.Agent + 8, Level = LogLevel.Warning, Message = "Agent for host {Host}: the subscription to the event store failed; resubscribing in {RetryMs} ms")]
    public static partial void SubscriptionFailed(ILogger logger, string host, double retryMs, Exception exception);

    [LoggerMessage(EventId = LogEventIds.Agent + 9, Level = LogLevel.Warning, Message = "Agent for host {Host}: no Docker engine answers at {Endpoint} ({Reason}); running WITHOUT container discovery for this host. Start dockerd or fix the endpoint, then restart the agent")]
    public static partial void DockerUnavailable(ILogger logger, string host, string endpoint, string reason);

    [LoggerMessage(EventId = LogEventIds.Agent + 10, Level = LogLevel.Information, Message = "Agent for host {Host}: no Docker endpoint given; container discovery is off for this host")]
    public static partial void DiscoveryOff(ILogger logger, string host);

    [LoggerMessage(EventId = LogEventIds.Agent + 11, Level = LogLevel.Information, Message = "Agent for host {Host}: watching the Docker engine at {Endpoint} (API {ApiVersion})")]
    public static partial void DiscoveryStarted(ILogger logger, string host, string endpoint, string apiVersion);

    [LoggerMessage(EventId = LogEventIds.Agent + 12, Level = LogLevel.Warning, Message = "Agent for host {Host}: rollback {RequestId} by {Actor} asks for version {Version}, which was never rendered for this host; ignored")]
    public static partial void UnknownRollback(ILogger logger, string host, Guid requestId, string actor, long version);

    [LoggerMessage(EventId = LogEventIds.Agent + 13, Level = LogLevel.Information, Message = "Agent for host {Host} stopped; HAProxy {What}")]
    public static partial void Stopped(ILogger logger, string host, string what);

    [LoggerMessage(EventId = LogEventIds.Agent + 18, Level = LogLevel.Warning, Message = "Agent for host {Host}: gitops.yaml at commit {Commit} does not declare this host (it declares {Declared}), so nothing will be rendered for it: start the agent with --host set to one of those, or add the host to gitops.yaml")]
    public static partial void HostNotDeclared(ILogger logger, string host, string commit, string declared);

    [LoggerMessage(EventId = LogEventIds.Agent + 14, Level = LogLevel.Error, Message = "Agent for host {Host}: container discovery stopped with an error; the agent goes on without it")]
    public static partial void DiscoveryFailed(ILogger logger, string host, Exception exception);

    [LoggerMessage(EventId = LogEventIds.Agent + 15, Level = LogLevel.Information, Message = "Agent for host {Host}: recorded the state of the {Count} files the configuration needs: {Problems}")]
    public static partial void HostFactsRecorded(ILogger logger, string host, int count, string problems);

    [LoggerMessage(EventId = LogEventIds.Agent + 16, Level = LogLevel.Warning, Message = "Agent for host {Host}: version {Version} needs {Path}, which {Problem} on this host; not applied: waiting for the controller to render the host without the service that needs it")]
    public static partial void WaitingForRender(ILogger logger, string host, long version, string path, string problem);

    [LoggerMessage(EventId = LogEventIds.Agent + 17, Level = LogLevel.Error, Message = "Agent for host {Host}: checking the files the configuration needs failed; retrying in {IntervalMs} ms")]
    public static partial void HostFactsFailed(ILogger logger, string host, double intervalMs, Exception exception);

    [LoggerMessage(EventId = LogEventIds.Agent + 30, Level = LogLevel.Information, Message = "Agent for host {Host}: keepalived {Pid} runs the virtual addresses {Addresses}")]
    public static partial void KeepalivedConverged(ILogger logger, string host, string addresses, int pid);

    [LoggerMessage(EventId = LogEventIds.Agent + 31, Level = LogLevel.Information, Message = "Agent for host {Host}: keepalived stopped; this host holds no virtual address")]
    public static partial void KeepalivedStopped(ILogger logger, string host);

    [LoggerMessage(EventId = LogEventIds.Agent + 32, Level = LogLevel.Information, Message = "Agent for host {Host}: {Event} {Address}: {Reason}")]
    public static partial void VirtualAddressMoved(ILogger logger, string host, string @event, string address, string reason);

    [LoggerMessage(EventId = LogEventIds.Agent + 33, Level = LogLevel.Warning, Message = "Agent for host {Host}: could not set {Setting} to 1 ({Error}); HAProxy cannot bind a virtual address this host does not hold (binding all addresses still works)")]
    public static partial void NonlocalBindRefused(ILogger logger, string host, string setting, string error);

    [LoggerMessage(EventId = LogEventIds.Agent + 34, Level = LogLevel.Error, Message = "Agent for host {Host}: recording keepalived's state changes failed; retrying")]
    public static partial void VirtualAddressRecordFailed(ILogger logger, string host, Exception exception);

    [LoggerMessage(EventId = LogEventIds.Agent + 35, Level = LogLevel.Information, Message = "Agent for host {Host}: handing {Addresses} over before stopping HAProxy: {Outcome}")]
    public static partial void HandedOver(ILogger logger, string host, string addresses, string outcome);

    [LoggerMessage(EventId = LogEventIds.Agent + 36, Level = LogLevel.Information, Message = "Agent for host {Host}: transparent proxying ready (mangle chain {Chain}, fwmark {Mark:x}, route table {Table})")]
    public static partial void TransparentProxyReady(ILogger logger, string host, string chain, int mark, int table);

    [LoggerMessage(EventId = LogEventIds.Agent + 37, Level = LogLevel.Error, Message = "Agent for host {Host}: transparent proxying is not possible here, so services with clientAddress transparent are left out of this host: {Problem}")]
    public static partial void TransparentProxyUnavailable(ILogger logger, string host, string problem);

    [LoggerMessage(EventId = LogEventIds.Agent + 38, Level = LogLevel.Information, Message = "Agent for host {Host}: transparent proxying rules removed (no service needs them, or HAProxy stopped with the agent)")]
    public static partial void TransparentProxyRemoved(ILogger logger, string host);

    [LoggerMessage(EventId = LogEventIds.Agent + 39, Level = LogLevel.Warning, Message = "Agent for host {Host}: could not remove the transparent proxying rules: {Problem}")]
    public static partial void TransparentProxyRemoveFailed(ILogger logger, string host, string problem);

    [LoggerMessage(EventId = LogEventIds.Agent + 40, Level = LogLevel.Information, Message = "Agent for host {Host}: handing {Address} back to {Peer}, a host of higher preference that is healthy again: {Outcome}")]
    public static partial void HandedBack(ILogger logger, string host, string address, string peer, string outcome);

    [LoggerMessage(EventId = LogEventIds.Agent + 41, Level = LogLevel.Error, Message = "Agent for host {Host}: checking whether to hand a virtual address back failed; retrying")]
    public static partial void HandBackFailed(ILogger logger, string host, Exception exception);
}
