using System.CommandLine;
using GitOps.Cli.Offline;
using GitOps.Core.Diagnostics;
using GitOps.Git;
using GitOps.HAProxy.Validation;
using Serilog.Events;

namespace GitOps.Cli.Commands;

/// <summary><c>gitops validate</c>: the pull-request check. Needs neither the database nor Docker.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var repo = CommonOptions.Repo(required: true);
        var gitSource = new GitSourceOptions();
        var rev = CommonOptions.Rev();
        var format = CommonOptions.Format("text", "json");
        var checkHaproxy = new Option<bool>("--check-haproxy")
        {
            Description = "Also render every host's configuration and check it with the real `haproxy -c` (needs haproxy installed, " +
                          "and the TLS certificate files the configuration names present on this machine).",
        };
        var logLevel = CommonOptions.LogLevel(LogEventLevel.Warning);
        var command = new Command(
            "validate",
            "Check a desired-state repository: every error at once, each as path:line:col: error GITOPSnnn: message with the fix.\n" +
            "Exit code 0 when valid, 1 when invalid, 2 when the repository or revision cannot be read. Use it as the pull-request check.")
        {
            repo, rev, format, checkHaproxy, logLevel,
        };
        gitSource.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandContext.RunAsync(parseResult, logLevel, async (context, ct) =>
        {
            var logger = context.Logger("validate");
            var repository = await GitRepository.OpenAsync(parseResult.GetRequiredValue(repo), gitSource.Resolve(parseResult), logger, ct).ConfigureAwait(false);
            var revision = await LoadedRevision.ReadAsync(repository, parseResult.GetValue(rev), logger, ct).ConfigureAwait(false);
            var hosts = revision.State is null ? [] : RenderedHost.RenderAll(revision.State, onlyHost: null, containers: []);
            var diagnostics = revision.AllDiagnostics(hosts).ToList();
            if (parseResult.GetValue(checkHaproxy))
            {
                diagnostics.AddRange(await CheckWithHAProxyAsync(hosts, ct).ConfigureAwait(false));
            }

            var valid = revision.State is not null && diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);
            if (parseResult.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(CliJson.Serialize(new
                {
                    valid,
                    repository = repository.Location,
                    revision = revision.Label,
                    commit = revision.Commit?.Sha,
                    services = revision.State?.Services.Select(s => s.Name) ?? [],
                    hosts = revision.State?.Settings.Hosts.Select(h => h.Name) ?? [],
                    diagnostics = diagnostics.Select(DiagnosticJson.From),
                })).ConfigureAwait(false);
            }
            else
            {
                foreach (var diagnostic in diagnostics)
                {
                    await context.Output.WriteLineAsync(diagnostic.ToString()).ConfigureAwait(false);
                }

                await context.Output.WriteLineAsync(Summary(revision, diagnostics, valid)).ConfigureAwait(false);
            }

            return valid ? CliApp.ExitOk : CliApp.ExitInvalid;
        }, cancellationToken));
        return command;
    }

    private static string Summary(LoadedRevision revision, IReadOnlyList<Diagnostic> diagnostics, bool valid)
    {
        var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = diagnostics.Count - errors;
        if (!valid)
        {
            return $"invalid: {Plural(errors, "error")}, {Plural(warnings, "warning")} in {revision.Description}";
        }

        var state = revision.State!;
        return $"valid: {Plural(state.Services.Count, "service")} on {Plural(state.Settings.Hosts.Count, "host")} " +
               $"({string.Join(", ", state.Settings.Hosts.Select(h => h.Name))}), {Plural(warnings, "warning")}, in {revision.Description}";
    }

    internal static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static async Task<IEnumerable<Diagnostic>> CheckWithHAProxyAsync(IReadOnlyList<RenderedHost> hosts, CancellationToken cancellationToken)
    {
        var checker = new HAProxyConfigChecker();
        var diagnostics = new List<Diagnostic>();
        foreach (var host in hosts)
        {
            var result = await checker.CheckAsync(host.Config, cancellationToken).ConfigureAwait(false);
            diagnostics.AddRange(result.Alerts.Select(alert => new Diagnostic(
                HAProxyCheckResult.RejectedCode,
                $"haproxy -c rejected the configuration of host '{host.Host}': {alert}",
                Location: null)));
            if (!result.IsValid && result.Alerts.Count == 0)
            {
                diagnostics.Add(new Diagnostic(HAProxyCheckResult.RejectedCode, $"haproxy -c rejected the configuration of host '{host.Host}' (exit code {result.ExitCode}): {result.Output.Trim()}", null));
            }
        }

        return diagnostics;
    }
}
