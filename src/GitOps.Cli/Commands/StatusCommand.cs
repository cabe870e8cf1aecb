using System.CommandLine;
using System.Globalization;
using System.Text;
using GitOps.Cli.Offline;
using GitOps.Cli.Store;
using GitOps.Core.Desired;
using GitOps.Reconciler.ReadModels;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops status</c>: the latest commit and, per host, whether it runs what it should.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var store = new StoreOptions();
        var format = CommonOptions.Format("text", "json");
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Warning);
        var command = new Command(
            "status",
            "Show the latest desired-state commit (and whether it was rejected), the commit in force, and per host the rendered\n" +
            "(desired) version against the version its agent applied: converged, pending, failed (with the last error), pinned\n" +
            "by `gitops rollback` to an earlier version until a new commit, or undeclared (an agent runs for a host gitops.yaml does\n" +
            "not declare, so nothing is rendered for it). Under a host, each service left out of its configuration because a file\n" +
            "it needs (a TLS certificate) is missing there: the service, file:line in Git, the path and the fix.")
        {
            format, logLevel,
        };
        store.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            await using var eventStore = await store.Resolve(parseResult).OpenAsync(context.Logger("status"), "cli", ct).ConfigureAwait(false);
            var report = await new ReadModelQueries(eventStore).StatusAsync(ct).ConfigureAwait(false);
            await context.Output.WriteAsync(parseResult.GetValue(format) == "json" ? CliJson.Serialize(report) + "\n" : Text(report)).ConfigureAwait(false);
            return CliApp.ExitOk;
        }, cancellationToken));
        return command;
    }

    public static string Text(StatusReport report)
    {
        var text = new StringBuilder();
        if (report.LatestCommit is not { } latest)
        {
            text.Append("Latest commit: none recorded yet (is a controller running?)\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"Latest commit: {Describe(latest)}: {(latest.Rejected ? $"REJECTED ({latest.Errors.Count} errors)" : "accepted")}\n");
            foreach (var error in latest.Errors)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {error}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"In force:      {(report.InForce is { } inForce ? Describe(inForce) : "nothing (no commit accepted yet)")}\n");
        }

        text.Append('\n');
        if (report.Hosts.Count == 0)
        {
            text.Append("No host has a rendered configuration yet.\n");
            return text.ToString();
        }

        var table = new TextTable("HOST", "DESIRED", "APPLIED", "STATE", "LAST ERROR");
        foreach (var host in report.Hosts)
        {
            table.Add(
                host.Host,
                host.DesiredVersion.ToString(CultureInfo.InvariantCulture),
                host.AppliedVersion?.ToString(CultureInfo.InvariantCulture) ?? "-",
                host.State == HostState.Pinned
                    ? $"pinned (rollback to v{host.AppliedVersion?.ToString(CultureInfo.InvariantCulture)} by {host.PinnedBy ?? "unknown"})"
                    : host.State,
                host.LastError is { } error ? $"{TextTable.Time(host.LastErrorAt!.Value)} {error}" : "-");
            foreach (var leftOut in host.LeftOut)
            {
                table.Note("not served: " + leftOut);
            }

            if (host.State == HostState.Undeclared)
            {
                table.Note($"not declared in gitops.yaml (the commit in force declares {string.Join(", ", report.InForce?.Hosts ?? [])}), so nothing is rendered for it: " +
                           "add it to the hosts of gitops.yaml, or run its agent with --host set to a declared host");
            }
        }

        text.Append(table);
        if (report.VirtualAddresses.Count > 0)
        {
            var addresses = new TextTable("VIRTUAL ADDRESS", "INTERFACE", "HOSTS (PREFERENCE)", "HELD BY", "SINCE");
            foreach (var address in report.VirtualAddresses)
            {
                addresses.Add(address.Address, address.Interface, string.Join(", ", address.Hosts), address.Holder ?? "nobody", address.Since is { } since ? TextTable.Time(since) : "-");
                if (address.Reason is { } reason)
                {
                    addresses.Note(reason);
                }
            }

            text.Append('\n').Append(addresses);
        }

        return text.ToString();
    }

    private static string Describe(CommitSummary commit) =>
        $"{CommitText.Short(commit.Commit)}{(commit.Branch.Length > 0 ? $" on {commit.Branch}" : "")} by {commit.Author} \"{commit.Subject}\" (seen {TextTable.Time(commit.ObservedAt)})";
}
