using GitOps.Core.Logging;
using Microsoft.Extensions.Logging;

namespace GitOps.EventStore;

/// <summary>The event store's log events, with stable ids in its range of <see cref="LogEventIds"/>.</summary>
[LogEventArea(LogEventIds.EventStore)]
internal static partial class EventStoreLog
{
    [LoggerMessage(LogEventIds.EventStore + 1, LogLevel.Information, "Imported {Events} events of {Streams} streams from the store written before Marten (gitops.events, kept as {KeptAs})")]
    public static partial void LegacyImported(ILogger logger, long events, int streams, string keptAs);

    [LoggerMessage(LogEventIds.EventStore + 2, LogLevel.Warning, "Event store {Operation} failed transiently (attempt {Attempt} of {Attempts}); retrying in {DelayMs} ms: {Reason}")]
    public static partial void TransientFailure(ILogger logger, string operation, int attempt, int attempts, long delayMs, string reason);

    [LoggerMessage(LogEventIds.EventStore + 3, LogLevel.Warning, "Subscription {Name} lost the database; resuming after {Position} in {DelayMs} ms: {Reason}")]
    public static partial void SubscriptionInterrupted(ILogger logger, string name, GlobalPosition position, long delayMs, string reason);

    [LoggerMessage(LogEventIds.EventStore + 4, LogLevel.Debug, "Event store notification listener stopped; polling until it reconnects in {DelayMs} ms")]
    public static partial void ListenerInterrupted(ILogger logger, Exception exception, long delayMs);

    [LoggerMessage(LogEventIds.EventStore + 6, LogLevel.Information, "Read model {Name} rebuilt from the first event ({Events} events)")]
    public static partial void ReadModelRebuilt(ILogger logger, string name, long events);

    [LoggerMessage(LogEventIds.EventStore + 7, LogLevel.Information, "Local PostgreSQL {Action} in {DataDirectory} on port {Port}")]
    public static partial void LocalPostgres(ILogger logger, string action, string dataDirectory, int port);
}
