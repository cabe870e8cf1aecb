using System.Text;

namespace GitOps.Testing.Docker;

/// <summary>
/// The dockerd the tests start when no engine is configured. It is deliberately left running after the
/// test process ends: test assemblies run in parallel and share it, and the next run reuses it.
/// </summary>
internal static class PrivateDockerDaemon
{
    public const string RunDirectory = "/run/gitops-test-docker";
    public const string DataRoot = "/var/lib/gitops-test-docker";
    public const string Endpoint = "unix://" + RunDirectory + "/docker.sock";

    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(90);

    private static string LogFile => Path.Combine(RunDirectory, "dockerd.log");

    private static string PidFile => Path.Combine(RunDirectory, "dockerd.pid");

    /// <summary>Returns a client for the private engine, starting the daemon unless it already answers.</summary>
    public static async Task<DockerCli> EnsureRunningAsync(CancellationToken cancellationToken)
    {
        var cli = new DockerCli(Endpoint);
        if (await cli.AnswersAsync(cancellationToken).ConfigureAwait(false))
        {
            return cli;
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException(
                $"No Docker engine answers on DOCKER_HOST or /var/run/docker.sock, and the tests can start their own dockerd only as root (this process is not). Run the tests as root or set DOCKER_HOST.");
        }

        var dockerd = Processes.ProcessRunner.FindOnPath("dockerd")
            ?? throw new InvalidOperationException("No Docker engine answers and dockerd is not installed to start one. Run deploy/setup.sh to install the docker.io package.");

        Directory.CreateDirectory(RunDirectory);
        // Several test processes get here at once; only the lock holder may start a daemon.
        using (await FileLock.AcquireAsync(Path.Combine(RunDirectory, "start.lock"), LockTimeout, cancellationToken).ConfigureAwait(false))
        {
            if (await cli.AnswersAsync(cancellationToken).ConfigureAwait(false))
            {
                return cli;
            }

            if (!DaemonAlive())
            {
                var command = string.Join(' ', new[]
                {
                    dockerd,
                    "--host", Endpoint,
                    "--data-root", DataRoot,
                    "--exec-root", Path.Combine(RunDirectory, "exec"),
                    "--pidfile", PidFile,
                }.Select(DetachedShell.Quote));
                await File.AppendAllTextAsync(LogFile, $"--- {TimeProvider.System.GetUtcNow():O} started by test process {Environment.ProcessId}\n", cancellationToken).ConfigureAwait(false);
                await DetachedShell.StartAsync("exec " + command, LogFile, cancellationToken).ConfigureAwait(false);
            }

            await WaitUntilAnswersAsync(cli, cancellationToken).ConfigureAwait(false);
            return cli;
        }
    }

    private static async Task WaitUntilAnswersAsync(DockerCli cli, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!await cli.AnswersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TimeProvider.System.GetElapsedTime(started) >= AnswerTimeout)
            {
                throw new InvalidOperationException(
                    $"The test dockerd did not answer on {Endpoint} within {AnswerTimeout.TotalSeconds:0} s. Last lines of {LogFile}:\n{Tail(LogFile, 40)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the pid file names a live process, e.g. a daemon another test process started that is still coming up.</summary>
    private static bool DaemonAlive()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid) && Directory.Exists($"/proc/{pid}");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string Tail(string path, int lines)
    {
        try
        {
            var all = File.ReadAllLines(path, Encoding.UTF8);
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(cannot read the log: {ex.Message})";
        }
    }
}
