using GitOps.EventStore;
using Npgsql;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// The position of the last input the leader has handled, in the store's checkpoint table: a new leader
/// treats inputs up to it as done and renders only those after it, so no cause is rendered twice.
/// </summary>
internal sealed class ControllerCheckpoint(MartenEventStore store, string lockName)
{
    private readonly string name = "controller:" + lockName;

    public async Task<GlobalPosition> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT transaction_id, position FROM gitops.checkpoints WHERE name = $1", connection);
        command.Parameters.Add(new() { Value = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new GlobalPosition(reader.GetInt64(0), reader.GetInt64(1))
            : GlobalPosition.Start;
    }

    /// <summary>Moves the checkpoint forward to <paramref name="position"/> (never back, whoever writes).</summary>
    public async Task SaveAsync(GlobalPosition position, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO gitops.checkpoints AS c (name, transaction_id, position, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id, position = excluded.position, updated_at = excluded.updated_at
            WHERE (c.transaction_id, c.position) < (excluded.transaction_id, excluded.position)
            """,
            connection);
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = position.TransactionId });
        command.Parameters.Add(new() { Value = position.Position });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
