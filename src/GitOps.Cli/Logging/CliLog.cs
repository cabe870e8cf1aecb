using GitOps.Core.Logging;
using Microsoft.Extensions.Logging;

namespace GitOps.Cli.Logging;

/// <summary>The commands' own log events, with stable ids in the CLI's range of <see cref="LogEventIds"/>.</summary>
[LogEventArea(LogEventIds.Cli)]
internal static partial class CliLog
{
    [LoggerMessage(LogEventIds.Cli + 1, LogLevel.Information, "Loaded {Revision} of {Repository}: {Files} files, {Errors} errors, {Warnings} warnings")]
    public static partial void RevisionLoaded(ILogger logger, string revision, string repository, int files, int errors, int warnings);
}
