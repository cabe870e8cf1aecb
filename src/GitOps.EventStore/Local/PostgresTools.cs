using System.Globalization;
using System.Net;
using System.Net.Sockets;
using GitOps.Processes;

namespace GitOps.EventStore.Local;

/// <summary>
/// Runs the PostgreSQL server tools (initdb, pg_ctl) on a data directory. The server refuses to run as
/// root, so under root every tool runs as user <c>postgres</c> through <c>runuser</c>, on directories
/// given to that user first with <see cref="GiveToServiceUserAsync"/>.
/// </summary>
public sealed class PostgresTools
{
    /// <summary>The account the server runs as when this process is root; also the superuser initdb creates.</summary>
    public const string ServiceUser = "postgres";

    private const int PortAttempts = 5;

    private PostgresTools(string binDirectory)
    {
        BinDirectory = binDirectory;
    }

    public string BinDirectory { get; }

    /// <summary>Tools of the newest installed PostgreSQL.</summary>
    /// <exception cref="PostgresNotInstalledException">No PostgreSQL server is installed.</exception>
    public static PostgresTools Find() => new(PostgresBinaries.FindBinDirectory());

    /// <summary>Tools in <paramref name="binDirectory"/> when given, else <see cref="Find()"/>'s.</summary>
    /// <exception cref="PostgresNotInstalledException">initdb and pg_ctl are not there.</exception>
    public static PostgresTools Find(string? binDirectory) => binDirectory is null ? Find() : new(PostgresBinaries.RequireBinDirectory(binDirectory));

    /// <summary>The command line running <paramref name="program"/> from the bin directory as the user owning the cluster.</summary>
    public IReadOnlyList<string> Command(string program, IEnumerable<string> arguments)
    {
        var path = Path.Combine(BinDirectory, program);
        return Environment.IsPrivilegedProcess
            ? ["runuser", "-u", ServiceUser, "--", path, .. arguments]
            : [path, .. arguments];
    }

    /// <summary>Runs a server tool; the caller checks the result.</summary>
    public Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var command = Command(program, arguments);
        return ProcessRunner.RunAsync(command[0], command.Skip(1), new ProcessOptions { Timeout = timeout }, cancellationToken);
    }

    /// <summary>Under root, makes <see cref="ServiceUser"/> own <paramref name="directory"/> and everything in it; otherwise nothing.</summary>
    public static async Task GiveToServiceUserAsync(string directory, CancellationToken cancellationToken)
    {
        if (Environment.IsPrivilegedProcess)
        {
            await ProcessRunner.RunCheckedAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", directory], cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Under root, the first directory on the way from <c>/</c> to <paramref name="directory"/> (itself included) that
    /// <see cref="ServiceUser"/> may not enter; null when it can reach it, or when this process is not root (the server
    /// then runs as this process's user).
    /// </summary>
    public static async Task<string?> FirstDirectoryClosedToServiceUserAsync(string directory, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows() || !Environment.IsPrivilegedProcess)
        {
            return null;
        }

        var path = new List<string>();
        for (var current = new DirectoryInfo(Path.GetFullPath(directory)); current is not null; current = current.Parent)
        {
            path.Insert(0, current.FullName);
        }

        // Asked as that user, so owner, group, other bits and ACLs all count as the server will meet them; one process for the whole path.
        const string firstClosed = "for d in \"$@\"; do [ -x \"$d\" ] || { printf '%s\\n' \"$d\"; exit 1; }; done";
        var result = await ProcessRunner.RunAsync("runuser", ["-u", ServiceUser, "--", "sh", "-c", firstClosed, "sh", .. path], new ProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return null;
        }

        var closed = result.StandardOutput.Trim();
        return closed.Length > 0
            ? closed
            : throw new LocalPostgresException($"Cannot tell whether user {ServiceUser} can reach {directory}: {FirstLine(result.StandardError)}", result.StandardError);
    }

    /// <summary>Creates a cluster in <paramref name="dataDirectory"/> (UTF8, C locale, superuser <c>postgres</c>) with further initdb <paramref name="options"/>.</summary>
    public async Task InitDbAsync(string dataDirectory, IEnumerable<string> options, CancellationToken cancellationToken)
    {
        var result = await RunAsync(
            "initdb",
            ["-D", dataDirectory, "-U", ServiceUser, "-E", "UTF8", "--locale=C", "--no-instructions", .. options],
            TimeSpan.FromMinutes(2),
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new LocalPostgresException($"initdb failed for {dataDirectory} (exit code {result.ExitCode}): {FirstLine(result.StandardError)}", result.StandardError + result.StandardOutput);
        }
    }

    /// <summary>Starts the server on <paramref name="port"/> and waits until it accepts connections.</summary>
    /// <exception cref="LocalPostgresException">It did not start; <see cref="LocalPostgresException.Details"/> holds the server log's tail.</exception>
    public async Task StartAsync(string dataDirectory, string logFile, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var logStart = File.Exists(logFile) ? new FileInfo(logFile).Length : 0;
        var seconds = ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var result = await RunAsync(
            "pg_ctl",
            ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", seconds, "-o", $"-p {port}"],
            timeout + TimeSpan.FromSeconds(30),
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var log = ReadLogTail(logFile, logStart);
            throw new LocalPostgresException(
                $"PostgreSQL in {dataDirectory} did not start on port {port}: {FirstLine(LastErrorLine(log) ?? result.StandardError)} (log: {logFile})",
                $"{result.StandardError}{result.StandardOutput}\nServer log ({logFile}):\n{log}");
        }
    }

    /// <summary>Starts the server on a free loopback port, trying another one when the port was taken meanwhile; returns the port.</summary>
    public async Task<int> StartOnFreePortAsync(string dataDirectory, string logFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = PickFreePort();
            try
            {
                await StartAsync(dataDirectory, logFile, port, timeout, cancellationToken).ConfigureAwait(false);
                return port;
            }
            catch (LocalPostgresException ex) when (attempt < PortAttempts && ex.Details.Contains("could not bind", StringComparison.Ordinal))
            {
                // Another process bound the port between our probe and the server's bind; try another one.
            }
        }
    }

    /// <summary>The pg_ctl arguments that stop the server in <paramref name="dataDirectory"/>.</summary>
    public static IReadOnlyList<string> StopArguments(string dataDirectory, PostgresStopMode mode) =>
        ["stop", "-D", dataDirectory, "-m", mode == PostgresStopMode.Fast ? "fast" : "immediate", "-w"];

    /// <summary>Stops the server and waits for it to exit.</summary>
    public async Task StopAsync(string dataDirectory, PostgresStopMode mode, CancellationToken cancellationToken)
    {
        var result = await RunAsync("pg_ctl", StopArguments(dataDirectory, mode), TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new LocalPostgresException($"PostgreSQL in {dataDirectory} did not stop: {FirstLine(result.StandardError)}", result.StandardError + result.StandardOutput);
        }
    }

    /// <summary>Whether a live server runs on <paramref name="dataDirectory"/> (a stale postmaster.pid does not count).</summary>
    public async Task<bool> IsRunningAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var result = await RunAsync("pg_ctl", ["status", "-D", dataDirectory], TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    /// <summary>The port of the running server, from line 4 of its postmaster.pid.</summary>
    public static int RunningPort(string dataDirectory)
    {
        var lines = File.ReadAllLines(Path.Combine(dataDirectory, "postmaster.pid"));
        return lines.Length >= 4 && int.TryParse(lines[3], CultureInfo.InvariantCulture, out var port)
            ? port
            : throw new LocalPostgresException($"Cannot read the port of the PostgreSQL server running in {dataDirectory} from its postmaster.pid.", string.Join('\n', lines));
    }

    /// <summary>Up to the last 4000 characters of the log written since <paramref name="from"/>.</summary>
    public static string ReadLogTail(string logFile, long from)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Max(from, stream.Length - 4000), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Trim();
        }
        catch (IOException ex)
        {
            return $"(no log: {ex.Message})";
        }
    }

    private static int PickFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? LastErrorLine(string log) =>
        log.Split('\n').LastOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("ERROR", StringComparison.Ordinal));

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(line) ? "no output" : line;
    }
}
