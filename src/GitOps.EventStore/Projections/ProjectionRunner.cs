using GitOps.EventStore.Errors;
using Npgsql;

namespace GitOps.EventStore.Projections;

/// <summary>
/// Feeds one <see cref="IProjection"/> from the store: catch up, follow live, or rebuild from zero.
/// Its checkpoint (a <see cref="GlobalPosition"/> in <c>gitops.checkpoints</c>) moves in the same
/// transaction as the read model, and a transaction-scoped advisory lock keeps two runners of the
/// same projection from applying the same batch twice.
/// </summary>
public sealed class ProjectionRunner(PostgresEventStore store, IProjection projection)
{
    private bool setUp;

    /// <summary>The position of the last event the read model includes (<see cref="GlobalPosition.Start"/>: none).</summary>
    public Task<GlobalPosition> CheckpointAsync(CancellationToken cancellationToken) =>
        store.Retry.ExecuteAsync(
            "read checkpoint",
            async ct =>
            {
                await using var connection = await store.OpenConnectionAsync(ct).ConfigureAwait(false);
                return await ReadCheckpointAsync(connection, null, ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>How long <see cref="CatchUpAsync"/> waits for events another transaction's snapshot still hides.</summary>
    public TimeSpan CatchUpPatience { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Applies every event committed before the call; returns the checkpoint reached. Events committed
    /// while some older transaction is still running stay hidden from readers until it ends (that is
    /// what keeps late commits from being skipped), so this waits for them up to
    /// <see cref="CatchUpPatience"/> and then returns what it could apply.
    /// </summary>
    public async Task<GlobalPosition> CatchUpAsync(CancellationToken cancellationToken)
    {
        await EnsureSetUpAsync(cancellationToken).ConfigureAwait(false);
        var head = await store.HeadAsync(cancellationToken).ConfigureAwait(false);
        var started = store.TimeProvider.GetTimestamp();
        while (true)
        {
            while (await store.Retry.ExecuteAsync("project", StepAsync, cancellationToken).ConfigureAwait(false) > 0)
            {
            }

            var checkpoint = await CheckpointAsync(cancellationToken).ConfigureAwait(false);
            if (checkpoint >= head || store.TimeProvider.GetElapsedTime(started) > CatchUpPatience)
            {
                return checkpoint;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), store.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Empties the read model and its checkpoint in one transaction, then catches up from the first event.</summary>
    public async Task<GlobalPosition> RebuildAsync(CancellationToken cancellationToken)
    {
        await EnsureSetUpAsync(cancellationToken).ConfigureAwait(false);
        await store.Retry.ExecuteAsync(
            "reset projection",
            async ct =>
            {
                await using var connection = await store.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await LockAsync(transaction, ct).ConfigureAwait(false);
                await projection.ResetAsync(transaction, ct).ConfigureAwait(false);
                await using (var delete = new NpgsqlCommand("DELETE FROM gitops.checkpoints WHERE name = $1", connection, transaction))
                {
                    delete.Parameters.Add(new() { Value = projection.Name });
                    await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        EventStoreLog.ProjectionReset(store.Logger, projection.Name);
        return await CatchUpAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Catches up, then applies new events as they commit, until cancelled. Survives outages and failing batches (retried, never skipped).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var wakeup = store.StartWakeup();
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int applied;
            try
            {
                await EnsureSetUpAsync(cancellationToken).ConfigureAwait(false);
                applied = await StepAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A background loop never dies of one bad batch: it is logged and retried, and never skipped.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures++;
                var delayMs = (long)store.Retry.DelayFor(failures).TotalMilliseconds;
                if (StoreOutage.Is(ex))
                {
                    // The database is away: routine, one line; a failing batch gets its stack trace.
                    EventStoreLog.ProjectionWaiting(store.Logger, projection.Name, delayMs, StoreOutage.Describe(ex));
                }
                else
                {
                    EventStoreLog.ProjectionFailed(store.Logger, ex, projection.Name, delayMs);
                }

                await store.Retry.DelayAsync(failures, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (applied < store.Options.PageSize)
            {
                await wakeup.WaitAsync(store.Options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task EnsureSetUpAsync(CancellationToken cancellationToken)
    {
        if (setUp)
        {
            return;
        }

        await store.Retry.ExecuteAsync(
            "set up projection",
            async ct =>
            {
                await using var connection = await store.OpenConnectionAsync(ct).ConfigureAwait(false);
                await projection.SetupAsync(connection, ct).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        setUp = true;
    }

    /// <summary>Applies the next page after the checkpoint in one transaction; returns how many events it held.</summary>
    private async Task<int> StepAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(transaction, cancellationToken).ConfigureAwait(false);
        var checkpoint = await ReadCheckpointAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        // Read before this transaction writes anything, so it has no transaction id of its own yet
        // that could hold the read horizon back.
        var page = await store.ReadPageAsync(connection, transaction, checkpoint, store.Options.PageSize, cancellationToken).ConfigureAwait(false);
        if (page.Count == 0)
        {
            return 0;
        }

        await projection.ApplyAsync(page, transaction, cancellationToken).ConfigureAwait(false);
        await using (var save = new NpgsqlCommand(
            """
            INSERT INTO gitops.checkpoints (name, transaction_id, position, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id, position = excluded.position, updated_at = excluded.updated_at
            """,
            connection,
            transaction))
        {
            save.Parameters.Add(new() { Value = projection.Name });
            save.Parameters.Add(new() { Value = page[^1].Position.TransactionId });
            save.Parameters.Add(new() { Value = page[^1].Position.Position });
            await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return page.Count;
    }

    private async Task LockAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('gitops.projection:' || $1, 0))", transaction.Connection, transaction);
        command.Parameters.Add(new() { Value = projection.Name });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<GlobalPosition> ReadCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT transaction_id, position FROM gitops.checkpoints WHERE name = $1", connection, transaction);
        command.Parameters.Add(new() { Value = projection.Name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new GlobalPosition(reader.GetInt64(0), reader.GetInt64(1))
            : GlobalPosition.Start;
    }
}
