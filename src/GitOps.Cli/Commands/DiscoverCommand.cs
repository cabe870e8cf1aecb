using System.CommandLine;
using GitOps.Cli.Commands.Discover;
using GitOps.Cli.Logging;
using GitOps.Core.Validation;
using GitOps.Docker.Client;
using GitOps.Docker.Discovery;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops discover</c>: what the load balancer sees on one Docker host, once or as a live stream.</summary>
internal static class DiscoverCommand
{
    public static Command Create()
    {
        var docker = CommonOptions.Docker();
        var dockerTls = new DockerTlsOptions();
        var watch = new Option<bool>("--watch")
        {
            Description = "Keep watching and print one line per change (started, stopped, health, addresses, rejected labels) until Ctrl-C.",
        };
        var format = CommonOptions.Format("text", "json");
        format.Description = "Output format: text (a table, or one line per change with --watch) or json (an array, or one JSON object per line with --watch).";
        var host = new Option<string?>("--host")
        {
            Description = "The load-balancer host name to report changes under. Default: this machine's name.",
            HelpName = "name",
        };
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Warning);
        var command = new Command(
            "discover",
            "Show what the load balancer sees on a Docker host: every running container with its state and HEALTHCHECK status,\n" +
            "its address on each network, the labels that matter for routing (lb.enable, lb.publish, lb.target, Compose project\n" +
            "and service) and whether the seed labels publish it, or why not. Use it to answer \"why is my container not in the pool?\":\n" +
            "a container is routed only while running and, when it has a HEALTHCHECK, healthy.\n" +
            "Exit codes: 0 success, 2 the engine cannot be reached or the options are wrong.")
        {
            docker, dockerTls.Ca, dockerTls.Cert, dockerTls.Key, watch, format, host, logLevel,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new Invocation(
                parseResult.GetValue(docker),
                dockerTls.Resolve(parseResult),
                dockerTls.Given(parseResult),
                parseResult.GetValue(watch),
                parseResult.GetValue(format) == "json",
                parseResult.GetValue(host),
                parseResult.GetValue(logLevel),
                parseResult.InvocationConfiguration.Output,
                parseResult.InvocationConfiguration.Error),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        DockerEndpoint endpoint;
        if (invocation.Docker is null)
        {
            endpoint = DockerEndpoint.FromEnvironment();
        }
        else if (!DockerEndpoint.TryParse(invocation.Docker, out var parsed, out var problem))
        {
            await invocation.Error.WriteLineAsync($"error: --docker: {problem}").ConfigureAwait(false);
            return CliApp.ExitUsage;
        }
        else
        {
            endpoint = parsed;
        }

        try
        {
            endpoint = DockerTlsOptions.Apply(endpoint, invocation.Tls, invocation.TlsGiven);
        }
        catch (CommandInputException ex)
        {
            await invocation.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return CliApp.ExitUsage;
        }

        var hostName = invocation.Host ?? ConfigToken.ToName(Environment.MachineName) ?? "local";
        if (!ConfigToken.IsName(hostName))
        {
            await invocation.Error.WriteLineAsync($"error: --host '{ConfigToken.Printable(hostName)}' is not a valid host name; use [a-z0-9][a-z0-9-]*, e.g. lb1").ConfigureAwait(false);
            return CliApp.ExitUsage;
        }

        using var loggerFactory = CliLogging.Create(invocation.Error, invocation.LogLevel);
        using var client = new DockerEngineClient(endpoint, logger: loggerFactory.CreateLogger<DockerEngineClient>());
        try
        {
            // Fail fast and plainly when the engine is not there; once watching, outages are retried instead.
            await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            if (!invocation.Watch)
            {
                var listed = await client.ListContainersAsync(all: false, cancellationToken).ConfigureAwait(false);
                var running = listed.Containers.Where(c => c.IsRunning).ToList();
                if (invocation.Json)
                {
                    DiscoveryOutput.WriteJsonArray(invocation.Output, running);
                }
                else
                {
                    DiscoveryOutput.WriteTable(invocation.Output, running);
                }

                foreach (var diagnostic in listed.Diagnostics)
                {
                    await invocation.Error.WriteLineAsync(diagnostic.ToString()).ConfigureAwait(false);
                }

                return CliApp.ExitOk;
            }
        }
        catch (DockerException ex)
        {
            await invocation.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return CliApp.ExitUsage;
        }

        var sink = new WriterSink(invocation.Output, invocation.Json, TimeProvider.System);
        var watcher = new DockerDiscoveryWatcher(client, hostName, sink, TimeProvider.System, loggerFactory.CreateLogger<DockerDiscoveryWatcher>());
        try
        {
            await watcher.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how watching ends.
        }

        return CliApp.ExitOk;
    }

    private sealed record Invocation(string? Docker, DockerTls? Tls, bool TlsGiven, bool Watch, bool Json, string? Host, LogEventLevel LogLevel, TextWriter Output, TextWriter Error);
}
