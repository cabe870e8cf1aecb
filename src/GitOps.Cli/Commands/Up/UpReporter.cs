using System.Globalization;
using GitOps.Cli.Commands.History;
using GitOps.Core.Desired;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler.Agent;
using GitOps.Reconciler.ReadModels;

namespace GitOps.Cli.Commands.Up;

/// <summary>
/// What <c>gitops up</c> prints while it runs: where each service is served once the first configuration is live, then
/// one line per applied change crediting its cause as <c>gitops history</c> reads it (the commit, the container that
/// started or stopped, the rollback and who asked) with the service lines that changed, and one per failed apply,
/// corrected drift and rejected commit. Reads the host's streams every <see cref="PollInterval"/>, so it shows what the
/// store says, not what it hopes.
/// </summary>
internal sealed class UpReporter(MartenEventStore store, AgentHost agent, string host, string? bindAddress, TextWriter output, TimeProvider timeProvider)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<string, long> next = new(StringComparer.Ordinal);
    private readonly ReadModelQueries history = new(store);
    private IReadOnlyDictionary<string, string>? shown;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string[] streams = [StreamNames.Applied(host), StreamNames.Desired, StreamNames.Rejected(host)];
        foreach (var stream in streams)
        {
            next[stream] = await store.StreamVersionAsync(stream, cancellationToken).ConfigureAwait(false) + 1;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var stream in streams)
                {
                    await foreach (var recorded in store.ReadStreamAsync(stream, from: next[stream], cancellationToken: cancellationToken).ConfigureAwait(false))
                    {
                        next[stream] = recorded.Version + 1;
                        await ReportAsync(recorded, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (shown is null && agent.AppliedVersion is { } adopted)
                {
                    // A restart: HAProxy already runs what was applied before, so no new ConfigApplied comes.
                    await ShowServicesAsync($"Serving host '{host}'", adopted, null, cancellationToken).ConfigureAwait(false);
                }

                await Task.Delay(PollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Printing progress must never stop `up`: a store hiccup is retried at the next poll.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                await WriteAsync($"(could not read the event store: {ex.Message})").ConfigureAwait(false);
                await Task.Delay(PollInterval * 4, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ReportAsync(RecordedEvent recorded, CancellationToken cancellationToken)
    {
        switch (recorded.Data)
        {
            case ConfigApplied applied when shown is null:
                await ShowServicesAsync($"Serving host '{host}'", applied.Version, null, cancellationToken).ConfigureAwait(false);
                break;
            case ConfigApplied applied:
                var entry = await history.EntryOfOutcomeAsync(host, applied.Version, applied.RollbackRequestId, cancellationToken).ConfigureAwait(false);
                await ShowServicesAsync(
                    Invariant($"{Now()} v{applied.Version} applied ({applied.Method.ToString().ToLowerInvariant()}, {applied.Duration.TotalMilliseconds:0} ms)"),
                    applied.Version,
                    entry is null ? null : HistoryWording.Reason(entry),
                    cancellationToken).ConfigureAwait(false);
                break;
            case ApplyFailed failed:
                await WriteAsync(Invariant($"{Now()} v{failed.Version} NOT applied: {failed.Error}; still serving v{failed.KeptVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}")).ConfigureAwait(false);
                break;
            case DriftCorrected drift:
                await WriteAsync(Invariant($"{Now()} drift corrected: {drift.What}")).ConfigureAwait(false);
                break;
            case DesiredStateRejected rejected:
                await WriteAsync(Invariant(
                    $"{Now()} commit {CommitText.Short(rejected.Commit)} \"{CommitText.Subject(rejected.Message)}\" REJECTED, the last good state stays in force: {(rejected.Errors.Count > 0 ? rejected.Errors[0] : "no details")}{(rejected.Errors.Count > 1 ? $" (+{rejected.Errors.Count - 1} more: gitops status)" : "")}")).ConfigureAwait(false);
                break;
            case ConfigRejected refused:
                await WriteAsync(Invariant($"{Now()} configuration of commit {CommitText.Short(refused.Commit)} refused by haproxy -c: {(refused.Errors.Count > 0 ? refused.Errors[0] : "no details")}")).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// Prints <paramref name="headline"/> with why the version came about (<paramref name="reason"/>, see <see cref="HistoryWording.Reason"/>;
    /// null names the version's commit instead), then the service lines that changed.
    /// </summary>
    private async Task ShowServicesAsync(string headline, long version, string? reason, CancellationToken cancellationToken)
    {
        var described = await ServedServices.DescribeAsync(store, host, version, bindAddress, cancellationToken).ConfigureAwait(false);
        if (described is not { } served)
        {
            await WriteAsync(Invariant($"{headline}: {reason ?? $"v{version}"}")).ConfigureAwait(false);
            shown ??= new Dictionary<string, string>();
            return;
        }

        var what = shown is null ? Invariant($"v{version} of commit") : "commit";
        var lines = new List<string> { $"{headline}: {reason ?? $"{what} {CommitText.Short(served.Config.Commit)} \"{served.Subject}\""}" };
        var previous = shown;
        foreach (var (name, line) in served.Lines)
        {
            if (previous is null || !previous.TryGetValue(name, out var before) || before != line)
            {
                lines.Add("  " + line);
            }
        }

        if (previous is not null)
        {
            lines.AddRange(previous.Keys.Where(name => !served.Lines.ContainsKey(name)).Select(name => $"  {name}: removed"));
        }
        else if (served.Lines.Count == 0)
        {
            lines.Add("  no services yet: add services/<name>.yaml to the repository, or run containers with lb.* labels");
        }

        shown = served.Lines;
        await WriteAsync(string.Join('\n', lines)).ConfigureAwait(false);
    }

    private async Task WriteAsync(string text)
    {
        await output.WriteLineAsync(text).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }

    private string Now() => timeProvider.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
