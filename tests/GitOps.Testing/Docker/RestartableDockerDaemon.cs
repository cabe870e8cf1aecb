using System.Globalization;

namespace GitOps.Testing.Docker;

/// <summary>
/// A dockerd of its own for tests that stop and restart the engine (the shared one must never be disturbed):
/// own socket, data root, exec root (so its own containerd) and pid file under a temp directory, its own
/// bridge interface on its own subnet, and no iptables rules, so it cannot collide with the shared engine.
/// Containers run <see cref="DockerFixture.ImageName"/>. Disposing stops the daemon, deletes its bridge and
/// its directory.
/// </summary>
/// <remarks>
/// Never start a second dockerd with <c>--bridge=none</c>: that daemon deletes the <c>docker0</c> interface
/// on start-up, cutting the shared engine's default network from under it.
/// </remarks>
public sealed class RestartableDockerDaemon : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private readonly string root;
    private readonly string bridge;
    private readonly string bridgeAddress;
    private readonly DockerCli cli;
    private readonly IDisposable exitHook;

    private RestartableDockerDaemon(string root, string bridge, string bridgeAddress)
    {
        this.root = root;
        this.bridge = bridge;
        this.bridgeAddress = bridgeAddress;
        cli = new DockerCli("unix://" + Path.Combine(root, "docker.sock"));
        exitHook = ProcessExitHooks.Register($"dockerd in {root}", () =>
        {
            StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            Processes.ProcessRunner.RunAsync("ip", ["link", "delete", bridge]).GetAwaiter().GetResult();
        });
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
        var token = Guid.NewGuid().ToString("N")[..10];
        var root = Path.Combine(Path.GetTempPath(), "gitops-dockerd-" + token);
        Directory.CreateDirectory(root);
        // Interface names have at most 15 characters; 10.213.0.0/16 is used by no other test engine.
        var subnet = Random.Shared.Next(1, 255);
        var daemon = new RestartableDockerDaemon(root, "gtrd" + token[..8], string.Create(CultureInfo.InvariantCulture, $"10.213.{subnet}.1/24"));
        try
        {
            await daemon.CreateBridgeAsync(cancellationToken).ConfigureAwait(false);
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
        var command = string.Join(' ', new[]
        {
            dockerd,
            "--host", Endpoint,
            "--data-root", Path.Combine(root, "data"),
            "--exec-root", Path.Combine(root, "exec"),
            "--pidfile", PidFile,
            "--bridge", bridge, "--iptables=false", "--ip6tables=false",
            "--default-address-pool", "base=10.214.0.0/16,size=24",
            // Busybox as PID 1 ignores SIGTERM; do not wait the default 15 s for it on shutdown.
            "--shutdown-timeout=1",
        }.Select(DetachedShell.Quote));
        await DetachedShell.StartAsync("exec " + command, LogFile, cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + AnswerTimeout;
        while (!await cli.AnswersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (DateTime.UtcNow >= deadline)
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
        var deadline = DateTime.UtcNow + ExitTimeout;
        while (Directory.Exists($"/proc/{pid}"))
        {
            if (DateTime.UtcNow >= deadline)
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

        await Processes.ProcessRunner.RunAsync("ip", ["link", "delete", bridge], cancellationToken: CancellationToken.None).ConfigureAwait(false);
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

    private async Task CreateBridgeAsync(CancellationToken cancellationToken)
    {
        await Processes.ProcessRunner.RunCheckedAsync("ip", ["link", "add", bridge, "type", "bridge"], cancellationToken: cancellationToken).ConfigureAwait(false);
        await Processes.ProcessRunner.RunCheckedAsync("ip", ["addr", "add", bridgeAddress, "dev", bridge], cancellationToken: cancellationToken).ConfigureAwait(false);
        await Processes.ProcessRunner.RunCheckedAsync("ip", ["link", "set", bridge, "up"], cancellationToken: cancellationToken).ConfigureAwait(false);
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
