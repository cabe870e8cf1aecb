using GitOps.EventStore.Errors;
using GitOps.EventStore.Legacy;
using GitOps.EventStore.ReadModels;
using JasperFx;
using Npgsql;

namespace GitOps.EventStore;

/// <summary>
/// Brings the database to what this build expects, at start-up: Marten's tables, the read models' tables,
/// and, once, the import of a store written by gitops before Marten. Several processes may start at once: a
/// session advisory lock makes them take turns. <c>gitops.schema_version</c> records the store's format:
/// 1 was the hand-written <c>gitops.events</c> table, <see cref="Format"/> is Marten.
/// </summary>
internal sealed class StoreSchema(MartenEventStore store, IReadOnlyList<SqlReadModel> readModels)
{
    /// <summary>The store format this build writes.</summary>
    public const int Format = 2;

    /// <summary>Arbitrary but fixed: the advisory lock key every gitops process sets the schema up under ("gitops" in ASCII).</summary>
    private const long LockKey = 0x6769746F7073;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.Retry.ExecuteAsync("schema set-up", EnsureOnceAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (IsRefusedConfiguration(ex))
        {
            throw new EventStoreConfigurationException($"The event store database refused the connection: {ErrorText.OneLine(ex)}", ex);
        }
    }

    private static bool IsRefusedConfiguration(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.InvalidPassword
            or PostgresErrorCodes.InvalidAuthorizationSpecification
            or PostgresErrorCodes.InvalidCatalogName
            or PostgresErrorCodes.InsufficientPrivilege;

    private async Task<int> EnsureOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(
                connection,
                $"""
                CREATE SCHEMA IF NOT EXISTS {MartenEventStore.SchemaName};
                CREATE TABLE IF NOT EXISTS {MartenEventStore.SchemaName}.schema_version (
                    version     integer PRIMARY KEY,
                    description text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                );
                """,
                cancellationToken).ConfigureAwait(false);
            var current = await CurrentVersionAsync(connection, cancellationToken).ConfigureAwait(false);
            if (current > Format)
            {
                throw new EventStoreSchemaException(current, Format);
            }

            await store.Documents.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate).ConfigureAwait(false);
            foreach (var readModel in readModels)
            {
                await ExecuteAsync(connection, readModel.SchemaSql, cancellationToken).ConfigureAwait(false);
            }

            if (current < Format)
            {
                if (current == 1)
                {
                    await new LegacyImport(store, readModels).RunAsync(connection, cancellationToken).ConfigureAwait(false);
                }

                await ExecuteAsync(
                    connection,
                    $"INSERT INTO {MartenEventStore.SchemaName}.schema_version (version, description) VALUES ({Format}, 'events in Marten') ON CONFLICT DO NOTHING",
                    cancellationToken).ConfigureAwait(false);
            }

            return current;
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

    /// <summary>The store's format, 0 for an empty database.</summary>
    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {MartenEventStore.SchemaName}.schema_version", connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
