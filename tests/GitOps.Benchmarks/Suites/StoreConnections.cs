using GitOps.Testing.Postgres;
using Npgsql;

namespace GitOps.Benchmarks.Suites;

/// <summary>The server connections gitops processes hold, as <c>pg_stat_activity</c> shows them.</summary>
internal static class StoreConnections
{
    /// <summary>
    /// How long processes are left alone before their connections at rest are counted: past a store's idle lifetime of
    /// pooled connections (15 s) and its pruning interval (5 s), so only what they keep open is left.
    /// </summary>
    public static readonly TimeSpan Rest = TimeSpan.FromSeconds(25);

    /// <summary>
    /// The server connections to <paramref name="database"/> whose <c>application_name</c> is like
    /// <paramref name="applicationName"/> (SQL LIKE: <c>gitops agent@%</c> for every agent).
    /// </summary>
    public static async Task<long> CountAsync(PostgresCluster cluster, string database, string applicationName, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE $2", connection)
        {
            Parameters = { new() { Value = database }, new() { Value = applicationName } },
        };
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The server's <c>max_connections</c>.</summary>
    public static async Task<long> MaxAsync(PostgresCluster cluster, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var show = new NpgsqlCommand("SELECT setting::bigint FROM pg_settings WHERE name = 'max_connections'", connection);
        return (long)(await show.ExecuteScalarAsync(cancellationToken))!;
    }
}
