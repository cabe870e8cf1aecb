using System.CommandLine;
using System.Globalization;
using GitOps.Cli.Store;
using GitOps.Core.Desired;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.ReadModels;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops rollback</c>: put an earlier rendered configuration back on one host, recorded, and pin it there until a new commit.</summary>
internal static class RollbackCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static Command Create()
    {
        var store = new StoreOptions();
        var host = new Option<string>("--host")
        {
            Description = "The load-balancer host to roll back.",
            Required = true,
            HelpName = "name",
        };
        var to = new Option<long>("--to")
        {
            Description = "The configuration version to put back: a VERSION of `gitops history --host <name>`.",
            Required = true,
            HelpName = "version",
        };
        to.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 1)
            {
                result.AddError("--to must be a version number, 1 or more.");
            }
        });
        var actor = new Option<string?>("--actor")
        {
            Description = "Who asks, recorded with the request. Default: $USER@<this machine's name>.",
            HelpName = "name",
        };
        var wait = DurationArgument.Option(
            "--wait",
            "How long to wait for the host's agent to report the rollback applied; 0ms records the request and returns at once.",
            TimeSpan.FromSeconds(10));
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Warning);
        var command = new Command(
            "rollback",
            "Re-apply an earlier rendered configuration on one host in an emergency, without touching Git. The request is recorded\n" +
            "(RollbackRequested on the operator stream, with who asked); the host's agent applies that version and keeps it\n" +
            "(`gitops status` shows the host as pinned) until a new commit is rendered for the host: a fix or a `git revert`.\n" +
            "Exit codes: 0 applied (or recorded, with --wait 0), 1 recorded but not applied within --wait or the agent failed to apply it,\n" +
            "2 no such version, bad options or no store.")
        {
            host, to, actor, wait, logLevel,
        };
        store.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            var hostName = AgentCommand.RequireHostName(parseResult.GetRequiredValue(host));
            var version = parseResult.GetValue(to);
            var who = parseResult.GetValue(actor) is { Length: > 0 } given ? given : DefaultActor();
            await using var eventStore = await store.Resolve(parseResult).OpenAsync(context.Logger("rollback"), who, ct).ConfigureAwait(false);
            var target = await FindRenderedAsync(eventStore, hostName, version, ct).ConfigureAwait(false);
            var appliedStream = StreamNames.Applied(hostName);
            var appliedBefore = await eventStore.StreamVersionAsync(appliedStream, ct).ConfigureAwait(false);
            var requestId = await RollbackRequests.RecordAsync(eventStore, target, who, ct).ConfigureAwait(false);
            var commit = CommitText.Short(target.Commit);
            await context.Output.WriteLineAsync(Invariant($"Rollback of {hostName} to v{version} (commit {commit}) requested by {who}: request {requestId}.")).ConfigureAwait(false);
            var timeout = parseResult.GetValue(wait);
            if (timeout <= TimeSpan.Zero)
            {
                return CliApp.ExitOk;
            }

            var outcome = await WaitForOutcomeAsync(eventStore, appliedStream, appliedBefore, requestId, timeout, TimeProvider.System, ct).ConfigureAwait(false);
            switch (outcome)
            {
                case ConfigApplied applied:
                    await context.Output.WriteLineAsync(Invariant(
                        $"{hostName} runs v{applied.Version} ({applied.Method.ToString().ToLowerInvariant()}, {applied.Duration.TotalMilliseconds:0} ms); pinned until a new commit is rendered for it.")).ConfigureAwait(false);
                    return CliApp.ExitOk;
                case ApplyFailed failed:
                    await context.Error.WriteLineAsync(Invariant(
                        $"gitops: the agent of {hostName} could not apply v{failed.Version}: {failed.Error}; it keeps v{failed.KeptVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}.")).ConfigureAwait(false);
                    return CliApp.ExitInvalid;
                default:
                    await context.Error.WriteLineAsync(Invariant(
                        $"gitops: {hostName} did not report v{version} applied within {DurationArgument.Show(timeout)}; the request stays recorded and the host's agent applies it when it runs (see `gitops status`).")).ConfigureAwait(false);
                    return CliApp.ExitInvalid;
            }
        }, cancellationToken));
        return command;
    }

    /// <summary><c>$USER@hostname</c>.</summary>
    public static string DefaultActor()
    {
        var user = Environment.GetEnvironmentVariable("USER");
        return $"{(string.IsNullOrWhiteSpace(user) ? Environment.UserName : user)}@{Environment.MachineName}";
    }

    /// <exception cref="CommandInputException">The host has no such rendered version.</exception>
    private static async Task<ConfigRendered> FindRenderedAsync(MartenEventStore store, string host, long version, CancellationToken cancellationToken)
    {
        if (await RenderedVersions.FindAsync(store, host, version, cancellationToken).ConfigureAwait(false) is { } rendered)
        {
            return rendered;
        }

        var newest = await RenderedVersions.NewestAsync(store, host, cancellationToken).ConfigureAwait(false);
        throw new CommandInputException(newest == 0
            ? $"no configuration was ever rendered for host '{host}' (is it declared in gitops.yaml, and is a controller running?)"
            : Invariant($"host '{host}' has no configuration v{version}: its rendered versions are v1 to v{newest} (see `gitops history --host {host}`)"));
    }

    /// <summary>The agent's report on the request: its ConfigApplied, an ApplyFailed of it, or null when none came within <paramref name="timeout"/>.</summary>
    private static async Task<IEvent?> WaitForOutcomeAsync(MartenEventStore store, string stream, long after, Guid requestId, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var next = after + 1;
        while (true)
        {
            await foreach (var recorded in store.ReadStreamAsync(stream, from: next, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                next = recorded.Version + 1;
                if (recorded.Data is ConfigApplied applied && applied.RollbackRequestId == requestId)
                {
                    return applied;
                }

                if (recorded.Data is ApplyFailed failed && failed.RollbackRequestId == requestId)
                {
                    return failed;
                }
            }

            var left = timeout - timeProvider.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            await Task.Delay(left < PollInterval ? left : PollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
