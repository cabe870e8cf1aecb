using GitOps.EventStore;
using GitOps.Reconciler.Controller;
using GitOps.Reconciler.ReadModels;
using Microsoft.Extensions.Logging;

namespace GitOps.Reconciler;

/// <summary>
/// Opens the event store the way every gitops process must: with the read models of <c>gitops status</c> and
/// <c>gitops history</c> registered, so that each append, whoever makes it, keeps them current, and the
/// controller's snapshot document.
/// </summary>
public static class ReconcilerStore
{
    /// <summary><paramref name="options"/> with the product's read models.</summary>
    public static EventStoreOptions WithReadModels(EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { ReadModels = [new ControllerReadModel()], DocumentTypes = [typeof(ControllerSnapshot)] };
    }

    /// <summary>Opens the store with the product's read models; see <see cref="MartenEventStore.OpenAsync"/>.</summary>
    public static Task<MartenEventStore> OpenAsync(EventStoreOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        MartenEventStore.OpenAsync(WithReadModels(options), timeProvider: timeProvider, logger: logger, cancellationToken: cancellationToken);
}
