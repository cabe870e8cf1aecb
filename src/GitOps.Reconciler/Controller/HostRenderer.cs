using GitOps.Core.Text;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Effective;
using GitOps.Core.Events;
using GitOps.Core.Hosts;
using GitOps.EventStore;
using GitOps.HAProxy.Rendering;
using GitOps.HAProxy.Validation;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// Renders the hosts with unrendered inputs: effective model, HAProxy text, <c>haproxy -c</c>, and a
/// ConfigRendered only when the text changed. A pass renders its hosts in parallel, checks a text only when it differs
/// from the host's last one, and from the texts checked in the pass, in more than servers shaped like theirs
/// (<see cref="PassChecks"/>), and publishes all its ConfigRendered in one transaction. Appends expect each host's
/// config stream at the version this controller knows, so two controllers can never both publish a version.
/// Disposing ends the haproxy kept waiting for the next check.
/// </summary>
internal sealed class HostRenderer(MartenEventStore store, ControllerOptions options, ILogger logger) : IAsyncDisposable
{
    private readonly PrestartedHAProxyConfigChecker checker = new(options.HAProxyProgram, placeholderForMissingCertificates: true);

    /// <summary>Renders every pending host of <paramref name="state"/>, in parallel up to the processor count; returns how many were published.</summary>
    /// <exception cref="GitOps.EventStore.Errors.WrongExpectedVersionException">Another controller published for a host meanwhile.</exception>
    public async Task<int> RenderPendingAsync(ReconcileState state, CancellationToken cancellationToken)
    {
        var desired = state.Desired;
        if (desired is null || state.DesiredCommit is not { } commit)
        {
            return 0;
        }

        var declared = state.HostNames().ToHashSet(StringComparer.Ordinal);
        foreach (var (host, config) in state.Hosts)
        {
            if (!declared.Contains(host))
            {
                // Inputs of a Docker host that is not a load-balancer host change no configuration.
                config.ClearPending();
            }
        }

        var work = declared.Where(h => state.Host(h).IsPending)
            .Select(h => (Host: h, Config: state.Host(h), Containers: state.ContainersOn(h).ToList(), Files: state.FilesOn(h), Capabilities: state.CapabilitiesOn(h)))
            .ToList();
        var checks = new PassChecks(checker);
        var outcomes = new Rendering?[work.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, work.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var item = work[i];
                outcomes[i] = await RenderHostAsync(desired, commit, item.Host, item.Config, item.Containers, item.Files, item.Capabilities, checks, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

        var rendered = outcomes.OfType<Rendering>().ToList();
        if (rendered.Count > 0)
        {
            await store.AppendManyAsync(rendered.Select(r => r.Append).ToList(), cancellationToken).ConfigureAwait(false);
        }

        foreach (var (config, published, served, _) in rendered)
        {
            config.Version = published.Version;
            config.Sha256 = published.Sha256;
            config.PublishedText = published.Text;
            config.ServedContainers = served;
            config.ClearPending();
            ControllerLog.HostRendered(logger, published.Host, published.Version, published.Sha256[..12], commit, Show(published.Causes));
        }

        return rendered.Count;
    }

    public ValueTask DisposeAsync() => checker.DisposeAsync();

    /// <summary>Renders one host; returns what to publish for it, or null when its text is unchanged or was rejected (recorded here).</summary>
    private async Task<Rendering?> RenderHostAsync(
        DesiredState desired,
        string commit,
        string host,
        HostConfigState config,
        List<GitOps.Core.Discovery.ObservedContainer> containers,
        ValueList<HostFileFact>? files,
        ValueList<HostCapabilityFact>? capabilities,
        PassChecks checks,
        CancellationToken cancellationToken)
    {
        var effective = EffectiveModelBuilder.Build(desired, host, containers, files, capabilities);
        var served = effective.Services.SelectMany(s => s.Servers).Select(s => s.Container?.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var causes = config.CausesOfChange(served);
        var text = HAProxyConfigRenderer.Render(effective, options.RenderOptionsFor(host));
        var sha = ContentHash.Sha256Hex(text);
        if (sha == config.Sha256 || sha == config.RejectedSha256)
        {
            ControllerLog.RenderUnchanged(logger, host, config.Version, Show(causes));
            config.ClearPending();
            return null;
        }

        foreach (var diagnostic in effective.Diagnostics)
        {
            ControllerLog.EffectiveDiagnostic(logger, host, diagnostic.ToString());
        }

        var check = await checks.CheckAsync(text, config.PublishedText, cancellationToken).ConfigureAwait(false);
        if (check is null)
        {
            ControllerLog.CheckNotNeeded(logger, host);
        }
        else if (!check.IsValid)
        {
            var errors = check.Alerts.Count > 0
                ? check.Alerts
                : check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToValueList();
            var rejected = new ConfigRejected { Host = host, Sha256 = sha, Commit = commit, Errors = errors, Causes = causes };
            await store.AppendAsync(
                StreamNames.Rejected(host),
                ExpectedVersion.Any,
                new NewEvent(rejected) { EventId = DeterministicId.ForRejectedRender(host, sha), Commit = commit, Actor = "controller", CausationId = causes.Count > 0 ? causes[^1] : null },
                cancellationToken).ConfigureAwait(false);
            ControllerLog.RenderRejected(logger, host, commit, config.Version, errors.Count > 0 ? errors[0] : $"exit code {check.ExitCode}");
            config.RejectedSha256 = sha;
            config.ClearPending();
            return null;
        }

        var version = config.Version + 1;
        var rendered = new ConfigRendered { Host = host, Version = version, Sha256 = sha, Text = text, Commit = commit, Causes = causes, RequiredFiles = effective.RequiredFiles, RequiredCapabilities = effective.RequiredCapabilities };
        var append = new StreamAppend(
            StreamNames.Config(host),
            ExpectedVersion.Exact(config.Version),
            [new NewEvent(rendered) { EventId = DeterministicId.ForRender(host, version, sha), Commit = commit, Actor = "controller", CausationId = causes.Count > 0 ? causes[^1] : null }]);
        return new Rendering(config, rendered, served, append);
    }

    private static string Show(ValueList<Guid> causes) =>
        causes.Count <= 5 ? string.Join(',', causes) : $"{string.Join(',', causes.Take(5))},… ({causes.Count})";

    /// <summary>A host's new configuration, published with the pass's others.</summary>
    private sealed record Rendering(HostConfigState Config, ConfigRendered Event, IReadOnlySet<string> Served, StreamAppend Append);
}
