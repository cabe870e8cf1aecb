using GitOps.Core.Logging;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Controller;

/// <summary>The controller's log events, one per decision, with stable ids in its range of <see cref="LogEventIds"/>.</summary>
[LogEventArea(LogEventIds.Controller)]
internal static partial class ControllerLog
{
    [LoggerMessage(LogEventIds.Controller + 1, LogLevel.Information, "Commit {Commit} observed on {Branch}: {Services} services ({Subject})")]
    public static partial void CommitObserved(ILogger logger, string commit, string branch, int services, string subject);

    [LoggerMessage(LogEventIds.Controller + 2, LogLevel.Warning, "Commit {Commit} on {Branch} rejected with {ErrorCount} errors; the last good desired state stays in force. First: {FirstError}")]
    public static partial void CommitRejected(ILogger logger, string commit, string branch, int errorCount, string firstError);

    [LoggerMessage(LogEventIds.Controller + 3, LogLevel.Information, "Host {Host} rendered as version {Version} (sha256 {Sha256}) from commit {Commit}; causes {Causes}")]
    public static partial void HostRendered(ILogger logger, string host, long version, string sha256, string commit, string causes);

    [LoggerMessage(LogEventIds.Controller + 4, LogLevel.Debug, "Host {Host} render skipped: unchanged from version {Version}; causes {Causes}")]
    public static partial void RenderUnchanged(ILogger logger, string host, long version, string causes);

    [LoggerMessage(LogEventIds.Controller + 5, LogLevel.Error, "Host {Host} render from commit {Commit} failed haproxy -c and was not published; version {Version} stays in force. {FirstError}")]
    public static partial void RenderRejected(ILogger logger, string host, string commit, long version, string firstError);

    [LoggerMessage(LogEventIds.Controller + 6, LogLevel.Information, "Leadership gained ({LockName}); recovered {Hosts} hosts at input position {Position}")]
    public static partial void LeadershipGained(ILogger logger, string lockName, int hosts, string position);

    [LoggerMessage(LogEventIds.Controller + 7, LogLevel.Warning, "Leadership lost ({LockName}): {Reason}")]
    public static partial void LeadershipLost(ILogger logger, string lockName, string reason);

    [LoggerMessage(LogEventIds.Controller + 14, LogLevel.Information, "Leadership released ({LockName}): the controller stops")]
    public static partial void LeadershipReleased(ILogger logger, string lockName);

    [LoggerMessage(LogEventIds.Controller + 8, LogLevel.Information, "Waiting for leadership ({LockName}): another controller leads")]
    public static partial void Following(ILogger logger, string lockName);

    [LoggerMessage(LogEventIds.Controller + 9, LogLevel.Information, "Watching branch {Branch} of {Repository} ({Mode})")]
    public static partial void Watching(ILogger logger, string branch, string repository, string mode);

    [LoggerMessage(LogEventIds.Controller + 10, LogLevel.Error, "Controller {Activity} failed; retrying in {DelayMs} ms")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string activity, long delayMs);

    [LoggerMessage(LogEventIds.Controller + 11, LogLevel.Warning, "Host {Host}: {Diagnostic}")]
    public static partial void EffectiveDiagnostic(ILogger logger, string host, string diagnostic);

    [LoggerMessage(LogEventIds.Controller + 12, LogLevel.Warning, "Another controller appended to {Stream} first; re-reading the store")]
    public static partial void LostRace(ILogger logger, string stream);

    [LoggerMessage(LogEventIds.Controller + 13, LogLevel.Debug, "Commit {Commit} already recorded; nothing appended")]
    public static partial void CommitAlreadyRecorded(ILogger logger, string commit);

    [LoggerMessage(LogEventIds.Controller + 15, LogLevel.Warning, "Controller {Activity} waits for the event store; retrying in {DelayMs} ms: {Reason}")]
    public static partial void StoreAway(ILogger logger, string activity, long delayMs, string reason);

    [LoggerMessage(LogEventIds.Controller + 16, LogLevel.Information, "Recovered the state from the snapshot at {SnapshotPosition} and {TailEvents} events after it")]
    public static partial void RecoveredFromSnapshot(ILogger logger, string snapshotPosition, long tailEvents);

    [LoggerMessage(LogEventIds.Controller + 17, LogLevel.Warning, "The controller snapshot {Name} cannot be read ({Reason}); replaying the store from the first event")]
    public static partial void SnapshotUnreadable(ILogger logger, string name, string reason);

    [LoggerMessage(LogEventIds.Controller + 18, LogLevel.Warning, "Saving the controller snapshot at {Position} failed; the next one is taken after {Every} more events")]
    public static partial void SnapshotFailed(ILogger logger, Exception exception, string position, int every);

    [LoggerMessage(LogEventIds.Controller + 19, LogLevel.Debug, "Host {Host}: its text differs from one haproxy -c accepted (its last, or another host's in this pass) only in servers shaped like that one's; not checked again")]
    public static partial void CheckNotNeeded(ILogger logger, string host);
}
