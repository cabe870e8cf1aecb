using System.CommandLine;
using GitOps.Cli.Offline;
using GitOps.Core.Diagnostics;
using GitOps.Git;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops diff</c>: what a change does to every host's HAProxy configuration, for review. Offline.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var repo = CommonOptions.Repo(required: true);
        var gitSource = new GitSourceOptions();
        var baseRev = new Option<string>("--base")
        {
            Description = "The revision the change starts from, e.g. main or origin/main.",
            Required = true,
            HelpName = "rev",
        };
        var headRev = new Option<string?>("--head")
        {
            Description = "The revision with the change, e.g. a pull-request branch. Default: the work tree on disk (uncommitted edits " +
                          "included) for a local repository, the default branch for a URL.",
            HelpName = "rev",
        };
        var host = CommonOptions.Host();
        var format = CommonOptions.Format("text", "markdown");
        var exitCode = new Option<bool>("--exit-code")
        {
            Description = "Like git diff --exit-code: exit 1 when any host's configuration changes (0 when none does).",
        };
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Warning);
        var command = new Command(
            "diff",
            "Render two revisions of the desired-state repository and print the HAProxy configuration diff of every host\n" +
            "(or of --host), as text or as Markdown for a pull-request comment, with each revision's validation result.\n" +
            "Exit code 1 when the head revision is invalid (or, with --exit-code, when anything changes); 2 when a revision cannot be read.")
        {
            repo, baseRev, headRev, host, format, exitCode, logLevel,
        };
        gitSource.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            var logger = context.Logger("diff");
            var repository = await GitRepository.OpenAsync(parseResult.GetRequiredValue(repo), gitSource.Resolve(parseResult), logger, ct).ConfigureAwait(false);
            var @base = await LoadedRevision.ReadAsync(repository, parseResult.GetRequiredValue(baseRev), logger, ct).ConfigureAwait(false);
            var head = await LoadedRevision.ReadAsync(repository, parseResult.GetValue(headRev), logger, ct).ConfigureAwait(false);
            var onlyHost = parseResult.GetValue(host);
            if (onlyHost is not null && (head.State ?? @base.State) is { } known)
            {
                RenderCommand.RequireKnownHost(known, onlyHost);
            }

            var baseHosts = Render(@base, onlyHost);
            var headHosts = Render(head, onlyHost);
            var baseDiagnostics = @base.AllDiagnostics(baseHosts);
            var headDiagnostics = head.AllDiagnostics(headHosts);
            var hosts = head.State is null ? [] : HostDiff.Pair(baseHosts, headHosts);

            if (parseResult.GetValue(format) == "markdown")
            {
                await context.Output.WriteAsync(MarkdownDiffReport.Write(head, @base, hosts, baseDiagnostics, headDiagnostics)).ConfigureAwait(false);
            }
            else
            {
                await WriteTextAsync(context, @base, head, baseDiagnostics, headDiagnostics, hosts).ConfigureAwait(false);
            }

            var headValid = head.State is not null && headDiagnostics.All(d => d.Severity != DiagnosticSeverity.Error);
            if (!headValid)
            {
                return CliApp.ExitInvalid;
            }

            return parseResult.GetValue(exitCode) && hosts.Any(h => h.Changed) ? CliApp.ExitInvalid : CliApp.ExitOk;
        }, cancellationToken));
        return command;
    }

    private static IReadOnlyList<RenderedHost> Render(LoadedRevision revision, string? onlyHost) =>
        revision.State is null ? [] : RenderedHost.RenderAll(revision.State, onlyHost, containers: []);

    private static async Task WriteTextAsync(
        CommandContext context,
        LoadedRevision @base,
        LoadedRevision head,
        IReadOnlyList<Diagnostic> baseDiagnostics,
        IReadOnlyList<Diagnostic> headDiagnostics,
        IReadOnlyList<HostDiff> hosts)
    {
        if (@base.State is null)
        {
            await context.Error.WriteLineAsync($"gitops: base {@base.Label} ({@base.Description}) is invalid; its hosts are compared as empty:").ConfigureAwait(false);
            await RenderCommand.WriteDiagnosticsAsync(context.Error, baseDiagnostics).ConfigureAwait(false);
        }

        if (head.State is null || headDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            await context.Error.WriteLineAsync($"gitops: head {head.Label} ({head.Description}) is invalid:").ConfigureAwait(false);
        }

        await RenderCommand.WriteDiagnosticsAsync(context.Error, headDiagnostics).ConfigureAwait(false);
        foreach (var host in hosts.Where(h => h.Changed))
        {
            await context.Output.WriteAsync(host.Unified(@base.Label, head.Label)).ConfigureAwait(false);
        }
    }
}
