using Npgsql;

namespace GitOps.EventStore.Projections;

/// <summary>
/// A read model kept in the store's database and fed by <see cref="ProjectionRunner"/>. Each batch is
/// applied in the transaction that also moves the projection's checkpoint, so the read model and the
/// checkpoint never disagree, whatever fails when.
/// </summary>
public interface IProjection
{
    /// <summary>Unique, stable name: the key of the checkpoint.</summary>
    string Name { get; }

    /// <summary>Creates the read model's tables if absent; must be idempotent.</summary>
    Task SetupAsync(NpgsqlConnection connection, CancellationToken cancellationToken);

    /// <summary>Empties the read model, for a rebuild from the first event.</summary>
    Task ResetAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="events"/> (store-wide order, possibly including <see cref="UnknownEvent"/>s
    /// to skip) inside <paramref name="transaction"/>; throwing rolls the batch back and it is retried.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<RecordedEvent> events, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
