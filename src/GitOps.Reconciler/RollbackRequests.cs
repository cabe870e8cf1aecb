using GitOps.Core.Events;
using GitOps.EventStore;

namespace GitOps.Reconciler;

/// <summary>Records an operator's rollback, the one way <c>gitops rollback</c> and the dashboard do it.</summary>
public static class RollbackRequests
{
    /// <summary>
    /// Appends RollbackRequested for <paramref name="target"/>'s host and version to the operator stream, with
    /// <paramref name="actor"/> as who asked and the target's commit; the host's agent applies it. Returns the request's id.
    /// </summary>
    public static async Task<Guid> RecordAsync(MartenEventStore store, ConfigRendered target, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var request = new NewEvent(new RollbackRequested { Host = target.Host, ToVersion = target.Version, Actor = actor }) { Actor = actor, Commit = target.Commit };
        await store.AppendAsync(StreamNames.Operator, ExpectedVersion.Any, request, cancellationToken).ConfigureAwait(false);
        return request.EventId;
    }
}
