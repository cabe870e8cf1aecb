using System.Globalization;
using GitOps.Core.Collections;
using GitOps.Core.Events;
using GitOps.Core.Hosts;
using GitOps.EventStore;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler.Agent;

/// <summary>
/// Checks the files the host's configuration needs (<see cref="ConfigRendered.RequiredFiles"/>) and records what it
/// finds on <c>host-&lt;host&gt;</c> as <see cref="HostFactsObserved"/>, only when that differs from the last record (a
/// previous agent's included). The id of each record derives from the stream version it follows and the facts, so a
/// retried append stores nothing twice. Safe to call from the agent's step and its periodic re-check at once.
/// </summary>
internal sealed class HostFactsReporter(MartenEventStore store, string host, string actor, ILogger logger) : IDisposable
{
    private readonly string stream = StreamNames.HostFacts(host);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (ValueList<HostFileFact> Files, long Version)? reported;
    private AgentTarget? lastTarget;

    /// <summary>Checks the files of <paramref name="target"/>, records them if they changed, and returns them by path.</summary>
    public async Task<IReadOnlyDictionary<string, HostFileFact>> ReportAsync(AgentTarget target, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lastTarget = target;
            var (files, _) = await CheckAndRecordAsync(target, cancellationToken).ConfigureAwait(false);
            return files.ToDictionary(f => f.Path, StringComparer.Ordinal);
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
            return lastTarget is { } target && (await CheckAndRecordAsync(target, cancellationToken).ConfigureAwait(false)).Changed;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private async Task<(ValueList<HostFileFact> Files, bool Changed)> CheckAndRecordAsync(AgentTarget target, CancellationToken cancellationToken)
    {
        var last = reported ??= await ReadLastAsync(cancellationToken).ConfigureAwait(false);
        var files = new List<HostFileFact>();
        foreach (var path in target.Config.RequiredFiles.Select(f => f.Path).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            files.Add(await HostFileProbe.CheckAsync(path, cancellationToken).ConfigureAwait(false));
        }

        var facts = files.ToValueList();
        if (facts == last.Files)
        {
            return (facts, false);
        }

        var observed = new HostFactsObserved { Host = host, Files = facts };
        var id = AgentEventIds.From([nameof(HostFactsObserved), host, last.Version.ToString(CultureInfo.InvariantCulture), .. facts.Select(f => $"{f.Path}\t{f.State}\t{f.Sha256}\t{f.Detail}")]);
        var result = await store.AppendAsync(
            stream,
            ExpectedVersion.Any,
            new NewEvent(observed) { EventId = id, Actor = actor, Commit = target.Config.Commit, CausationId = target.ConfigEventId },
            cancellationToken).ConfigureAwait(false);
        reported = (facts, result.Version);
        var unusable = facts.Where(f => f.State != HostFileState.Present).Select(f => $"{f.Path} {f.Problem()}").ToList();
        AgentLog.HostFactsRecorded(logger, host, facts.Count, unusable.Count == 0 ? "all usable" : string.Join("; ", unusable));
        return (facts, true);
    }

    private async Task<(ValueList<HostFileFact> Files, long Version)> ReadLastAsync(CancellationToken cancellationToken)
    {
        // The stream also holds the moves of virtual addresses: the last facts may lie further back.
        long? newest = null;
        await foreach (var recorded in store.ReadStreamAsync(stream, ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            newest ??= recorded.Version;
            if (recorded.Data is HostFactsObserved facts)
            {
                return (facts.Files, newest.Value);
            }
        }

        // Nothing reported yet counts as no files: a host whose configurations need none records nothing.
        return (ValueList<HostFileFact>.Empty, newest ?? 0);
    }
}
