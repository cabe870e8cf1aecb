using GitOps.Core.Events;
using Marten;
using Npgsql;

namespace GitOps.EventStore.ReadModels;

/// <summary>
/// A read model kept in SQL tables of the store's database, as a Marten projection run inline: its statements
/// go into the transaction that appends the events, as one batch of prepared statements, so it is never behind
/// or ahead of them. <see cref="MartenEventStore.RebuildReadModelAsync"/> rebuilds it from the first event
/// through the same path, page by page in one transaction. It does not run in Marten's projection daemon, whose
/// batches of unprepared statements rebuilt it several times slower.
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

    /// <summary>The transaction of the append in progress on this flow (set by <see cref="MartenEventStore"/>).</summary>
    internal static readonly AsyncLocal<NpgsqlTransaction?> AppendTransaction = new();

    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<JasperFx.Events.IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(events);
        var transaction = AppendTransaction.Value ?? throw new InvalidOperationException(
            $"Read model '{Name}' is applied by the appends of {nameof(MartenEventStore)} and rebuilt by {nameof(MartenEventStore.RebuildReadModelAsync)}, not by Marten's projection daemon.");
        // Straight into the append's transaction, before Marten writes the events (no statement reads them).
        return ApplyAsync(events.Where(e => e.Data is IEvent).Select(ToRecorded), transaction, cancellation);
    }

    /// <summary>Applies <paramref name="events"/> in <paramref name="transaction"/>: their statements as one batch.</summary>
    internal async Task ApplyAsync(IEnumerable<RecordedEvent> events, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var statements = new SqlStatements();
        foreach (var recorded in events)
        {
            Apply(recorded, statements);
        }

        if (statements.Count > 0)
        {
            await statements.ExecuteAsync(transaction, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds the statements that apply <paramref name="recorded"/> to the tables.</summary>
    protected abstract void Apply(RecordedEvent recorded, SqlStatements statements);

    private static RecordedEvent ToRecorded(JasperFx.Events.IEvent stored) => new()
    {
        Stream = stored.StreamKey ?? stored.StreamId.ToString(),
        Version = stored.Version,
        Position = new GlobalPosition(stored.Sequence),
        EventId = stored.Id,
        Type = stored.EventTypeName,
        Data = (IEvent)stored.Data,
        Metadata = EventHeaders.Read(stored),
        Timestamp = stored.Timestamp,
    };
}
