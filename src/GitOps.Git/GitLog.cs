using GitOps.Core.Logging;
using Microsoft.Extensions.Logging;

namespace GitOps.Git;

/// <summary>The Git source's log events, with stable ids in its range of <see cref="LogEventIds"/>.</summary>
[LogEventArea(LogEventIds.Git)]
internal static partial class GitLog
{
    [LoggerMessage(EventId = LogEventIds.Git + 1, Level = LogLevel.Warning, Message = "Skipped {Path}: a {Kind} is not a regular file and cannot be part of the desired state")]
    public static partial void EntrySkipped(ILogger logger, string path, string kind);

    [LoggerMessage(EventId = LogEventIds.Git + 2, Level = LogLevel.Information, Message = "Cloned a mirror of {Remote} into {Directory}")]
    public static partial void MirrorCloned(ILogger logger, string remote, string directory);

    [LoggerMessage(EventId = LogEventIds.Git + 3, Level = LogLevel.Debug, Message = "Mirror of {Remote} is up to date")]
    public static partial void MirrorUpToDate(ILogger logger, string remote);

    [LoggerMessage(EventId = LogEventIds.Git + 4, Level = LogLevel.Information, Message = "Fetched {Remote}: {Changed} branches or tags had moved")]
    public static partial void MirrorFetched(ILogger logger, string remote, int changed);

    [LoggerMessage(EventId = LogEventIds.Git + 5, Level = LogLevel.Information, Message = "Default branch of {Remote} is now {Head}")]
    public static partial void MirrorHeadChanged(ILogger logger, string remote, string head);
}
