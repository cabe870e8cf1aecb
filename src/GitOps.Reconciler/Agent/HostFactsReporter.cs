using System.Globalization;
using GitOps.Core.Collections;
using GitOps.Core.Events;
using GitOps.Core.Hosts;
using GitOps.EventStore;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Agent;

/// <summary>
/// Checks the files the host's configuration needs (<see cref="ConfigRendered.RequiredFiles"/>), has
/// <see cref="TransparentProxyKeeper"/> set up what else it needs (<see cref="ConfigRendered.RequiredCapabilities"/>), and
/// records what it finds on <c>host-&lt;host&gt;</c> as <see cref="HostFactsObserved"/>, only when that differs from the
/// last record (a previous agent's included). The id of each record derives from the stream version it follows and the facts, so a
/// retried append stores nothing twice. Safe to call from the agent's step and its periodic re-check at once.
/// </summary>
internal sealed class HostFactsReporter(MartenEventStore store, string host, string actor, TransparentProxyKeeper capabilities, ILogger logger) : IDisposable
{
    private readonly string stream = StreamNames.HostFacts(host);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (ValueList<HostFileFact> Files, ValueList<HostCapabilityFact> Capabilities, long Version)? reported;
    private AgentTarget? lastTarget;

    /// <summary>
    /// Checks the files of <paramref name="target"/> and sets up what else it needs, records the facts if they changed,
    /// and returns the files by path and the capabilities by name.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, HostFileFact> Files, IReadOnlyDictionary<string, HostCapabilityFact> Capabilities)> ReportAsync(
        AgentTarget target, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lastTarget = target;
            var (files, found, _) = await CheckAndRecordAsync(target, recheck: false, cancellationToken).ConfigureAwait(false);
            return (files.ToDictionary(f => f.Path, StringComparer.Ordinal), found.ToDictionary(c => c.Name, StringComparer.Ordinal));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Checks again the files of the configuration last given to <see cref="ReportAsync"/>; true when something changed.</summary>
    public async Task<bool> RecheckAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return lastTarget is { } target && (await CheckAndRecordAsync(target, recheck: true, cancellationToken).ConfigureAwait(false)).Changed;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private async Task<(ValueList<HostFileFact> Files, ValueList<HostCapabilityFact> Capabilities, bool Changed)> CheckAndRecordAsync(
        AgentTarget target, bool recheck, CancellationToken cancellationToken)
    {
        var last = reported ??= await ReadLastAsync(cancellationToken).ConfigureAwait(false);
        var files = new List<HostFileFact>();
        foreach (var path in target.Config.RequiredFiles.Select(f => f.Path).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            files.Add(await HostFileProbe.CheckAsync(path, cancellationToken).ConfigureAwait(false));
        }

        var facts = files.ToValueList();
        var found = await capabilities.ConvergeAsync(target, recheck, cancellationToken).ConfigureAwait(false);
        if (facts == last.Files && found == last.Capabilities)
        {
            return (facts, found, false);
        }

        var observed = new HostFactsObserved { Host = host, Files = facts, Capabilities = found };
        var id = AgentEventIds.From(
        [
            nameof(HostFactsObserved), host, last.Version.ToString(CultureInfo.InvariantCulture),
            .. facts.Select(f => $"{f.Path}\t{f.State}\t{f.Sha256}\t{f.Detail}"),
            .. found.Select(c => $"capability\t{c.Name}\t{c.Problem}"),
        ]);
        var result = await store.AppendAsync(
            stream,
            ExpectedVersion.Any,
            new NewEvent(observed) { EventId = id, Actor = actor, Commit = target.Config.Commit, CausationId = target.ConfigEventId },
            cancellationToken).ConfigureAwait(false);
        reported = (facts, found, result.Version);
        var unusable = facts.Where(f => f.State != HostFileState.Present).Select(f => $"{f.Path} {f.Problem()}")
            .Concat(found.Where(c => c.Problem is not null).Select(c => $"{c.Name}: {c.Problem}"))
            .ToList();
        AgentLog.HostFactsRecorded(logger, host, facts.Count, unusable.Count == 0 ? "all usable" : string.Join("; ", unusable));
        return (facts, found, true);
    }

    private async Task<(ValueList<HostFileFact> Files, ValueList<HostCapabilityFact> Capabilities, long Version)> ReadLastAsync(CancellationToken cancellationToken)
    {
        // The stream also holds the moves of virtual addresses: the last facts may lie further back.
        long? newest = null;
        await foreach (var recorded in store.ReadStreamAsync(stream, ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            newest ??= recorded.Version;
            if (recorded.Data is HostFactsObserved facts)
            {
                return (facts.Files, facts.Capabilities, newest.Value);
            }
        }

        // Nothing reported yet counts as no files: a host whose configurations need none records nothing.
        return (ValueList<HostFileFact>.Empty, ValueList<HostCapabilityFact>.Empty, newest ?? 0);
    }
}
