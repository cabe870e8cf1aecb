using GitOps.EventStore.Errors;
using GitOps.EventStore.Schema;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Schema;

public sealed class SchemaMigratorTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task MigrateAsync_SixConnectionsAtOnce_AppliesEachMigrationOnce()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var connectionString = await TestStore.CreateDatabaseAsync(database, cts.Token);
        // The extra migration fails if it runs twice: CREATE TABLE without IF NOT EXISTS.
        Migration[] migrations = [.. Migrations.All, new(Migrations.Latest + 1, "test table", "CREATE TABLE gitops.migrated_once (id int); INSERT INTO gitops.migrated_once VALUES (1);")];

        var applied = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(
            async () =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cts.Token);
                return await new SchemaMigrator(migrations, NullLogger.Instance).MigrateAsync(connection, cts.Token);
            },
            cts.Token)));

        Assert.Equal(migrations.Length, applied.Sum());
        await using var check = new NpgsqlConnection(connectionString);
        await check.OpenAsync(cts.Token);
        await using var versions = new NpgsqlCommand("SELECT array_agg(version ORDER BY version) FROM gitops.schema_version", check);
        Assert.Equal(migrations.Select(m => m.Version), (int[])(await versions.ExecuteScalarAsync(cts.Token))!);
        await using var rows = new NpgsqlCommand("SELECT count(*) FROM gitops.migrated_once", check);
        Assert.Equal(1L, await rows.ExecuteScalarAsync(cts.Token));
    }

    [Fact]
    public async Task OpenAsync_SchemaFromNewerVersion_ThrowsSchemaExceptionWithOneLine()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var connectionString = await TestStore.CreateDatabaseAsync(database, cts.Token);
        await (await MartenEventStore.OpenAsync(TestStore.Options(connectionString), cancellationToken: cts.Token)).DisposeAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cts.Token);
            await using var newer = new NpgsqlCommand("INSERT INTO gitops.schema_version (version, description) VALUES (99, 'from the future')", connection);
            await newer.ExecuteNonQueryAsync(cts.Token);
        }

        var ex = await Assert.ThrowsAsync<EventStoreSchemaException>(() => MartenEventStore.OpenAsync(TestStore.Options(connectionString), cancellationToken: cts.Token));

        Assert.Equal((99, Migrations.Latest), (ex.DatabaseVersion, ex.SupportedVersion));
        Assert.Equal($"The event store schema is at version 99, newer than the version {Migrations.Latest} this gitops supports; upgrade gitops.", ex.Message);
    }

    [Fact]
    public async Task OpenAsync_AlreadyMigrated_AppliesNothingAndKeepsEvents()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using (var first = await TestStore.OpenAsync(database, cts.Token))
        {
            await first.AppendAsync("kept", ExpectedVersion.Any, TestStore.Numbered("a"), cts.Token);
        }

        await using var connection = await database.OpenConnectionAsync(cts.Token);
        Assert.Equal(0, await new SchemaMigrator(NullLogger.Instance).MigrateAsync(connection, cts.Token));
        await using var second = await TestStore.OpenAsync(database, cts.Token);
        Assert.True(await second.StreamVersionAsync("kept", cts.Token) >= 1);
    }

    [Fact]
    public async Task OpenAsync_MalformedConnectionString_ThrowsConfigurationException()
    {
        var ex = await Assert.ThrowsAsync<EventStoreConfigurationException>(() => MartenEventStore.OpenAsync(TestStore.Options("Host=127.0.0.1;Colour=blue")));

        Assert.StartsWith("The event store connection string is invalid: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task OpenAsync_UnknownDatabase_ThrowsConfigurationException()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var connectionString = database.Cluster.ConnectionStringFor("no_such_database");

        var ex = await Assert.ThrowsAsync<EventStoreConfigurationException>(() => MartenEventStore.OpenAsync(TestStore.Options(connectionString), cancellationToken: cts.Token));

        Assert.Contains("no_such_database", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task OpenAsync_DatabaseDown_RetriesThenThrowsUnavailable()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var port = GitOps.Testing.Network.LoopbackPorts.GetFree();
        var options = TestStore.Options($"Host=127.0.0.1;Port={port};Username=postgres;Database=gitops;Timeout=2") with { RetryAttempts = 3 };

        var ex = await Assert.ThrowsAsync<EventStoreUnavailableException>(() => MartenEventStore.OpenAsync(options, cancellationToken: cts.Token));

        Assert.StartsWith($"The event store database at 127.0.0.1:{port} is unavailable (schema migration failed 3 times): ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
