using GitOps.EventStore.Errors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GitOps.EventStore.Schema;

/// <summary>
/// Brings the database to the schema this build knows. Several processes may start at once: a
/// session advisory lock makes them take turns, so each migration is applied exactly once; the
/// <c>gitops.schema_version</c> table records which ones are in.
/// </summary>
internal sealed class SchemaMigrator(IReadOnlyList<Migration> migrations, ILogger logger)
{
    /// <summary>Arbitrary but fixed: the advisory lock key every gitops process migrates under ("gitops" in ASCII).</summary>
    private const long LockKey = 0x6769746F7073;

    public SchemaMigrator(ILogger logger)
        : this(Migrations.All, logger)
    {
    }

    private int Latest => migrations.Count == 0 ? 0 : migrations[^1].Version;

    /// <summary>Applies the missing migrations; returns how many were applied.</summary>
    /// <exception cref="EventStoreSchemaException">The database is at a version newer than this build's.</exception>
    public async Task<int> MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(
                connection,
                $"""
                CREATE SCHEMA IF NOT EXISTS {Migrations.SchemaName};
                CREATE TABLE IF NOT EXISTS {Migrations.SchemaName}.schema_version (
                    version     integer PRIMARY KEY,
                    description text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                );
                """,
                cancellationToken).ConfigureAwait(false);

            var current = await CurrentVersionAsync(connection, cancellationToken).ConfigureAwait(false);
            if (current > Latest)
            {
                throw new EventStoreSchemaException(current, Latest);
            }

            var applied = 0;
            foreach (var migration in migrations.Where(m => m.Version > current))
            {
                await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
                applied++;
            }

            return applied;
        }
        finally
        {
            // A broken connection releases the lock by itself; only unlock on a live one.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The highest applied migration, 0 for an empty database.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {Migrations.SchemaName}.schema_version", connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var record = new NpgsqlCommand($"INSERT INTO {Migrations.SchemaName}.schema_version (version, description) VALUES ($1, $2)", connection, transaction))
        {
            record.Parameters.Add(new() { Value = migration.Version });
            record.Parameters.Add(new() { Value = migration.Description });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        EventStoreLog.MigrationApplied(logger, migration.Version, migration.Description);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
