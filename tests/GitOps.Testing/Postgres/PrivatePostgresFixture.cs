namespace GitOps.Testing.Postgres;

/// <summary>
/// A <see cref="PostgresFixture"/> whose database lives in a cluster of its own, so the test class may
/// stop and restart the server without disturbing other test classes.
/// </summary>
public sealed class PrivatePostgresFixture : PostgresFixture
{
    public PrivatePostgresFixture()
        : base(ownsCluster: true)
    {
    }

    /// <summary>
    /// Stops the server immediately and starts it again on the same port and data directory; open
    /// and pooled connections are broken, the database and its committed data survive.
    /// </summary>
    public Task RestartClusterAsync(CancellationToken cancellationToken) => Cluster.RestartAsync(cancellationToken);

    /// <summary>Stops the server (a database outage, as clients see it) until <see cref="StartClusterAsync"/>.</summary>
    public Task StopClusterAsync(CancellationToken cancellationToken) => Cluster.StopAsync(cancellationToken);

    /// <summary>Starts the server stopped by <see cref="StopClusterAsync"/> again on the same port.</summary>
    public Task StartClusterAsync(CancellationToken cancellationToken) => Cluster.StartAsync(cancellationToken);
}
