using Npgsql;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// Leadership among controllers sharing a store: a PostgreSQL session advisory lock held on a dedicated,
/// unpooled connection. The lock goes when the connection does (process killed, network lost, server
/// restarted), so another controller can take it; the server is asked to probe an idle client so a dead
/// host's connection is noticed within seconds rather than the kernel's hours.
/// </summary>
internal sealed class LeaderLock : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly string lockName;

    private LeaderLock(NpgsqlConnection connection, string lockName)
    {
        this.connection = connection;
        this.lockName = lockName;
    }

    /// <summary>Tries once to take the lock; null when another session holds it.</summary>
    public static async Task<LeaderLock?> TryAcquireAsync(string connectionString, string lockName, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // A pooled connection returned to the pool would keep the session lock after "release".
            Pooling = false,
            KeepAlive = 2,
            ApplicationName = "gitops controller leader lock",
        };
        NpgsqlConnection? connection = null;
        try
        {
            connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var keepalive = new NpgsqlCommand("SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 2", connection))
            {
                await keepalive.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
            command.Parameters.Add(new() { Value = lockName });
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                var held = new LeaderLock(connection, lockName);
                connection = null;
                return held;
            }

            return null;
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Whether this session still holds the lock: false once the connection broke or the lock is gone.</summary>
    public async Task<bool> IsHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                connection);
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
            return false;
        }
    }

    public override string ToString() => lockName;

    /// <summary>Closes the connection, which releases the lock.</summary>
    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
