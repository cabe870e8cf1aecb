using Microsoft.Extensions.Logging;

namespace GitOps.Git;

/// <summary>The Git source's log events.</summary>
internal static partial class GitLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Skipped {Path}: a {Kind} is not a regular file and cannot be part of the desired state")]
    public static partial void EntrySkipped(ILogger logger, string path, string kind);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Cloned a mirror of {Remote} into {Directory}")]
    public static partial void MirrorCloned(ILogger logger, string remote, string directory);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Mirror of {Remote} is up to date")]
    public static partial void MirrorUpToDate(ILogger logger, string remote);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Fetched {Remote}: {Changed} branches or tags had moved")]
    public static partial void MirrorFetched(ILogger logger, string remote, int changed);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Default branch of {Remote} is now {Head}")]
    public static partial void MirrorHeadChanged(ILogger logger, string remote, string head);
}
