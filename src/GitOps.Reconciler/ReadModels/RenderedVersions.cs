using GitOps.Core.Events;
using GitOps.EventStore;

namespace GitOps.Reconciler.ReadModels;

/// <summary>The configurations rendered for a host, read from its <c>config-&lt;host&gt;</c> stream.</summary>
public static class RenderedVersions
{
    /// <summary>Version <paramref name="version"/> of <paramref name="host"/>'s configuration; null when there is none.</summary>
    public static async Task<ConfigRendered?> FindAsync(MartenEventStore store, string host, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Config(host), ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is ConfigRendered rendered && rendered.Version <= version)
            {
                return rendered.Version == version ? rendered : null;
            }
        }

        return null;
    }

    /// <summary>The newest version rendered for <paramref name="host"/>; 0 when none was.</summary>
    public static async Task<long> NewestAsync(MartenEventStore store, string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Config(host), ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is ConfigRendered rendered)
            {
                return rendered.Version;
            }
        }

        return 0;
    }
}
