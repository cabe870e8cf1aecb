using GitOps.Core.Logging;
using Microsoft.Extensions.Logging;

namespace GitOps.Web;

/// <summary>The dashboard's log events (category <c>dashboard</c>), with stable ids in its range of <see cref="LogEventIds"/>.</summary>
[LogEventArea(LogEventIds.Dashboard)]
internal static partial class DashboardLog
{
    [LoggerMessage(LogEventIds.Dashboard + 1, LogLevel.Information, "Webhook {Forge}: {Status} {Message}")]
    public static partial void Delivery(ILogger logger, string forge, int status, string message);

    [LoggerMessage(LogEventIds.Dashboard + 2, LogLevel.Error, "The dashboard stopped following the event store: /metrics counters no longer grow and open pages no longer update")]
    public static partial void MetricsStopped(ILogger logger, Exception exception);

    [LoggerMessage(LogEventIds.Dashboard + 3, LogLevel.Warning, "Commit status of {Commit} not reported to {Forge}: {Reason}")]
    public static partial void CommitStatusFailed(ILogger logger, string commit, string forge, string reason);
}
