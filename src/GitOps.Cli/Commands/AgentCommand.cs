using System.CommandLine;
using GitOps.Cli.Store;
using GitOps.Core.Validation;
using GitOps.Reconciler;
using GitOps.Reconciler.Agent;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops agent</c>: one load-balancer host's HAProxy kept on the configuration the event store says, until Ctrl-C.</summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var host = new Option<string>("--host")
        {
            Description = "The load-balancer host this agent applies for (a name from gitops.yaml, or `local` when it declares none). " +
                          "It applies config-<host> and reports this machine's containers as docker-<host>.",
            Required = true,
            HelpName = "name",
        };
        var store = new StoreOptions();
        store.DataDir.Description =
            "The agent's data directory: HAProxy's config lives in <dir>/hosts/<host>/haproxy/. Without --store or $GITOPS_STORE it is also " +
            "where the event store is found: the private store a `gitops up --data-dir <dir>` runs (it must be running). " +
            "Default: $GITOPS_DATA_DIR, else $XDG_DATA_HOME/gitops, else ~/.local/share/gitops.";
        var docker = CommonOptions.Docker();
        var dockerTls = new DockerTlsOptions();
        docker.Description = "The Docker engine whose containers are discovered: unix:///path/to/docker.sock or tcp://host:port (TLS: --docker-tls-*), or `none` to run without " +
                             "discovery. Default: $DOCKER_HOST, else unix:///var/run/docker.sock when present, else none. An engine named or present must answer at start.";
        var runtimeDirectory = RuntimeDirectoryOption();
        var driftInterval = DurationArgument.Option(
            "--drift-interval",
            "How often the live HAProxy is compared with the applied configuration and put back when it drifted (hand edits, runtime API changes).",
            TimeSpan.FromSeconds(30));
        var fileCheckInterval = DurationArgument.Option(
            "--file-check-interval",
            "How often the files the configuration needs on this host (TLS certificates) are checked again. A service whose file is missing " +
            "is left out of the host's configuration, and served again within this interval of the file appearing, without a restart.",
            TimeSpan.FromSeconds(5));
        var drainTimeout = DurationArgument.Option(
            "--drain-timeout",
            "How long a removed server keeps its sessions before they are shut down.",
            TimeSpan.FromSeconds(30));
        var stopHAProxy = new Option<bool>("--stop-haproxy-on-exit")
        {
            Description = "Stop HAProxy when the agent stops. Default: HAProxy keeps serving the last applied configuration and the next agent adopts it.",
        };
        var haproxy = CommonOptions.HAProxy();
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Information);
        var command = new Command(
            "agent",
            "Run the agent of one load-balancer host until Ctrl-C. It runs HAProxy in master-worker mode (adopting one a previous agent\n" +
            "left running), applies the latest configuration the controller rendered for the host (or the one a rollback pinned) by the\n" +
            "cheapest safe path (runtime API, else a hitless reload), records each outcome (ConfigApplied / ApplyFailed), puts drift back,\n" +
            "and reports the containers of this machine's Docker engine and whether the files the configuration needs (TLS certificates)\n" +
            "are there. The runtime directory must be the controller's. It warns when\n" +
            "gitops.yaml does not declare its host. At start a missing HAProxy, a Docker engine that does not answer, an unreachable\n" +
            "store, or a port HAProxy cannot listen on ends it with one line and exit code 2.")
        {
            host, docker, dockerTls.Ca, dockerTls.Cert, dockerTls.Key, runtimeDirectory, driftInterval, fileCheckInterval, drainTimeout, stopHAProxy, haproxy, logLevel,
        };
        store.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            var hostName = RequireHostName(parseResult.GetRequiredValue(host));
            var dockerChoice = DockerEndpointChoice.Choose(parseResult, docker, dockerTls);
            var dataDirectory = DataDirectory.Resolve(parseResult.GetValue(store.DataDir));
            var options = new AgentOptions
            {
                Host = hostName,
                DataDirectory = DataDirectory.HostDirectory(dataDirectory, hostName),
                RuntimeDirectory = HostRuntimeDirectory.For(Path.GetFullPath(parseResult.GetRequiredValue(runtimeDirectory)), hostName),
                DockerEndpoint = dockerChoice.Endpoint,
                DriftCheckInterval = Positive(parseResult.GetValue(driftInterval), "--drift-interval"),
                HostFactsInterval = Positive(parseResult.GetValue(fileCheckInterval), "--file-check-interval"),
                DrainTimeout = parseResult.GetValue(drainTimeout),
                StopHAProxyOnShutdown = parseResult.GetValue(stopHAProxy),
                HAProxyProgram = HAProxyProgram.Require(parseResult.GetRequiredValue(haproxy)),
                StopWhenHAProxyCannotListen = true,
            };
            await dockerChoice.RequireAnswerAsync(DockerEndpointChoice.ProbeTimeout, ct).ConfigureAwait(false);
            var logger = context.Logger("agent");
            await using var eventStore = await store.Resolve(parseResult).OpenAsync(logger, "agent@" + hostName, ct).ConfigureAwait(false);
            try
            {
                await new AgentHost(eventStore, options, context.LoggerFactory).RunAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C is how the agent ends.
            }

            return CliApp.ExitOk;
        }, cancellationToken));
        return command;
    }

    /// <summary><c>--runtime-dir</c>, shared with <c>gitops controller</c>: both must name the same directory.</summary>
    public static Option<string> RuntimeDirectoryOption() => new("--runtime-dir")
    {
        Description = "HAProxy's runtime directory (master.sock, admin.sock, haproxy.pid); the controller and every agent must be given the same. " +
                      $"`{HostRuntimeDirectory.Placeholder}` in it is replaced by the host's name, so agents of several hosts on one machine keep apart. " +
                      $"Keep it short: unix socket paths are limited to 107 bytes.",
        DefaultValueFactory = _ => AgentOptions.DefaultRuntimeDirectory,
        HelpName = "dir",
    };

    /// <exception cref="CommandInputException">The name is not a valid host name.</exception>
    public static string RequireHostName(string name) => ConfigToken.IsName(name)
        ? name
        : throw new CommandInputException($"--host '{ConfigToken.Printable(name)}' is not a valid host name; use [a-z0-9][a-z0-9-]*, e.g. lb1");

    private static TimeSpan Positive(TimeSpan value, string option) => value > TimeSpan.Zero
        ? value
        : throw new CommandInputException($"{option} must be more than 0ms.");
}
