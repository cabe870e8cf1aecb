using GitOps.Core.Events;
using Marten;

namespace GitOps.EventStore.ReadModels;

/// <summary>
/// A read model kept in SQL tables of the store's database, as a Marten projection run inline: its
/// statements go into the transaction that appends the events, so it is never behind or ahead of them.
/// In an append they run as one prepared batch on the append's transaction; in a rebuild by Marten's
/// daemon they are queued as Marten operations of the daemon's batch.
/// Marten's projection daemon rebuilds it from the first event (<see cref="MartenEventStore.RebuildReadModelAsync"/>).
/// Register it in <see cref="EventStoreOptions.ReadModels"/> of every process that appends.
/// </summary>
public abstract class SqlReadModel : Marten.Events.Projections.IProjection
{
    /// <summary>Unique, stable name: Marten's projection name.</summary>
    public abstract string Name { get; }

    /// <summary>Creates the tables if absent, run at start-up; must be idempotent.</summary>
    public abstract string SchemaSql { get; }

    /// <summary>Empties the tables, before a rebuild from the first event.</summary>
    public abstract string ResetSql { get; }

    /// <summary>The transaction of the append in progress on this flow (set by <see cref="MartenEventStore"/>); null in Marten's daemon.</summary>
    internal static readonly AsyncLocal<Npgsql.NpgsqlTransaction?> AppendTransaction = new();

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<JasperFx.Events.IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(events);
        var statements = new SqlStatements();
        foreach (var stored in events)
        {
            if (stored.Data is IEvent data)
            {
                Apply(ToRecorded(stored, data), statements);
            }
        }

        if (statements.Count == 0)
        {
            return;
        }

        if (AppendTransaction.Value is { } transaction)
        {
            // Inline, in our own append: straight into its transaction, before Marten writes the events (no statement reads them).
            await statements.ExecuteAsync(transaction, cancellation).ConfigureAwait(false);
            return;
        }

        foreach (var statement in statements.All)
        {
            operations.QueueOperation(statement);
        }
    }

    /// <summary>Adds the statements that apply <paramref name="recorded"/> to the tables.</summary>
    protected abstract void Apply(RecordedEvent recorded, SqlStatements statements);

    private static RecordedEvent ToRecorded(JasperFx.Events.IEvent stored, IEvent data) => new()
    {
        Stream = stored.StreamKey ?? stored.StreamId.ToString(),
        Version = stored.Version,
        Position = new GlobalPosition(stored.Sequence),
        EventId = stored.Id,
        Type = stored.EventTypeName,
        Data = data,
        Metadata = EventHeaders.Read(stored),
        Timestamp = stored.Timestamp,
    };
}
