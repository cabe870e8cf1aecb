using System.Globalization;
using GitOps.Cli.Store;
using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Docker.Client;
using GitOps.EventStore;
using GitOps.EventStore.Local;
using GitOps.Git;
using GitOps.HAProxy.Rendering;
using GitOps.Reconciler;
using GitOps.Reconciler.Agent;
using GitOps.Reconciler.Controller;
using Microsoft.Extensions.Logging;

namespace GitOps.Cli.Commands.Up;

/// <summary>
/// One run of <c>gitops up</c>: starts the store, the controller, the agent and the reporter in that order, waits for
/// Ctrl-C, and stops them in reverse order (the agent stops HAProxy, the private PostgreSQL is stopped last).
/// </summary>
internal sealed class UpSession(
    UpSettings settings, CommandContext context, Func<MartenEventStore, ControllerService, Func<string, Task>, CancellationToken, Task<IAsyncDisposable>> startDashboard)
{
    private readonly ILogger logger = context.Logger("up");

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // What can keep `up` from starting is checked before anything is created or started: each is one line and exit code 2.
        var postgres = settings.Store.ConnectionString is null ? PostgresTools.Find(settings.PostgresBin) : null;
        var docker = await settings.Docker.RequireAnswerAsync(DockerEndpointChoice.ProbeTimeout, cancellationToken).ConfigureAwait(false);
        var repository = await GitRepository.OpenAsync(settings.Repository, settings.GitOptions, logger, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(settings.DataDirectory);
        using var directoryLock = DataDirectoryLock.Acquire(settings.DataDirectory);
        await SayAsync($"gitops up: data directory {settings.DataDirectory}").ConfigureAwait(false);
        LocalPostgres? privateStore = null;
        try
        {
            MartenEventStore store;
            if (postgres is null)
            {
                await SayAsync($"event store: the one {settings.Store.Source} names").ConfigureAwait(false);
                store = await settings.Store.OpenAsync(logger, "up", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                privateStore = await StartPrivateStoreAsync(postgres, cancellationToken).ConfigureAwait(false);
                store = await ReconcilerStore.OpenAsync(
                    new EventStoreOptions { ConnectionString = privateStore.ConnectionString, Actor = "up" }, logger: logger, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            await using (store.ConfigureAwait(false))
            {
                return await RunServicesAsync(store, repository, docker, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (privateStore is not null)
            {
                await SayAsync("stopping the private PostgreSQL…").ConfigureAwait(false);
                await privateStore.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await SayAsync("gitops up: stopped").ConfigureAwait(false);
        }
    }

    private async Task<LocalPostgres> StartPrivateStoreAsync(PostgresTools tools, CancellationToken cancellationToken)
    {
        if (await PostgresPassage.OpenAsync(settings.DataDirectory, cancellationToken).ConfigureAwait(false) is { } opened)
        {
            await SayAsync("notice: " + opened).ConfigureAwait(false);
        }

        var root = Path.Combine(settings.DataDirectory, LocalPostgres.DirectoryName);
        await SayAsync(File.Exists(Path.Combine(root, "data", "PG_VERSION"))
            ? $"event store: starting the private PostgreSQL in {root}…"
            : $"event store: initializing a private PostgreSQL in {root} (initdb: first run only, a few seconds)…").ConfigureAwait(false);
        var started = TimeProvider.System.GetTimestamp();
        var server = await LocalPostgres.StartAsync(settings.DataDirectory, tools, logger, cancellationToken).ConfigureAwait(false);
        await SayAsync(Invariant(
            $"event store: private PostgreSQL on 127.0.0.1:{server.Port} {(server.Reused ? "(already running)" : $"started in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s")}; other commands reach it with --data-dir {settings.DataDirectory}")).ConfigureAwait(false);
        return server;
    }

    private async Task<int> RunServicesAsync(MartenEventStore store, GitRepository repository, DockerVersion? docker, CancellationToken cancellationToken)
    {
        var runtimeDirectory = DataDirectory.RuntimeDirectory(settings.DataDirectory);
        var controllerOptions = new ControllerOptions
        {
            Repository = settings.Repository,
            GitOptions = settings.GitOptions,
            Branch = settings.Branch,
            RenderOptions = new RenderOptions { RuntimeDirectory = runtimeDirectory, BindAddress = settings.BindAddress },
            HAProxyProgram = settings.HAProxy,
        };
        await SayAsync($"repository: {settings.Repository}").ConfigureAwait(false);
        await using var controller = new ControllerService(store, controllerOptions, context.LoggerFactory);
        await controller.StartAsync(cancellationToken).ConfigureAwait(false);
        var choice = HostChoice.Choose(settings.Host, await DesiredAtHeadAsync(repository, controller.Branch!, cancellationToken).ConfigureAwait(false));
        await SayAsync($"controller: following branch {controller.Branch}; this machine is host '{choice.Host}'").ConfigureAwait(false);
        await using var dashboard = (await startDashboard(store, controller, SayAsync, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (choice.Notice is { } notice)
        {
            await SayAsync("notice: " + notice).ConfigureAwait(false);
        }

        await SayAsync(docker is not null
            ? $"docker: {settings.Docker.Endpoint} (Docker {docker.Version}): containers are discovered as host '{choice.Host}'"
            : $"notice: no Docker engine ({settings.Docker.WhyNone}): running without container discovery, static servers only. Use --docker to name one.").ConfigureAwait(false);
        var agentOptions = new AgentOptions
        {
            Host = choice.Host,
            DataDirectory = DataDirectory.HostDirectory(settings.DataDirectory, choice.Host),
            RuntimeDirectory = runtimeDirectory,
            DockerEndpoint = settings.Docker.Endpoint,
            StopHAProxyOnShutdown = true,
            HAProxyProgram = settings.HAProxy,
            StopWhenHAProxyCannotListen = true,
        };
        await SayAsync($"agent: HAProxy config in {Path.GetDirectoryName(agentOptions.ConfigPath)}, sockets in {runtimeDirectory}; starting HAProxy with the first configuration…").ConfigureAwait(false);
        var agent = new AgentHost(store, agentOptions, context.LoggerFactory);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var agentRun = Task.Run(() => agent.RunAsync(stopping.Token), CancellationToken.None);
        var reporter = Task.Run(() => new UpReporter(store, agent, choice.Host, settings.BindAddress, context.Output, TimeProvider.System).RunAsync(stopping.Token), CancellationToken.None);
        await SayAsync("Ctrl-C stops everything.").ConfigureAwait(false);
        try
        {
            await Task.WhenAny(agentRun, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: stop below.
        }

        await SayAsync("stopping: agent and HAProxy…").ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);
        await reporter.ConfigureAwait(false);
        try
        {
            // An agent that stopped by itself (HAProxy cannot listen) throws why here: the command's one error line.
            await agentRun.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The agent ends by cancellation.
        }
        finally
        {
            await SayAsync("stopping: controller…").ConfigureAwait(false);
            await controller.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return CliApp.ExitOk;
    }

    /// <summary>The desired state at the head of the followed branch; null when it does not load.</summary>
    private static async Task<DesiredState?> DesiredAtHeadAsync(GitRepository repository, string branch, CancellationToken cancellationToken)
    {
        var snapshot = await repository.ReadCommitAsync("refs/heads/" + branch, cancellationToken).ConfigureAwait(false);
        return DesiredStateLoader.Load(snapshot.Files).State;
    }

    private async Task SayAsync(string line)
    {
        await context.Output.WriteLineAsync(line).ConfigureAwait(false);
        await context.Output.FlushAsync().ConfigureAwait(false);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
