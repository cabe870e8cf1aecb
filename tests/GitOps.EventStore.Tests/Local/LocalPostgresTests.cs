using System.Globalization;
using GitOps.EventStore.Local;
using GitOps.EventStore.Tests.Support;
using Npgsql;
using Xunit;

namespace GitOps.EventStore.Tests.Local;

public sealed class LocalPostgresTests : IAsyncLifetime
{
    // Under root the server runs as postgres, which must be able to enter the directory.
    private readonly string dataDirectory = Path.Combine(Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath(), "gitops-up-" + Guid.NewGuid().ToString("N")[..12]);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var cluster = Path.Combine(dataDirectory, "postgres", "data");
        if (File.Exists(Path.Combine(cluster, "postmaster.pid")))
        {
            await PostgresTools.Find().RunAsync("pg_ctl", PostgresTools.StopArguments(cluster, PostgresStopMode.Immediate), TimeSpan.FromMinutes(1), CancellationToken.None);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task StartAsync_InitStartReuseStopRestart_KeepsData()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        int firstPort;
        await using (var first = await LocalPostgres.StartAsync(dataDirectory, cancellationToken: cts.Token))
        {
            Assert.False(first.Reused);
            Assert.True(File.Exists(Path.Combine(dataDirectory, "postgres", "data", "PG_VERSION")));
            Assert.True(File.Exists(Path.Combine(dataDirectory, "postgres", $".s.PGSQL.{first.Port}")), "the unix socket lives in the data directory");
            firstPort = first.Port;
            await using (var store = await MartenEventStore.OpenAsync(TestStore.Options(first.ConnectionString), cancellationToken: cts.Token))
            {
                await store.AppendAsync("kept", ExpectedVersion.NoStream, TestStore.Numbered("before restart"), cts.Token);
            }

            // A second `gitops up` on the same directory attaches to the running server and leaves it running.
            await using (var second = await LocalPostgres.StartAsync(dataDirectory, cancellationToken: cts.Token))
            {
                Assert.True(second.Reused);
                Assert.Equal(first.Port, second.Port);
            }

            Assert.Equal("before restart", await ReadLabelAsync(first.TcpConnectionString, cts.Token));
        }

        Assert.False(await PostgresTools.Find().IsRunningAsync(Path.Combine(dataDirectory, "postgres", "data"), cts.Token), "disposing the starter stops the server");

        await using var restarted = await LocalPostgres.StartAsync(dataDirectory, cancellationToken: cts.Token);
        Assert.False(restarted.Reused);
        Assert.Equal("before restart", await ReadLabelAsync(restarted.ConnectionString, cts.Token));
        Assert.True(firstPort > 0);
    }

    [Fact]
    public async Task StartAsync_StalePidFile_StartsServer()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var pidFile = Path.Combine(dataDirectory, "postgres", "data", "postmaster.pid");
        string[] lines;
        await using (var first = await LocalPostgres.StartAsync(dataDirectory, cancellationToken: cts.Token))
        {
            lines = await File.ReadAllLinesAsync(pidFile, cts.Token);
        }

        // What a killed server leaves behind: its pid file, naming a process that is gone.
        lines[0] = DeadPid().ToString(CultureInfo.InvariantCulture);
        await File.WriteAllLinesAsync(pidFile, lines, cts.Token);
        await PostgresTools.GiveToServiceUserAsync(Path.Combine(dataDirectory, "postgres"), cts.Token);

        await using var server = await LocalPostgres.StartAsync(dataDirectory, cancellationToken: cts.Token);

        Assert.False(server.Reused);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(cts.Token);
        Assert.Equal(LocalPostgres.DatabaseName, connection.Database);
    }

    private static async Task<string> ReadLabelAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var store = await MartenEventStore.OpenAsync(TestStore.Options(connectionString), cancellationToken: cancellationToken);
        var events = await TestStore.ToListAsync(store.ReadStreamAsync("kept", cancellationToken: cancellationToken), cancellationToken);
        return TestStore.Label(Assert.Single(events));
    }

    private static int DeadPid()
    {
        for (var pid = 4_000_000; ; pid--)
        {
            if (!Directory.Exists($"/proc/{pid}"))
            {
                return pid;
            }
        }
    }
}
