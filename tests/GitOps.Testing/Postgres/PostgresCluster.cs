using GitOps.EventStore.Local;
using Npgsql;

namespace GitOps.Testing.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp directory, listening on 127.0.0.1 at a free port with
/// trust authentication and durability switched off for speed. <see cref="SharedAsync"/> gives the one
/// cluster of this test process (started lazily, stopped and deleted at process exit, by a ProcessExit
/// handler and, because the test runner may kill its host before that handler finishes, by a detached
/// watcher shell that waits for this process to end);
/// <see cref="StartNewAsync(CancellationToken)"/> gives a private one the caller disposes.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The superuser initdb creates; trust authentication lets it in without a password.</summary>
    public const string Superuser = "postgres";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<Task<PostgresCluster>> Shared = new(() => StartNewAsync(CancellationToken.None));

    private readonly PostgresTools tools;
    private readonly SemaphoreSlim lifecycle = new(1, 1);
    private readonly IDisposable exitHook;
    private int deleted;

    private PostgresCluster(PostgresTools tools, string rootDirectory)
    {
        this.tools = tools;
        RootDirectory = rootDirectory;
        exitHook = ProcessExitHooks.Register($"PostgreSQL cluster in {rootDirectory}", StopAndDelete);
    }

    /// <summary>Always 127.0.0.1: tests talk to the cluster over loopback TCP.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The TCP port, fixed for the life of the cluster (also across <see cref="RestartAsync"/>).</summary>
    public int Port { get; private set; }

    /// <summary>The temp directory holding data, socket and log; deleted with the cluster.</summary>
    public string RootDirectory { get; }

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    /// <summary>Where the server puts its unix socket, for clients that prefer it to TCP.</summary>
    public string SocketDirectory => Path.Combine(RootDirectory, "sock");

    public string LogFile => Path.Combine(RootDirectory, "postgres.log");

    /// <summary>Connects as the superuser to the <c>postgres</c> maintenance database, unpooled.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres", pooling: false);

    /// <summary>The cluster of this test process, started on first use; all callers share it.</summary>
    public static Task<PostgresCluster> SharedAsync(CancellationToken cancellationToken) =>
        // The start itself is shared, so one caller's cancellation must not abort it for the others.
        Shared.Value.WaitAsync(cancellationToken);

    /// <summary>The server's <c>max_connections</c> unless the caller asks for more.</summary>
    public const int DefaultMaxConnections = 200;

    /// <summary>Creates and starts a cluster owned by the caller, who must dispose it.</summary>
    public static Task<PostgresCluster> StartNewAsync(CancellationToken cancellationToken) =>
        StartNewAsync(DefaultMaxConnections, cancellationToken);

    /// <summary>
    /// Creates and starts a cluster owned by the caller, who must dispose it, accepting <paramref name="maxConnections"/>
    /// client connections (a fleet of stores, each with its own pool and notification listener, needs more than the default).
    /// </summary>
    public static async Task<PostgresCluster> StartNewAsync(int maxConnections, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 10);
        var tools = PostgresTools.Find();
        // Under root the server runs as user postgres, which cannot enter a private TMPDIR such as /root/tmp.
        var tempRoot = Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath();
        var rootDirectory = Path.Combine(tempRoot, "gitops-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(rootDirectory, "sock"));
        var cluster = new PostgresCluster(tools, rootDirectory);
        try
        {
            await cluster.InitializeAsync(maxConnections, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            cluster.StopAndDelete();
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> as the superuser over TCP.</summary>
    public string ConnectionStringFor(string database, bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Superuser,
        Database = database,
        Pooling = pooling,
        IncludeErrorDetail = true,
        Timeout = 10,
    }.ConnectionString;

    /// <summary>
    /// A connection string for <paramref name="database"/> through the unix socket: reachable from the network
    /// namespaces a test creates, where 127.0.0.1 is the namespace's own loopback.
    /// </summary>
    public string SocketConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionStringFor(database)) { Host = SocketDirectory }.ConnectionString;

    /// <summary>
    /// Creates and starts a streaming replica of this cluster, owned by the caller: <c>pg_basebackup -R</c> of this
    /// cluster into a new temp directory, started at a free port as a hot standby; <see cref="PromoteAsync"/> makes it a primary.
    /// </summary>
    public async Task<PostgresCluster> StartReplicaAsync(CancellationToken cancellationToken)
    {
        var tempRoot = Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath();
        var rootDirectory = Path.Combine(tempRoot, "gitops-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(rootDirectory, "sock"));
        var replica = new PostgresCluster(tools, rootDirectory);
        try
        {
            await replica.WatchForProcessExitAsync(cancellationToken).ConfigureAwait(false);
            await PostgresTools.GiveToServiceUserAsync(rootDirectory, cancellationToken).ConfigureAwait(false);
            var backup = await tools.RunAsync(
                "pg_basebackup",
                ["-D", replica.DataDirectory, "-h", SocketDirectory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", Superuser, "-R", "-X", "stream", "-c", "fast"],
                TimeSpan.FromMinutes(2),
                cancellationToken).ConfigureAwait(false);
            if (!backup.Succeeded)
            {
                throw new InvalidOperationException($"pg_basebackup of {DataDirectory} failed ({backup.ExitCode}): {backup.StandardError}");
            }

            // The copied settings name the primary's socket directory; the replica needs its own.
            await File.AppendAllLinesAsync(Path.Combine(replica.DataDirectory, "postgresql.conf"), ["", "# gitops test replica", $"unix_socket_directories = '{replica.SocketDirectory}'", "hot_standby = on"], cancellationToken).ConfigureAwait(false);
            replica.Port = await WithServerLogAsync(() => tools.StartOnFreePortAsync(replica.DataDirectory, replica.LogFile, StartTimeout, cancellationToken)).ConfigureAwait(false);
            return replica;
        }
        catch
        {
            replica.StopAndDelete();
            throw;
        }
    }

    /// <summary>Creates database <paramref name="name"/> (a plain identifier) as the superuser.</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A connection string for <paramref name="database"/> naming this cluster and then <paramref name="replica"/>, writing
    /// to whichever is the primary (<c>Target Session Attributes=read-write</c>), rechecking a host's role every second.
    /// </summary>
    public string ConnectionStringWith(PostgresCluster replica, string database)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return new NpgsqlConnectionStringBuilder(ConnectionStringFor(database))
        {
            Host = $"{Host}:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)},{replica.Host}:{replica.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            TargetSessionAttributes = "read-write",
            HostRecheckSeconds = 1,
        }.ConnectionString;
    }

    /// <summary>Promotes this standby to a primary (<c>pg_ctl promote -w</c>): it accepts writes once this returns.</summary>
    public async Task PromoteAsync(CancellationToken cancellationToken)
    {
        var result = await tools.RunAsync("pg_ctl", ["promote", "-D", DataDirectory, "-w"], TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"pg_ctl promote of {DataDirectory} failed ({result.ExitCode}): {result.StandardError}");
        }
    }

    /// <summary>Stops the server at once (<c>pg_ctl stop -m immediate</c>): open connections break.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => StopAsync(PostgresStopMode.Immediate, cancellationToken);

    /// <summary>Stops the server: <see cref="PostgresStopMode.Fast"/> shuts down cleanly (a replica receives all of the WAL first), <see cref="PostgresStopMode.Immediate"/> as a crash.</summary>
    public async Task StopAsync(PostgresStopMode mode, CancellationToken cancellationToken)
    {
        await lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await tools.StopAsync(DataDirectory, mode, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Starts the stopped server again on the same port and data directory, waiting until it accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StartOnAsync(Port, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops the server immediately and starts it again on the same port, as a crashed or restarted
    /// database looks to its clients. Do not do this to the shared cluster: other test classes use it.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopAsync(cancellationToken).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        StopAndDelete();
        return ValueTask.CompletedTask;
    }

    private async Task InitializeAsync(int maxConnections, CancellationToken cancellationToken)
    {
        await WatchForProcessExitAsync(cancellationToken).ConfigureAwait(false);
        await PostgresTools.GiveToServiceUserAsync(RootDirectory, cancellationToken).ConfigureAwait(false);
        await tools.InitDbAsync(DataDirectory, ["--auth=trust", "--no-sync"], cancellationToken).ConfigureAwait(false);

        // Appended settings win over the defaults above them in the file. fsync is off (an OS crash
        // loses a throwaway cluster, nothing more) but synchronous_commit stays on, so a commit
        // survives pg_ctl stop -m immediate as tests of a restarted database expect.
        string[] settings =
        [
            "listen_addresses = '127.0.0.1'",
            $"unix_socket_directories = '{SocketDirectory}'",
            "fsync = off",
            "full_page_writes = off",
            $"max_connections = {maxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "shared_buffers = 32MB",
            "logging_collector = off",
        ];
        await File.AppendAllLinesAsync(Path.Combine(DataDirectory, "postgresql.conf"), ["", "# gitops test cluster", .. settings], cancellationToken).ConfigureAwait(false);
        Port = await WithServerLogAsync(() => tools.StartOnFreePortAsync(DataDirectory, LogFile, StartTimeout, cancellationToken)).ConfigureAwait(false);
    }

    private Task StartOnAsync(int port, CancellationToken cancellationToken) =>
        WithServerLogAsync(async () =>
        {
            await tools.StartAsync(DataDirectory, LogFile, port, StartTimeout, cancellationToken).ConfigureAwait(false);
            return port;
        });

    /// <summary>Tests report a failed start with the server log in the message, where the test output shows it.</summary>
    private static async Task<int> WithServerLogAsync(Func<Task<int>> start)
    {
        try
        {
            return await start().ConfigureAwait(false);
        }
        catch (LocalPostgresException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\n{ex.Details}", ex);
        }
    }

    /// <summary>Stops the server and deletes the directory should this process die without disposing the cluster.</summary>
    private Task WatchForProcessExitAsync(CancellationToken cancellationToken)
    {
        var stop = string.Join(' ', tools.Command("pg_ctl", PostgresTools.StopArguments(DataDirectory, PostgresStopMode.Immediate)).Select(DetachedShell.Quote));
        var root = DetachedShell.Quote(RootDirectory);
        return DetachedShell.WatchProcessExitAsync($"{stop}; rm -rf {root}", $"[ -d {root} ]", cancellationToken);
    }

    private void StopAndDelete()
    {
        if (Interlocked.Exchange(ref deleted, 1) == 1)
        {
            return;
        }

        exitHook.Dispose();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            // Blocking is fine here: this runs from DisposeAsync's tail or at process exit.
            var stop = tools.RunAsync("pg_ctl", PostgresTools.StopArguments(DataDirectory, PostgresStopMode.Immediate), TimeSpan.FromMinutes(1), CancellationToken.None);
            stop.GetAwaiter().GetResult();
        }

        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; the server is already stopped.
        }
    }
}
