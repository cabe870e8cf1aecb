using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Core.Events;
using GitOps.EventStore;

namespace GitOps.Reconciler;

/// <summary>
/// The desired state in force, as agents and read models see it: the newest <see cref="DesiredStateObserved"/> on the
/// <c>desired</c> stream (the controller stores only commits it accepted), loaded from the files the event carries.
/// </summary>
internal static class DesiredInForce
{
    /// <summary>The newest accepted commit's event; null before the first.</summary>
    public static async Task<DesiredStateObserved?> ReadAsync(MartenEventStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Desired, ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is DesiredStateObserved observed)
            {
                return observed;
            }
        }

        return null;
    }

    /// <summary>The state <paramref name="observed"/> stands for; null when the event carries no files or they do not load.</summary>
    public static DesiredState? Load(DesiredStateObserved observed)
    {
        ArgumentNullException.ThrowIfNull(observed);
        return observed.Files.Count == 0 ? null : DesiredStateLoader.Load(observed.Files).State;
    }
}
