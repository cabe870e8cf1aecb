using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Fixtures;

public sealed class PostgresFixtureTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task OpenConnectionAsync_CreateInsertSelect_ReturnsInsertedRow()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var connection = await database.OpenConnectionAsync(cts.Token);
        await ExecuteAsync(connection, "CREATE TABLE greeting (id int PRIMARY KEY, text text NOT NULL)", cts.Token);
        await ExecuteAsync(connection, "INSERT INTO greeting VALUES (1, 'hello'), (2, 'world')", cts.Token);

        await using var select = new NpgsqlCommand("SELECT string_agg(text, ' ' ORDER BY id), current_database() FROM greeting", connection);
        await using var reader = await select.ExecuteReaderAsync(cts.Token);
        Assert.True(await reader.ReadAsync(cts.Token));
        Assert.Equal("hello world", reader.GetString(0));
        Assert.Equal(database.DatabaseName, reader.GetString(1));
    }

    [Fact]
    public async Task InitializeAsync_SecondFixture_GetsSeparateDatabaseDroppedOnDispose()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using (var connection = await database.OpenConnectionAsync(cts.Token))
        {
            await ExecuteAsync(connection, "CREATE TABLE only_in_first (id int)", cts.Token);
        }

        var other = new PostgresFixture();
        await other.InitializeAsync();
        try
        {
            Assert.NotEqual(database.DatabaseName, other.DatabaseName);
            Assert.Same(database.Cluster, other.Cluster);
            await using var connection = await other.OpenConnectionAsync(cts.Token);
            Assert.Equal(other.DatabaseName, await ScalarAsync<string>(connection, "SELECT current_database()", cts.Token));
            Assert.False(await ScalarAsync<bool>(connection, "SELECT to_regclass('only_in_first') IS NOT NULL", cts.Token));
        }
        finally
        {
            await other.DisposeAsync();
        }

        await using var admin = new NpgsqlConnection(database.Cluster.AdminConnectionString);
        await admin.OpenAsync(cts.Token);
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = other.DatabaseName } } };
        Assert.Equal(0L, await exists.ExecuteScalarAsync(cts.Token));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
