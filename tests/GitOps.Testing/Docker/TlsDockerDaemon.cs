using System.Globalization;
using System.Net.Sockets;
using GitOps.Processes;
using GitOps.Testing.Network;

namespace GitOps.Testing.Docker;

/// <summary>
/// A dockerd of its own started with <c>--tlsverify</c>, for TLS tests: a CA, a server certificate (SAN IP:127.0.0.1) and
/// a client certificate made with openssl, plus a second CA with a client certificate the engine does not trust. Like
/// <see cref="RestartableDockerDaemon"/> it runs in a network namespace of its own (so it cannot disturb the shared engine);
/// its TLS listener on that namespace's 127.0.0.1:2376 is carried to <see cref="Endpoint"/> on the host's 127.0.0.1 through
/// a unix socket (socat inside, <see cref="LoopbackTcpProxy"/> outside), bytes only: TLS is between client and dockerd.
/// Plain <c>docker</c> commands (<see cref="RunDockerAsync"/>) use its unix socket. Disposing stops it and deletes everything.
/// </summary>
public sealed class TlsDockerDaemon : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    private readonly string root;
    private readonly DockerCli cli;
    private readonly IDisposable exitHook;
    private LoopbackTcpProxy? proxy;

    private TlsDockerDaemon(string root)
    {
        this.root = root;
        cli = new DockerCli("unix://" + Path.Combine(root, "docker.sock"));
        exitHook = ProcessExitHooks.Register($"TLS dockerd in {root}", () => StopAsync().GetAwaiter().GetResult());
    }

    /// <summary><c>tcp://127.0.0.1:port</c>, TLS only.</summary>
    public string Endpoint => $"tcp://127.0.0.1:{proxy!.Port}";

    /// <summary>The CA that signed the engine's and the client's certificates.</summary>
    public string CaFile => Path.Combine(root, "ca.pem");

    /// <summary>A client certificate the engine accepts.</summary>
    public string CertFile => Path.Combine(root, "cert.pem");

    /// <summary>Its key.</summary>
    public string KeyFile => Path.Combine(root, "key.pem");

    /// <summary>A client certificate from another CA, which the engine refuses.</summary>
    public string RogueCertFile => Path.Combine(root, "rogue-cert.pem");

    /// <summary>Its key.</summary>
    public string RogueKeyFile => Path.Combine(root, "rogue-key.pem");

    /// <summary>The other CA (it signed <see cref="RogueCertFile"/>, not the engine's certificate).</summary>
    public string RogueCaFile => Path.Combine(root, "rogue-ca.pem");

    private string PidFile => Path.Combine(root, "dockerd.pid");

    private string SocatPidFile => Path.Combine(root, "socat.pid");

    private string LogFile => Path.Combine(root, "dockerd.log");

    /// <summary>Makes the certificates, starts the daemon (as root only) and imports the test image.</summary>
    public static async Task<TlsDockerDaemon> StartNewAsync(CancellationToken cancellationToken)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("A TLS dockerd can only be started by root; run the tests as root.");
        }

        var root = Path.Combine(Path.GetTempPath(), "gitops-tlsd-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var daemon = new TlsDockerDaemon(root);
        try
        {
            await daemon.MakeCertificatesAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Runs <c>docker --host unix://… arguments…</c> and returns its trimmed output.</summary>
    public Task<string> RunDockerAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) => cli.RunAsync(arguments, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (ReadPid(PidFile) is not null)
        {
            var containers = (await cli.TryRunAsync(["ps", "--all", "--quiet"], CancellationToken.None).ConfigureAwait(false)).StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (containers.Length > 0)
            {
                await cli.TryRunAsync(["rm", "--force", .. containers], CancellationToken.None).ConfigureAwait(false);
            }
        }

        await StopAsync().ConfigureAwait(false);
        exitHook.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"Could not delete {root}: {ex.Message}").ConfigureAwait(false);
        }
    }

    private async Task MakeCertificatesAsync(CancellationToken cancellationToken)
    {
        var openssl = ProcessRunner.FindOnPath("openssl")
            ?? throw new InvalidOperationException("openssl is required to make the TLS dockerd's certificates; run deploy/setup.sh.");
        async Task Run(params string[] arguments) => await ProcessRunner.RunCheckedAsync(openssl, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        string In(string name) => Path.Combine(root, name);

        foreach (var ca in new[] { "ca", "rogue-ca" })
        {
            await Run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", $"/CN=gitops test {ca}", "-keyout", In(ca + "-key.pem"), "-out", In(ca + ".pem"));
        }

        await File.WriteAllTextAsync(In("server.ext"), "subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(In("client.ext"), "extendedKeyUsage = clientAuth\n", cancellationToken).ConfigureAwait(false);
        foreach (var (name, ca, ext, subject) in new[] { ("server", "ca", "server.ext", "/CN=127.0.0.1"), ("", "ca", "client.ext", "/CN=gitops client"), ("rogue-", "rogue-ca", "client.ext", "/CN=rogue client") })
        {
            var prefix = name == "server" ? "server-" : name;
            await Run("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", In(prefix + "key.pem"), "-out", In(prefix + "req.pem"));
            await Run("x509", "-req", "-in", In(prefix + "req.pem"), "-CA", In(ca + ".pem"), "-CAkey", In(ca + "-key.pem"), "-CAcreateserial", "-days", "2", "-extfile", In(ext), "-out", In(prefix + "cert.pem"));
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var dockerd = ProcessRunner.FindOnPath("dockerd") ?? throw new InvalidOperationException("dockerd is not installed. Run deploy/setup.sh to install the docker.io package.");
        var unshare = ProcessRunner.FindOnPath("unshare") ?? throw new InvalidOperationException("unshare (util-linux) is not installed.");
        var socat = ProcessRunner.FindOnPath("socat") ?? throw new InvalidOperationException("socat is not installed; run deploy/setup.sh.");
        var ip = ProcessRunner.FindOnPath("ip") ?? throw new InvalidOperationException("ip (iproute2) is not installed; run deploy/setup.sh.");
        var tlsSocket = Path.Combine(root, "tls.sock");
        string Q(string value) => DetachedShell.Quote(value);
        var daemon = string.Join(' ', new[]
        {
            dockerd,
            "--host", cli.Endpoint, "--host", "tcp://127.0.0.1:2376",
            "--tlsverify", "--tlscacert", CaFile, "--tlscert", Path.Combine(root, "server-cert.pem"), "--tlskey", Path.Combine(root, "server-key.pem"),
            "--data-root", Path.Combine(root, "data"), "--exec-root", Path.Combine(root, "exec"), "--pidfile", PidFile, "--shutdown-timeout=1",
        }.Select(Q));
        var inside = $"{Q(ip)} link set lo up && {{ {Q(socat)} UNIX-LISTEN:{Q(tlsSocket)},fork TCP:127.0.0.1:2376 & echo $! > {Q(SocatPidFile)}; }} && exec {daemon}";
        await DetachedShell.StartAsync($"exec {Q(unshare)} --net -- sh -c {Q(inside)}", LogFile, cancellationToken).ConfigureAwait(false);
        var started = TimeProvider.System.GetTimestamp();
        while (!await cli.AnswersAsync(cancellationToken).ConfigureAwait(false) || !File.Exists(tlsSocket))
        {
            if (TimeProvider.System.GetElapsedTime(started) >= AnswerTimeout)
            {
                throw new InvalidOperationException($"The TLS dockerd did not answer on {cli.Endpoint} within {AnswerTimeout.TotalSeconds:0} s; see {LogFile}:\n{SafeRead(LogFile)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }

        proxy = LoopbackTcpProxy.Start(new UnixDomainSocketEndPoint(tlsSocket));
    }

    private async Task StopAsync()
    {
        if (proxy is not null)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            proxy = null;
        }

        foreach (var pidFile in new[] { SocatPidFile, PidFile })
        {
            if (ReadPid(pidFile) is not { } pid)
            {
                continue;
            }

            await ProcessRunner.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
            var signalled = TimeProvider.System.GetTimestamp();
            while (Directory.Exists($"/proc/{pid}") && TimeProvider.System.GetElapsedTime(signalled) < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
            }
        }
    }

    private static int? ReadPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && Directory.Exists($"/proc/{pid}") ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string SafeRead(string path)
    {
        try
        {
            return string.Join('\n', File.ReadAllLines(path).TakeLast(30));
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
    }
}
