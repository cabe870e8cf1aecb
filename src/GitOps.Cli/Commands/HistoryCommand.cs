using System.CommandLine;
using GitOps.Cli.Commands.History;
using GitOps.Cli.Offline;
using GitOps.Cli.Store;
using GitOps.Reconciler.ReadModels;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops history</c>: every configuration each host was given, why (commit, containers, rollback and who), and what became of it.</summary>
internal static class HistoryCommand
{
    public static Command Create()
    {
        var store = new StoreOptions();
        var host = CommonOptions.Host();
        var limit = new Option<int>("--limit")
        {
            Description = "Show at most this many entries, newest first.",
            DefaultValueFactory = _ => 20,
            HelpName = "N",
        };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be at least 1.");
            }
        });
        var format = CommonOptions.Format("text", "json");
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Warning);
        var command = new Command(
            "history",
            "The audit trail of each host's HAProxy configuration, newest first: every rendered version with what caused it (the\n" +
            "commit: short id, subject, author; the containers: started, stopped, became unhealthy, changed address), every\n" +
            "rollback with who asked, every rendering haproxy -c refused and every drift the agent corrected; and how the host's\n" +
            "agent applied it (runtime or reload, duration) or why it failed, and the services a rendering left out because a\n" +
            "file they need is missing on the host. --format json gives the same with every event id.")
        {
            host, limit, format, logLevel,
        };
        store.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            await using var eventStore = await store.Resolve(parseResult).OpenAsync(context.Logger("history"), "cli", ct).ConfigureAwait(false);
            var queries = new ReadModelQueries(eventStore);
            var entries = await queries.HistoryAsync(parseResult.GetValue(host), parseResult.GetValue(limit), ct).ConfigureAwait(false);
            if (parseResult.GetValue(format) == "json")
            {
                await context.Output.WriteAsync(CliJson.Serialize(entries) + "\n").ConfigureAwait(false);
                return CliApp.ExitOk;
            }

            // Moves of virtual addresses: of the one host asked about, else of every host of a group in force.
            var groupHosts = parseResult.GetValue(host) is { } one ? [one] : (await queries.VirtualAddressesAsync(ct).ConfigureAwait(false)).SelectMany(v => v.Hosts);
            var moves = await queries.VirtualAddressMovesAsync(groupHosts, parseResult.GetValue(limit), ct).ConfigureAwait(false);
            await context.Output.WriteAsync(HistoryText.Format(entries) + HistoryText.FormatMoves(moves)).ConfigureAwait(false);
            return CliApp.ExitOk;
        }, cancellationToken));
        return command;
    }
}
