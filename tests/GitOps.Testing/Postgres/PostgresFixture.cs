using Npgsql;
using Xunit;

namespace GitOps.Testing.Postgres;

/// <summary>
/// A fresh, empty database per test class (use as <c>IClassFixture&lt;PostgresFixture&gt;</c>) in the
/// test process's shared <see cref="PostgresCluster"/>; the database is dropped when the class is done.
/// </summary>
public class PostgresFixture : IAsyncLifetime
{
    private readonly bool ownsCluster;
    private PostgresCluster? cluster;
    private string? connectionString;

    /// <summary>A database in the shared cluster of this test process.</summary>
    public PostgresFixture()
        : this(ownsCluster: false)
    {
    }

    /// <summary>With <paramref name="ownsCluster"/>, the database lives in a cluster started for this fixture alone and deleted with it.</summary>
    protected PostgresFixture(bool ownsCluster)
    {
        this.ownsCluster = ownsCluster;
    }

    /// <summary>The unique name of this fixture's database.</summary>
    public string DatabaseName { get; } = "test_" + Guid.NewGuid().ToString("N");

    /// <summary>The cluster holding the database.</summary>
    public PostgresCluster Cluster => cluster ?? throw NotInitialized();

    /// <summary>An Npgsql connection string to this fixture's database, as the superuser.</summary>
    public string ConnectionString => connectionString ?? throw NotInitialized();

    /// <summary>Opens a new connection to this fixture's database; the caller disposes it.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task InitializeAsync()
    {
        if (ownsCluster)
        {
            var owned = await PostgresCluster.StartNewAsync(CancellationToken.None).ConfigureAwait(false);
            // Disposed in DisposeAsync; should that never run, the cluster stops itself at process exit.
            cluster = owned;
        }
        else
        {
            cluster = await PostgresCluster.SharedAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await ExecuteAdminAsync($"CREATE DATABASE \"{DatabaseName}\"", CancellationToken.None).ConfigureAwait(false);
        connectionString = cluster.ConnectionStringFor(DatabaseName);
    }

    public async Task DisposeAsync()
    {
        if (cluster is null)
        {
            return;
        }

        if (connectionString is not null)
        {
            using var pooled = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(pooled);
        }

        if (ownsCluster)
        {
            // The whole cluster goes, database included, whatever state the test left the server in.
            await cluster.DisposeAsync().ConfigureAwait(false);
        }
        else if (connectionString is not null)
        {
            await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static InvalidOperationException NotInitialized() =>
        new("PostgresFixture is not initialized; use it as IClassFixture<PostgresFixture> or call InitializeAsync first.");

    private async Task ExecuteAdminAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(Cluster.AdminConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
