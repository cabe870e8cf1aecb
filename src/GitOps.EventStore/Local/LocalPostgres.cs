using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GitOps.EventStore.Local;

/// <summary>
/// The private PostgreSQL of <c>gitops up</c> without <c>--store</c>, kept under
/// <c>&lt;data-dir&gt;/postgres</c>: initialized on first use, started on a free 127.0.0.1 port with its
/// unix socket in that directory, reused when already running, stopped on dispose if this process
/// started it. Local connections over the socket are trusted (the directory is private to the server's
/// user); TCP needs the generated superuser password kept in <c>superuser.password</c>.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    /// <summary>The database holding the event store.</summary>
    public const string DatabaseName = "gitops";

    /// <summary>The directory under the data directory that holds the cluster, its socket, log and password file.</summary>
    public const string DirectoryName = "postgres";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly PostgresTools tools;
    private readonly ILogger logger;
    private int stopped;

    private LocalPostgres(PostgresTools tools, string rootDirectory, int port, bool reused, ILogger logger)
    {
        this.tools = tools;
        this.logger = logger;
        RootDirectory = rootDirectory;
        Port = port;
        Reused = reused;
    }

    /// <summary><c>&lt;data-dir&gt;/postgres</c>: the cluster, its socket, log and password file.</summary>
    public string RootDirectory { get; }

    /// <summary>PGDATA: <c>&lt;data-dir&gt;/postgres/data</c>.</summary>
    public string ClusterDirectory => ClusterDirectoryOf(RootDirectory);

    public string LogFile => Path.Combine(RootDirectory, "postgres.log");

    /// <summary>The TCP port on 127.0.0.1 (also names the unix socket file).</summary>
    public int Port { get; }

    /// <summary>True when the server was already running and this instance only attached to it (and so leaves it running).</summary>
    public bool Reused { get; }

    /// <summary>Connects over the unix socket in <see cref="RootDirectory"/> as the superuser, no password needed.</summary>
    public string ConnectionString => SocketConnectionString(RootDirectory, Port);

    /// <summary>Connects over TCP to 127.0.0.1 with the superuser's password, for clients that cannot reach the socket.</summary>
    public string TcpConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = PostgresTools.ServiceUser,
        Password = File.ReadAllText(PasswordFileOf(RootDirectory)).Trim(),
        Database = DatabaseName,
    }.ConnectionString;

    /// <summary>Initializes (first use), starts or attaches to the server of <paramref name="dataDirectory"/>, and makes sure the <c>gitops</c> database exists.</summary>
    /// <exception cref="PostgresNotInstalledException">The PostgreSQL server binaries are missing.</exception>
    /// <exception cref="LocalPostgresException">initdb or the server start failed.</exception>
    public static Task<LocalPostgres> StartAsync(string dataDirectory, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        StartAsync(dataDirectory, PostgresTools.Find(), logger, cancellationToken);

    /// <summary>As <see cref="StartAsync(string, ILogger?, CancellationToken)"/>, with the server programs of <paramref name="tools"/>.</summary>
    /// <exception cref="LocalPostgresException">initdb or the server start failed.</exception>
    public static async Task<LocalPostgres> StartAsync(string dataDirectory, PostgresTools tools, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(tools);
        logger ??= NullLogger.Instance;
        var root = Path.Combine(Path.GetFullPath(dataDirectory), DirectoryName);
        var cluster = ClusterDirectoryOf(root);
        var log = Path.Combine(root, "postgres.log");
        if (!File.Exists(Path.Combine(cluster, "PG_VERSION")))
        {
            await InitializeAsync(tools, root, cancellationToken).ConfigureAwait(false);
            EventStoreLog.LocalPostgres(logger, "initialized", root, 0);
        }

        int port;
        bool reused;
        if (await tools.IsRunningAsync(cluster, cancellationToken).ConfigureAwait(false))
        {
            port = PostgresTools.RunningPort(cluster);
            reused = true;
        }
        else
        {
            // A postmaster.pid left by a killed server names a dead process; the server replaces it itself.
            await PostgresTools.GiveToServiceUserAsync(root, cancellationToken).ConfigureAwait(false);
            port = await tools.StartOnFreePortAsync(cluster, log, StartTimeout, cancellationToken).ConfigureAwait(false);
            reused = false;
        }

        EventStoreLog.LocalPostgres(logger, reused ? "reused" : "started", root, port);
        var server = new LocalPostgres(tools, root, port, reused, logger);
        try
        {
            await server.EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The socket connection string of the private store of <paramref name="dataDirectory"/> when its server
    /// is running; null when it is not (nothing is started: readers report that instead).
    /// </summary>
    /// <exception cref="PostgresNotInstalledException">The PostgreSQL server binaries are missing.</exception>
    public static async Task<string?> ConnectionStringIfRunningAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var root = Path.Combine(Path.GetFullPath(dataDirectory), DirectoryName);
        var cluster = ClusterDirectoryOf(root);
        if (!File.Exists(Path.Combine(cluster, "PG_VERSION")) || !await PostgresTools.Find().IsRunningAsync(cluster, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return SocketConnectionString(root, PostgresTools.RunningPort(cluster));
    }

    /// <summary>Stops the server (fast shutdown: clients are disconnected, data is safe), whoever started it.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (await tools.IsRunningAsync(ClusterDirectory, cancellationToken).ConfigureAwait(false))
        {
            await tools.StopAsync(ClusterDirectory, PostgresStopMode.Fast, cancellationToken).ConfigureAwait(false);
            EventStoreLog.LocalPostgres(logger, "stopped", RootDirectory, Port);
        }
    }

    /// <summary>Stops the server if this instance started it; a reused server belongs to whoever started it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Reused)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string ClusterDirectoryOf(string root) => Path.Combine(root, "data");

    private static string SocketConnectionString(string root, int port) => new NpgsqlConnectionStringBuilder
    {
        Host = root,
        Port = port,
        Username = PostgresTools.ServiceUser,
        Database = DatabaseName,
    }.ConnectionString;

    private static string PasswordFileOf(string root) => Path.Combine(root, "superuser.password");

    private static async Task InitializeAsync(PostgresTools tools, string root, CancellationToken cancellationToken)
    {
        var cluster = ClusterDirectoryOf(root);
        if (Directory.Exists(cluster))
        {
            // An initdb interrupted before PG_VERSION was written leaves a directory initdb refuses to reuse.
            Directory.Delete(cluster, recursive: true);
        }

        Directory.CreateDirectory(root);
        var passwordFile = PasswordFileOf(root);
        await File.WriteAllTextAsync(passwordFile, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) + "\n", cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            // The socket there trusts whoever reaches it, and the password file is the key to TCP: server user only.
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await PostgresTools.GiveToServiceUserAsync(root, cancellationToken).ConfigureAwait(false);
        await tools.InitDbAsync(cluster, ["--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={passwordFile}"], cancellationToken).ConfigureAwait(false);
        string[] settings =
        [
            "listen_addresses = '127.0.0.1'",
            $"unix_socket_directories = '{root.Replace("'", "''", StringComparison.Ordinal)}'",
            "logging_collector = off",
        ];
        await File.AppendAllLinesAsync(Path.Combine(cluster, "postgresql.conf"), ["", "# gitops up: private event store", .. settings], cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new() { Value = DatabaseName });
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
