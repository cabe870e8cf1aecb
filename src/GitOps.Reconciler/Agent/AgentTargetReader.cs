using GitOps.Core.Events;
using GitOps.EventStore;

namespace GitOps.Reconciler.Agent;

/// <summary>
/// Decides, from the host's <c>config-&lt;host&gt;</c> stream and the <c>operator</c> stream, which rendered configuration
/// the host should run. Level-triggered: it always reads the current state, so pending intermediate versions are
/// skipped and a restarted agent decides exactly as its predecessor would have.
/// <para>
/// Rollback pinning: the latest <see cref="RollbackRequested"/> for the host pins it to
/// <see cref="RollbackRequested.ToVersion"/> until a <see cref="ConfigRendered"/> stored after the request carries a
/// commit other than the one the host's latest rendered configuration had when the request was made. Re-renderings
/// of the same commit (containers coming and going) therefore do not undo a rollback; a new commit (a fix or a
/// <c>git revert</c>) does. A request naming a version never rendered for the host is ignored.
/// </para>
/// </summary>
internal sealed class AgentTargetReader(MartenEventStore store, string host)
{
    private readonly string configStream = StreamNames.Config(host);

    public async Task<AgentDecision> ReadAsync(CancellationToken cancellationToken)
    {
        var rollback = await LatestRollbackAsync(cancellationToken).ConfigureAwait(false);
        RecordedEvent? latest = null;
        RecordedEvent? rolledBackTo = null;
        RecordedEvent? latestAtRequest = null;
        var newerCommits = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var recorded in store.ReadStreamAsync(configStream, ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is not ConfigRendered config)
            {
                continue;
            }

            latest ??= recorded;
            if (rollback is null)
            {
                break;
            }

            if (recorded.Position > rollback.Position)
            {
                newerCommits.Add(config.Commit);
            }
            else
            {
                latestAtRequest ??= recorded;
            }

            if (config.Version == ((RollbackRequested)rollback.Data).ToVersion)
            {
                rolledBackTo ??= recorded;
            }

            if (rolledBackTo is not null && latestAtRequest is not null)
            {
                break;
            }
        }

        var following = latest is null ? null : new AgentTarget((ConfigRendered)latest.Data, latest.EventId, null);
        if (rollback is null)
        {
            return new AgentDecision(following, null);
        }

        var request = (RollbackRequested)rollback.Data;
        var pinnedCommit = (latestAtRequest?.Data as ConfigRendered)?.Commit;
        var released = newerCommits.Any(commit => !string.Equals(commit, pinnedCommit, StringComparison.Ordinal));
        if (released)
        {
            return new AgentDecision(following, null);
        }

        return rolledBackTo is null
            ? new AgentDecision(following, (request, rollback.EventId))
            : new AgentDecision(new AgentTarget((ConfigRendered)rolledBackTo.Data, rolledBackTo.EventId, rollback.EventId), null);
    }

    private async Task<RecordedEvent?> LatestRollbackAsync(CancellationToken cancellationToken)
    {
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Operator, ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is RollbackRequested request && string.Equals(request.Host, host, StringComparison.Ordinal))
            {
                return recorded;
            }
        }

        return null;
    }
}
