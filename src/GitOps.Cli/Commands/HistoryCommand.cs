using System.CommandLine;
using System.Globalization;
using GitOps.Cli.Offline;
using GitOps.Cli.Store;
using GitOps.Reconciler.ReadModels;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops history</c>: every configuration each host was given, why, and what became of it.</summary>
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
            "List the HAProxy configurations rendered for each host, newest first: version, the commit (author, message) and\n" +
            "container events that caused it, when it was rendered, and when and how the host's agent applied it (or why not), and\n" +
            "the services it left out because a file they need is missing on the host.")
        {
            host, limit, format, logLevel,
        };
        store.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            await using var eventStore = await store.Resolve(parseResult).OpenAsync(context.Logger("history"), "cli", ct).ConfigureAwait(false);
            var entries = await new ReadModelQueries(eventStore).HistoryAsync(parseResult.GetValue(host), parseResult.GetValue(limit), ct).ConfigureAwait(false);
            await context.Output.WriteAsync(parseResult.GetValue(format) == "json" ? CliJson.Serialize(entries) + "\n" : Text(entries)).ConfigureAwait(false);
            return CliApp.ExitOk;
        }, cancellationToken));
        return command;
    }

    public static string Text(IReadOnlyList<HistoryEntry> entries)
    {
        if (entries.Count == 0)
        {
            return "No configuration rendered yet.\n";
        }

        var table = new TextTable("HOST", "VERSION", "RENDERED", "COMMIT", "AUTHOR", "APPLIED", "HOW", "RESULT", "MESSAGE");
        foreach (var entry in entries)
        {
            table.Add(
                entry.Host,
                entry.Version.ToString(CultureInfo.InvariantCulture),
                TextTable.Time(entry.RenderedAt),
                entry.Commit.Length > 12 ? entry.Commit[..12] : entry.Commit,
                entry.Author.Length == 0 ? "-" : entry.Author,
                entry.AppliedAt is { } applied ? TextTable.Time(applied) : "-",
                entry.Method ?? "-",
                entry.Result ?? "pending",
                entry.Subject);
            table.Note($"causes: {string.Join(' ', entry.Causes)}");
            if (entry.Error is { } error)
            {
                table.Note($"error: {error}");
            }

            foreach (var leftOut in entry.LeftOut)
            {
                table.Note($"not served: {leftOut}");
            }
        }

        return table.ToString();
    }
}
