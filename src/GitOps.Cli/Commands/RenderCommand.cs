using System.CommandLine;
using GitOps.Cli.Offline;
using GitOps.Core.Diagnostics;
using GitOps.Git;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops render</c>: the HAProxy configuration each host would run, offline.</summary>
internal static class RenderCommand
{
    public static Command Create()
    {
        var repo = CommonOptions.Repo(required: true);
        var gitSource = new GitSourceOptions();
        var rev = CommonOptions.Rev();
        var host = CommonOptions.Host();
        var discovery = DiscoveryOption();
        var outputDirectory = new Option<string?>("--output-dir")
        {
            Description = "Write each host's configuration to <dir>/<host>.cfg instead of printing it.",
            HelpName = "dir",
        };
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Warning);
        var command = new Command(
            "render",
            "Print the HAProxy configuration of each host (or of --host) for a revision of the desired-state repository.\n" +
            "Containers come from --discovery, a saved `GET /containers/json` answer; without it only static servers appear.\n" +
            "Errors and warnings go to standard error; exit code 1 when the desired state or the discovery file is invalid.")
        {
            repo, rev, host, discovery, outputDirectory, logLevel,
        };
        gitSource.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            var logger = context.Logger("render");
            var repository = await GitRepository.OpenAsync(parseResult.GetRequiredValue(repo), gitSource.Resolve(parseResult), logger, ct).ConfigureAwait(false);
            var revision = await LoadedRevision.ReadAsync(repository, parseResult.GetValue(rev), logger, ct).ConfigureAwait(false);
            var containers = await DiscoveryFile.ReadAsync(parseResult.GetValue(discovery), ct).ConfigureAwait(false);
            if (revision.State is null)
            {
                await WriteDiagnosticsAsync(context.Error, revision.Load.Diagnostics.Concat(containers.Diagnostics)).ConfigureAwait(false);
                await context.Error.WriteLineAsync($"gitops: nothing rendered: the desired state in {revision.Description} is invalid").ConfigureAwait(false);
                return CliApp.ExitInvalid;
            }

            var onlyHost = parseResult.GetValue(host);
            RequireKnownHost(revision.State, onlyHost);
            var hosts = RenderedHost.RenderAll(revision.State, onlyHost, containers.Containers);
            await WriteDiagnosticsAsync(context.Error, revision.AllDiagnostics(hosts).Concat(containers.Diagnostics)).ConfigureAwait(false);
            if (parseResult.GetValue(outputDirectory) is { } directory)
            {
                Directory.CreateDirectory(directory);
                foreach (var rendered in hosts)
                {
                    var path = Path.Combine(directory, rendered.Host + ".cfg");
                    await File.WriteAllTextAsync(path, rendered.Config, ct).ConfigureAwait(false);
                    await context.Output.WriteLineAsync(path).ConfigureAwait(false);
                }
            }
            else
            {
                for (var i = 0; i < hosts.Count; i++)
                {
                    await context.Output.WriteAsync((i > 0 ? "\n" : string.Empty) + hosts[i].Config).ConfigureAwait(false);
                }
            }

            var failed = containers.HasErrors || hosts.Any(h => h.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));
            return failed ? CliApp.ExitInvalid : CliApp.ExitOk;
        }, cancellationToken));
        return command;
    }

    public static Option<string?> DiscoveryOption() => new("--discovery")
    {
        Description = "A JSON file with the array Docker's `GET /containers/json` returns " +
                      "(`curl --unix-socket /var/run/docker.sock http://localhost/containers/json > containers.json`), used as every host's containers.",
        HelpName = "containers.json",
    };

    public static void RequireKnownHost(Core.Desired.DesiredState state, string? host)
    {
        if (host is not null && state.Settings.Hosts.All(h => h.Name != host))
        {
            throw new CommandInputException(
                $"unknown host '{host}': gitops.yaml declares {string.Join(", ", state.Settings.Hosts.Select(h => $"'{h.Name}'"))}; pass one of those to --host");
        }
    }

    public static async Task WriteDiagnosticsAsync(TextWriter writer, IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics.Distinct())
        {
            await writer.WriteLineAsync(diagnostic.ToString()).ConfigureAwait(false);
        }
    }
}
