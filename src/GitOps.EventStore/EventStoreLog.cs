using Microsoft.Extensions.Logging;

namespace GitOps.EventStore;

/// <summary>The event store's log events, with stable ids in the 3000 range.</summary>
internal static partial class EventStoreLog
{
    [LoggerMessage(3001, LogLevel.Information, "Applied event store schema migration {Version}: {Description}")]
    public static partial void MigrationApplied(ILogger logger, int version, string description);

    [LoggerMessage(3002, LogLevel.Warning, "Event store {Operation} failed transiently (attempt {Attempt} of {Attempts}); retrying in {DelayMs} ms: {Reason}")]
    public static partial void TransientFailure(ILogger logger, string operation, int attempt, int attempts, long delayMs, string reason);

    [LoggerMessage(3003, LogLevel.Warning, "Subscription {Name} lost the database; resuming after {Position} in {DelayMs} ms: {Reason}")]
    public static partial void SubscriptionInterrupted(ILogger logger, string name, GlobalPosition position, long delayMs, string reason);

    [LoggerMessage(3004, LogLevel.Debug, "Event store notification listener stopped; polling until it reconnects in {DelayMs} ms")]
    public static partial void ListenerInterrupted(ILogger logger, Exception exception, long delayMs);

    [LoggerMessage(3005, LogLevel.Error, "Projection {Name} failed to apply its next events; retrying in {DelayMs} ms")]
    public static partial void ProjectionFailed(ILogger logger, Exception exception, string name, long delayMs);

    [LoggerMessage(3006, LogLevel.Information, "Projection {Name} reset for a rebuild from the first event")]
    public static partial void ProjectionReset(ILogger logger, string name);

    [LoggerMessage(3007, LogLevel.Information, "Local PostgreSQL {Action} in {DataDirectory} on port {Port}")]
    public static partial void LocalPostgres(ILogger logger, string action, string dataDirectory, int port);

    [LoggerMessage(3008, LogLevel.Warning, "Projection {Name} waits for the database; retrying in {DelayMs} ms: {Reason}")]
    public static partial void ProjectionWaiting(ILogger logger, string name, long delayMs, string reason);
}
