using System.CommandLine;
using GitOps.Cli.Logging;
using GitOps.EventStore.Errors;
using GitOps.EventStore.Local;
using GitOps.Git;
using GitOps.HAProxy.Runtime;
using GitOps.HAProxy.Validation;
using GitOps.Processes;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary>
/// What a command body gets: the injected writers and a logger factory. <see cref="RunAsync"/>
/// maps the expected failures (bad repository, missing program, bad input) to one line on
/// standard error and exit code 2, so no command prints a stack trace for an operator's mistake.
/// </summary>
internal sealed class CommandContext(TextWriter output, TextWriter error, ILoggerFactory loggerFactory)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public ILogger Logger(string category) => LoggerFactory.CreateLogger(category);

    public static async Task<int> RunAsync(
        ParseResult parseResult,
        Option<LogEventLevel> logLevel,
        Func<CommandContext, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        using var loggerFactory = CliLogging.Create(error, parseResult.GetValue(logLevel));
        try
        {
            return await body(new CommandContext(output, error, loggerFactory), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsOperatorError(ex))
        {
            await error.WriteLineAsync($"gitops: error: {OneLine(ex)}").ConfigureAwait(false);
            return CliApp.ExitUsage;
        }
    }

    private static bool IsOperatorError(Exception ex) =>
        ex is GitSourceException or CommandInputException or ProcessStartException or HAProxyNotFoundException
            or EventStoreException or LocalPostgresException or PostgresNotInstalledException or ListenerConflictException
            or UnauthorizedAccessException or IOException;

    /// <summary>The message, with the fix where the exception's own message lacks one, on one line.</summary>
    private static string OneLine(Exception ex)
    {
        var message = ex is NotARepositoryException
            ? $"{ex.Message}; --repo names the desired-state repository: a git work tree (or a directory in one), a bare repository or a URL " +
              "(`gitops up` takes the current directory when --repo is not given)"
            : ex.Message;
        return message.ReplaceLineEndings(" ");
    }
}
