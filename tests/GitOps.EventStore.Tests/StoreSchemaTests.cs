using GitOps.EventStore.Errors;
using GitOps.EventStore.Tests.Support;
using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests;

public sealed class StoreSchemaTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task OpenAsync_SixStoresAtOnceOnEmptyDatabase_AllSucceedAndSetUpOnce()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var connectionString = await TestStore.CreateDatabaseAsync(database, cts.Token);
        var model = new StreamCountsReadModel("public.counts_concurrent");

        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => MartenEventStore.OpenAsync(TestStore.Options(connectionString, model), cancellationToken: cts.Token), cts.Token)));
        try
        {
            // Every store works on the schema the others set up, read model included.
            for (var i = 0; i < stores.Length; i++)
            {
                await stores[i].AppendAsync("shared", ExpectedVersion.Exact(i), TestStore.Numbered("by store " + i), cts.Token);
            }

            var events = await TestStore.ReadEverythingAsync(stores[^1], cts.Token);
            Assert.Equal(Enumerable.Range(0, 6).Select(i => "by store " + i), events.Select(TestStore.Label));
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cts.Token);
            Assert.Equal([new StreamCount("shared", 6, events[^1].Position, 6, "by store 5")], await model.ReadAsync(connection, cts.Token));
            await using var versions = new NpgsqlCommand("SELECT array_agg(version ORDER BY version) FROM gitops.schema_version", connection);
            var applied = (int[])(await versions.ExecuteScalarAsync(cts.Token))!;
            Assert.Equal([StoreSchema.Format], applied);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
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

        Assert.Equal((99, 2), (ex.DatabaseVersion, ex.SupportedVersion));
        Assert.Equal("The event store schema is at version 99, newer than the version 2 this gitops supports; upgrade gitops.", ex.Message);
    }

    [Fact]
    public async Task OpenAsync_AlreadySetUp_KeepsEventsAndCheckpoints()
    {
        using var cts = new CancellationTokenSource(Timeout);
        GlobalPosition appended;
        await using (var first = await TestStore.OpenAsync(database, cts.Token))
        {
            await first.AppendAsync("kept", ExpectedVersion.NoStream, TestStore.Numbered("a"), cts.Token);
            appended = (await TestStore.ReadEverythingAsync(first, cts.Token)).Single(e => e.Stream == "kept").Position;
            await first.SaveCheckpointAsync("kept-checkpoint", appended, cts.Token);
        }

        await using var second = await TestStore.OpenAsync(database, cts.Token);

        Assert.Equal(1, await second.StreamVersionAsync("kept", cts.Token));
        Assert.Equal(appended, await second.ReadCheckpointAsync("kept-checkpoint", cts.Token));
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

        Assert.StartsWith($"The event store database at 127.0.0.1:{port} is unavailable (schema set-up failed 3 times): ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
