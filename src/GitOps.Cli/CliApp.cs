using System.CommandLine;
using System.Runtime.InteropServices;
using GitOps.Cli.Commands;
using GitOps.Processes;

namespace GitOps.Cli;

/// <summary>Builds the <c>gitops</c> command tree and runs it with injected output writers.</summary>
public static class CliApp
{
    /// <summary>Exit code for valid input / success.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code for invalid desired state (validate) or a non-empty diff with --exit-code.</summary>
    public const int ExitInvalid = 1;

    /// <summary>Exit code for usage errors and infrastructure failures (bad repo, unreachable store, …).</summary>
    public const int ExitUsage = 2;

    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand(
            "gitops: a GitOps reconciler for HAProxy on Docker hosts.\n" +
            "Desired load-balancer state lives in a Git repository (YAML); containers are discovered on each Docker host;\n" +
            "every host gets a validated HAProxy configuration, applied without dropping requests, with a full history.");
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(RenderCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(DiscoverCommand.Create());
        root.Subcommands.Add(ControllerCommand.Create());
        root.Subcommands.Add(HistoryCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(AgentCommand.Create());
        root.Subcommands.Add(RollbackCommand.Create());
        root.Subcommands.Add(DashboardUserCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var root = BuildRootCommand();
        var parseResult = root.Parse(args);
        // Long-running commands (up, agent, controller) stop HAProxy, the controller and a private PostgreSQL on Ctrl-C:
        // give them that long before the process ends anyway (System.CommandLine's default is two seconds).
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = TimeSpan.FromSeconds(60) };
        // System.CommandLine handles SIGINT and SIGTERM only, and the runtime ends the process at once on SIGHUP, skipping
        // that shutdown: a closed terminal or a dropped SSH session would leave HAProxy and PostgreSQL running on their own.
        // A hang-up is turned into the SIGTERM it stands for.
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            PosixSignals.Send(Environment.ProcessId, PosixSignals.SigTerm);
        });
        var exitCode = await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        return parseResult.Errors.Count > 0 ? ExitUsage : exitCode;
    }
}
