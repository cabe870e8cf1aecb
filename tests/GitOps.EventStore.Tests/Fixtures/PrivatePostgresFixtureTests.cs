using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Fixtures;

public sealed class PrivatePostgresFixtureTests(PrivatePostgresFixture database) : IClassFixture<PrivatePostgresFixture>
{
    [Fact]
    public async Task RestartClusterAsync_CommittedRow_SurvivesOnSamePortAndOldConnectionBreaks()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var port = database.Cluster.Port;
        await using var before = await database.OpenConnectionAsync(cts.Token);
        await using (var create = new NpgsqlCommand("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survived')", before))
        {
            await create.ExecuteNonQueryAsync(cts.Token);
        }

        await database.RestartClusterAsync(cts.Token);

        await using (var stale = new NpgsqlCommand("SELECT 1", before))
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => stale.ExecuteScalarAsync(cts.Token));
        }

        Assert.Equal(port, database.Cluster.Port);
        await using var after = new NpgsqlConnection(database.Cluster.ConnectionStringFor(database.DatabaseName, pooling: false));
        await after.OpenAsync(cts.Token);
        await using var select = new NpgsqlCommand("SELECT v FROM kept", after);
        Assert.Equal("survived", await select.ExecuteScalarAsync(cts.Token));
    }
}
