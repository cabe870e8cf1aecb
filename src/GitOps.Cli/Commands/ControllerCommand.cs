using System.CommandLine;
using GitOps.Cli.Store;
using GitOps.HAProxy.Rendering;
using GitOps.Reconciler.Controller;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops controller</c>: Git and Docker discovery in, one checked configuration per host out, until Ctrl-C.</summary>
internal static class ControllerCommand
{
    public static Command Create()
    {
        var repo = CommonOptions.Repo(required: true);
        var gitSource = new GitSourceOptions();
        var store = new StoreOptions();
        var branch = new Option<string?>("--branch")
        {
            Description = "The branch to follow. Default: the branch the repository's HEAD names (for a URL, the remote's default branch).",
            HelpName = "name",
        };
        var pollInterval = DurationArgument.Option(
            "--poll-interval",
            "How often a URL is asked whether the branch moved (git ls-remote; fetched only when it did). A local path is watched and seen at once; this is its fallback poll.",
            TimeSpan.FromSeconds(10));
        var coalesce = DurationArgument.Option(
            "--coalesce",
            "The shortest time between two renderings: a change after a quiet spell is rendered at once, and changes arriving sooner after a rendering are gathered and rendered once when this much time has passed; 0ms renders after each.",
            TimeSpan.FromMilliseconds(75));
        var runtimeDirectory = AgentCommand.RuntimeDirectoryOption();
        var bind = CommonOptions.Bind();
        var haproxy = CommonOptions.HAProxy();
        haproxy.Description = "The haproxy program every rendered configuration is checked with (haproxy -c): a name looked up on PATH " +
                              "(then in /usr/sbin and /sbin) or a path. Checked at start.";
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Information);
        var dashboard = new DashboardChoice();
        var command = new Command(
            "controller",
            "Run the controller until Ctrl-C. It follows one branch of the desired-state repository and the containers every Docker host\n" +
            "reports into the event store, renders each load-balancer host's HAProxy configuration, checks it with `haproxy -c`, and\n" +
            "records it (ConfigRendered) only when it changed, with the commit and container events that caused it. A commit that\n" +
            "fails validation is recorded as rejected and the last good state stays in force. Run two for high availability:\n" +
            "one leads, the other takes over within seconds. One log line per decision goes to standard error.")
        {
            repo, branch, pollInterval, coalesce, runtimeDirectory, bind, haproxy, logLevel,
        };
        store.AddTo(command);
        gitSource.AddTo(command);
        dashboard.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            var haproxyProgram = HAProxyProgram.Require(parseResult.GetRequiredValue(haproxy));
            var logger = context.Logger("controller");
            await using var eventStore = await store.Resolve(parseResult).OpenAsync(logger, "controller", ct).ConfigureAwait(false);
            var options = new ControllerOptions
            {
                HAProxyProgram = haproxyProgram,
                Repository = parseResult.GetRequiredValue(repo),
                GitOptions = gitSource.Resolve(parseResult),
                Branch = parseResult.GetValue(branch),
                PollInterval = parseResult.GetValue(pollInterval),
                CoalesceWindow = parseResult.GetValue(coalesce),
                RenderOptions = new RenderOptions
                {
                    RuntimeDirectory = Path.GetFullPath(parseResult.GetRequiredValue(runtimeDirectory)),
                    BindAddress = parseResult.GetValue(bind),
                },
            };
            await using var controller = new ControllerService(eventStore, options, context.LoggerFactory);
            await controller.StartAsync(ct).ConfigureAwait(false);
            await using var web = (await dashboard.StartAsync(parseResult, eventStore, controller, context, line => context.Output.WriteLineAsync(line), ct).ConfigureAwait(false)).ConfigureAwait(false);
            await controller.RunAsync(ct).ConfigureAwait(false);

            return CliApp.ExitOk;
        }, cancellationToken));
        return command;
    }
}
