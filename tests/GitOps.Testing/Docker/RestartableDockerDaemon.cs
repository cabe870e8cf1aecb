using System.Globalization;

namespace GitOps.Testing.Docker;

/// <summary>
/// A dockerd of its own for tests that stop and restart the engine (the shared one must never be disturbed):
/// own socket, data root, exec root (so its own containerd) and pid file under a temp directory, and its own
/// network namespace (<c>unshare --net</c>), so its docker0 bridge and iptables rules are its own. Containers run
/// <see cref="DockerFixture.ImageName"/>; their addresses are not reachable from the host. Disposing stops the
/// daemon and deletes its directory.
/// </summary>
/// <remarks>
/// A second dockerd in the host's network namespace damages the shared engine: with <c>--bridge=none</c> it
/// deletes the host's <c>docker0</c> on start-up, and with a bridge of its own it was seen deleting <c>docker0</c>
/// when restarted over containers it had run. The namespace keeps both daemons apart.
/// </remarks>
public sealed class RestartableDockerDaemon : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private readonly string root;
    private readonly DockerCli cli;
    private readonly IDisposable exitHook;

    private RestartableDockerDaemon(string root)
    {
        this.root = root;
        cli = new DockerCli("unix://" + Path.Combine(root, "docker.sock"));
        exitHook = ProcessExitHooks.Register($"dockerd in {root}", () => StopAsync(CancellationToken.None).GetAwaiter().GetResult());
    }

    /// <summary>The engine endpoint, <c>unix://…</c>.</summary>
    public string Endpoint => cli.Endpoint;

    private string PidFile => Path.Combine(root, "dockerd.pid");

    private string LogFile => Path.Combine(root, "dockerd.log");

    /// <summary>Starts a new daemon (as root only) and imports the test image into it.</summary>
    public static async Task<RestartableDockerDaemon> StartNewAsync(CancellationToken cancellationToken)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("A restartable dockerd can only be started by root; run the tests as root.");
        }

        // Short path: the socket path must stay under the 108-byte unix socket limit.
        var root = Path.Combine(Path.GetTempPath(), "gitops-dockerd-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var daemon = new RestartableDockerDaemon(root);
        try
        {
            await daemon.StartAsync(cancellationToken).ConfigureAwait(false);
            await BusyboxImage.EnsureAsync(daemon.cli, cancellationToken).ConfigureAwait(false);
            return daemon;
        }
        catch
        {
            await daemon.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <c>docker --host Endpoint arguments…</c> and returns its trimmed output.</summary>
    public Task<string> RunDockerAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) => cli.RunAsync(arguments, cancellationToken);

    /// <summary>Starts the daemon (again) and waits until it answers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var dockerd = Processes.ProcessRunner.FindOnPath("dockerd")
            ?? throw new InvalidOperationException("dockerd is not installed. Run deploy/setup.sh to install the docker.io package.");
        var unshare = Processes.ProcessRunner.FindOnPath("unshare")
            ?? throw new InvalidOperationException("unshare (util-linux) is not installed; it is needed to give the restartable dockerd its own network namespace.");
        var command = string.Join(' ', new[]
        {
            unshare, "--net", "--",
            dockerd,
            "--host", Endpoint,
            "--data-root", Path.Combine(root, "data"),
            "--exec-root", Path.Combine(root, "exec"),
            "--pidfile", PidFile,
            // Busybox as PID 1 ignores SIGTERM; do not wait the default 15 s for it on shutdown.
            "--shutdown-timeout=1",
        }.Select(DetachedShell.Quote));
        await DetachedShell.StartAsync("exec " + command, LogFile, cancellationToken).ConfigureAwait(false);
        var started = TimeProvider.System.GetTimestamp();
        while (!await cli.AnswersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TimeProvider.System.GetElapsedTime(started) >= AnswerTimeout)
            {
                throw new InvalidOperationException($"The restartable dockerd did not answer on {Endpoint} within {AnswerTimeout.TotalSeconds:0} s; see {LogFile}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the daemon with SIGTERM (containers without a restart policy stop with it) and waits until it has exited.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (ReadPid() is not { } pid)
        {
            return;
        }

        await Processes.ProcessRunner.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], cancellationToken: cancellationToken).ConfigureAwait(false);
        var signalled = TimeProvider.System.GetTimestamp();
        while (Directory.Exists($"/proc/{pid}"))
        {
            if (TimeProvider.System.GetElapsedTime(signalled) >= ExitTimeout)
            {
                throw new InvalidOperationException($"The restartable dockerd (pid {pid}) did not exit within {ExitTimeout.TotalSeconds:0} s of SIGTERM; see {LogFile}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (ReadPid() is not null)
        {
            var containers = (await cli.TryRunAsync(["ps", "--all", "--quiet"], CancellationToken.None).ConfigureAwait(false)).StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (containers.Length > 0)
            {
                await cli.TryRunAsync(["rm", "--force", .. containers], CancellationToken.None).ConfigureAwait(false);
            }

            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        exitHook.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException ex)
        {
            // A leftover mount keeps a directory busy; the temp directory is all that is left behind.
            await Console.Error.WriteLineAsync($"Could not delete {root}: {ex.Message}").ConfigureAwait(false);
        }
    }

    private int? ReadPid()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && Directory.Exists($"/proc/{pid}") ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
