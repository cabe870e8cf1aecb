using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using GitOps.Processes;
using GitOps.Testing.Network;

namespace GitOps.Testing.Git;

/// <summary>
/// A real OpenSSH server (Debian's <c>openssh-server</c>) on 127.0.0.1 and a free port, serving git to the
/// current user: a generated host key, a client key in its authorized_keys and a second key that is not, a
/// known_hosts file naming the host key, and ssh client configs that use them without touching the user's
/// own <c>~/.ssh</c>. Disposing (or the test process ending) kills sshd and deletes every file.
/// </summary>
public sealed class SshServer : IAsyncDisposable
{
    private const string SshdPath = "/usr/sbin/sshd";

    private readonly Process _sshd;
    private readonly IDisposable _exitHook;

    private SshServer(string root, int port, Process sshd, IDisposable exitHook)
    {
        Root = root;
        Port = port;
        _sshd = sshd;
        _exitHook = exitHook;
    }

    /// <summary>The temp directory holding keys, configs and logs.</summary>
    public string Root { get; }

    public int Port { get; }

    /// <summary>The login sshd accepts the client key for: the user running the tests.</summary>
    public static string User => Environment.UserName;

    /// <summary>A private key in sshd's authorized_keys (mode 600).</summary>
    public string ClientKey => Path.Combine(Root, "client_key");

    /// <summary>A valid private key sshd does not accept.</summary>
    public string WrongKey => Path.Combine(Root, "wrong_key");

    /// <summary>
    /// ssh client config trusting only this server's host key, batch mode, no agent and no default keys:
    /// a key must come from <c>-i</c>. Use as <c>GIT_SSH_COMMAND="ssh -F &lt;this&gt;"</c>.
    /// </summary>
    public string ConfigWithoutKey => Path.Combine(Root, "ssh_config");

    /// <summary>Like <see cref="ConfigWithoutKey"/>, with <c>IdentityFile</c> naming <see cref="ClientKey"/>: the key comes from ssh's own config.</summary>
    public string ConfigWithKey => Path.Combine(Root, "ssh_config_with_key");

    /// <summary>sshd's own log (-E), for failure messages.</summary>
    public string LogFile => Path.Combine(Root, "sshd.log");

    /// <summary>The <c>ssh://</c> URL of <paramref name="path"/> on this server.</summary>
    public string UrlOf(string path) => string.Create(CultureInfo.InvariantCulture, $"ssh://{User}@127.0.0.1:{Port}{path}");

    /// <summary>Generates the keys and configs and starts sshd; returns once it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">openssh-server or openssh-client is missing, or sshd did not start.</exception>
    public static async Task<SshServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(SshdPath) || ProcessRunner.FindOnPath("ssh") is null || ProcessRunner.FindOnPath("ssh-keygen") is null)
        {
            throw new InvalidOperationException("sshd, ssh or ssh-keygen is not installed; run deploy/setup.sh (packages openssh-server, openssh-client).");
        }

        var root = Directory.CreateTempSubdirectory("gitops-sshd-").FullName;
        try
        {
            foreach (var key in (string[])["host_key", "client_key", "wrong_key"])
            {
                await ProcessRunner.RunCheckedAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", key, "-f", Path.Combine(root, key)], new ProcessOptions(), cancellationToken);
            }

            var authorizedKeys = Path.Combine(root, "authorized_keys");
            File.Copy(Path.Combine(root, "client_key.pub"), authorizedKeys);
            File.SetUnixFileMode(authorizedKeys, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var port = LoopbackPorts.GetFree();
            var hostKey = (await File.ReadAllTextAsync(Path.Combine(root, "host_key.pub"), cancellationToken)).Trim();
            await File.WriteAllTextAsync(Path.Combine(root, "known_hosts"), string.Create(CultureInfo.InvariantCulture, $"[127.0.0.1]:{port} {hostKey}\n"), cancellationToken);
            var clientConfig = $"""
                Host *
                  UserKnownHostsFile {root}/known_hosts
                  GlobalKnownHostsFile /dev/null
                  StrictHostKeyChecking yes
                  BatchMode yes
                  IdentityAgent none
                  IdentitiesOnly yes
                  PasswordAuthentication no
                  KbdInteractiveAuthentication no
                  ConnectTimeout 10

                """;
            await File.WriteAllTextAsync(Path.Combine(root, "ssh_config"), clientConfig, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(root, "ssh_config_with_key"), clientConfig + $"  IdentityFile {root}/client_key\n", cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(root, "sshd_config"), string.Create(CultureInfo.InvariantCulture, $"""
                Port {port}
                ListenAddress 127.0.0.1
                HostKey {root}/host_key
                AuthorizedKeysFile {root}/authorized_keys
                PidFile {root}/sshd.pid
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PermitRootLogin prohibit-password
                UsePAM no
                StrictModes no
                AllowUsers {User}
                LogLevel VERBOSE

                """), cancellationToken);
            if (Environment.UserName == "root")
            {
                Directory.CreateDirectory("/run/sshd"); // its privilege-separation directory
            }

            return await LaunchAsync(root, port, cancellationToken);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        await _sshd.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        _sshd.Dispose();
        _exitHook.Dispose();
        DeleteRoot();
    }

    private static async Task<SshServer> LaunchAsync(string root, int port, CancellationToken cancellationToken)
    {
        // -D: stay in the foreground, so this process owns it; sshd must be started by its absolute path.
        var start = new ProcessStartInfo(SshdPath) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-D", "-f", Path.Combine(root, "sshd_config"), "-E", Path.Combine(root, "sshd.log")])
        {
            start.ArgumentList.Add(argument);
        }

        var sshd = Process.Start(start) ?? throw new InvalidOperationException("could not start sshd");
        var server = new SshServer(root, port, sshd, ProcessExitHooks.Register($"sshd in {root}", () => KillAndDelete(sshd, root)));
        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_sshd.HasExited)
            {
                throw new InvalidOperationException($"sshd exited with code {_sshd.ExitCode}: {await _sshd.StandardError.ReadToEndAsync(cancellationToken)} {ReadLog()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException($"sshd did not listen on 127.0.0.1:{Port} within 15 s: {ReadLog()}", ex);
            }
        }
    }

    private string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    private void Stop() => KillAndDelete(_sshd, root: null);

    private void DeleteRoot()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static void KillAndDelete(Process sshd, string? root)
    {
        try
        {
            if (!sshd.HasExited)
            {
                sshd.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        if (root is not null && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
