using System.Globalization;
using GitOps.Processes;
using Npgsql;

namespace GitOps.Testing.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp directory, listening on 127.0.0.1 at a free port with
/// trust authentication and durability switched off for speed. <see cref="SharedAsync"/> gives the one
/// cluster of this test process (started lazily, stopped and deleted at process exit, by a ProcessExit
/// handler and, because the test runner may kill its host before that handler finishes, by a detached
/// watcher shell that waits for this process to end);
/// <see cref="StartNewAsync"/> gives a private one the caller disposes.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The superuser initdb creates; trust authentication lets it in without a password.</summary>
    public const string Superuser = "postgres";

    private const string ServiceUser = "postgres";
    private const int PortAttempts = 5;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<Task<PostgresCluster>> Shared = new(() => StartNewAsync(CancellationToken.None));

    private readonly string binDirectory;
    private readonly SemaphoreSlim lifecycle = new(1, 1);
    private readonly IDisposable exitHook;
    private int deleted;

    private PostgresCluster(string binDirectory, string rootDirectory)
    {
        this.binDirectory = binDirectory;
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

    /// <summary>Creates and starts a cluster owned by the caller, who must dispose it.</summary>
    public static async Task<PostgresCluster> StartNewAsync(CancellationToken cancellationToken)
    {
        var binDirectory = PostgresBinaries.FindBinDirectory();
        // Under root the server runs as user postgres, which cannot enter a private TMPDIR such as /root/tmp.
        var tempRoot = Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath();
        var rootDirectory = Path.Combine(tempRoot, "gitops-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(rootDirectory, "sock"));
        var cluster = new PostgresCluster(binDirectory, rootDirectory);
        try
        {
            await cluster.InitializeAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Stops the server at once (<c>pg_ctl stop -m immediate</c>): open connections break.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PgCtlStopAsync(cancellationToken).ConfigureAwait(false);
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
            await PgCtlStartAsync(Port, cancellationToken).ConfigureAwait(false);
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

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await WatchForProcessExitAsync(cancellationToken).ConfigureAwait(false);
        if (Environment.IsPrivilegedProcess)
        {
            await ProcessRunner.RunCheckedAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", RootDirectory], cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await RunAsServiceUserAsync(
            "initdb",
            ["-D", DataDirectory, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
            cancellationToken).ConfigureAwait(false);

        // Appended settings win over the defaults above them in the file. fsync is off (an OS crash
        // loses a throwaway cluster, nothing more) but synchronous_commit stays on, so a commit
        // survives pg_ctl stop -m immediate as tests of a restarted database expect.
        string[] settings =
        [
            "listen_addresses = '127.0.0.1'",
            $"unix_socket_directories = '{SocketDirectory}'",
            "fsync = off",
            "full_page_writes = off",
            "max_connections = 200",
            "shared_buffers = 32MB",
            "logging_collector = off",
        ];
        await File.AppendAllLinesAsync(Path.Combine(DataDirectory, "postgresql.conf"), ["", "# gitops test cluster", .. settings], cancellationToken).ConfigureAwait(false);

        for (var attempt = 1; ; attempt++)
        {
            var port = FreeTcpPort.Pick();
            try
            {
                await PgCtlStartAsync(port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException ex) when (attempt < PortAttempts && ex.Message.Contains("could not bind", StringComparison.Ordinal))
            {
                // Someone bound the port between our probe and the server's bind; try another one.
            }
        }
    }

    private async Task PgCtlStartAsync(int port, CancellationToken cancellationToken)
    {
        var logStart = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
        var result = await RunAsServiceUserAsync(
            "pg_ctl",
            ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-o", $"-p {port}"],
            cancellationToken,
            check: false).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"PostgreSQL did not start on 127.0.0.1:{port}. {new ProcessFailedException(result).Message}\nServer log ({LogFile}):\n{ReadLog(logStart)}");
        }

        Port = port;
    }

    private string[] StopArguments => ["stop", "-D", DataDirectory, "-m", "immediate", "-w"];

    private async Task PgCtlStopAsync(CancellationToken cancellationToken) =>
        await RunAsServiceUserAsync("pg_ctl", StopArguments, cancellationToken).ConfigureAwait(false);

    private string ReadLog(long from)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Max(from, stream.Length - 4000), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Trim();
        }
        catch (IOException ex)
        {
            return $"(no log: {ex.Message})";
        }
    }

    private async Task<ProcessResult> RunAsServiceUserAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool check = true)
    {
        var command = ServiceUserCommand(program, arguments);
        var options = new ProcessOptions { Timeout = StartTimeout + TimeSpan.FromSeconds(30) };
        var result = await ProcessRunner.RunAsync(command[0], command.Skip(1), options, cancellationToken).ConfigureAwait(false);
        return check ? result.EnsureSuccess() : result;
    }

    /// <summary>The command line running <paramref name="program"/> from the bin directory as the user owning the cluster.</summary>
    private List<string> ServiceUserCommand(string program, IEnumerable<string> arguments)
    {
        var path = Path.Combine(binDirectory, program);
        // The server refuses to run as root; drop to the postgres user that owns the directory.
        return Environment.IsPrivilegedProcess
            ? ["runuser", "-u", ServiceUser, "--", path, .. arguments]
            : [path, .. arguments];
    }

    /// <summary>Stops the server and deletes the directory should this process die without disposing the cluster.</summary>
    private Task WatchForProcessExitAsync(CancellationToken cancellationToken)
    {
        var stop = string.Join(' ', ServiceUserCommand("pg_ctl", StopArguments).Select(DetachedShell.Quote));
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
            var stop = RunAsServiceUserAsync("pg_ctl", StopArguments, CancellationToken.None, check: false);
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
