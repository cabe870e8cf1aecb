using System.Net;
using GitOps.HAProxy.Apply;
using GitOps.HAProxy.Runtime;
using GitOps.Processes;

namespace GitOps.Testing.HAProxy;

/// <summary>
/// A real HAProxy 2.6 in master-worker mode, in its own temporary directory:
/// <c>haproxy -W -S &lt;dir&gt;/master.sock -f &lt;dir&gt;/haproxy.cfg -p &lt;dir&gt;/haproxy.pid</c>, run by the
/// product's <see cref="HAProxySupervisor"/> (without restarts, so a test sees a death). Configs built
/// with <see cref="MinimalConfig"/> or <see cref="HAProxyTestConfig"/> put an admin-level stats socket
/// at <see cref="AdminSocketPath"/>. Dispose it to stop HAProxy and delete the directory.
/// </summary>
public sealed class HAProxyFixture : IAsyncDisposable
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);

    private readonly HAProxySocketClient _client = new(TimeSpan.FromSeconds(5));
    private HAProxySupervisor? _supervisor;

    /// <exception cref="InvalidOperationException">haproxy is not installed.</exception>
    public HAProxyFixture()
    {
        HAProxyPath = ProcessRunner.FindOnPath("haproxy")
            ?? throw new InvalidOperationException(
                "haproxy is not installed (looked on PATH and in /usr/sbin). Run deploy/setup.sh to install the project's dependencies.");
        Directory = System.IO.Directory.CreateTempSubdirectory("gitops-haproxy-").FullName;
        Options = new HAProxySupervisorOptions
        {
            ConfigPath = Path.Combine(Directory, "haproxy.cfg"),
            RuntimeDirectory = Directory,
            HAProxyProgram = HAProxyPath,
            RestartOnExit = false,

            // Test configs bound old workers with hard-stop-after; a soft stop would only slow teardown.
            SoftStopTimeout = TimeSpan.Zero,
            PollInterval = TimeSpan.FromMilliseconds(20),
        };
    }

    /// <summary>The haproxy executable.</summary>
    public string HAProxyPath { get; }

    /// <summary>The temporary directory holding config, sockets and pid file; deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The supervisor settings this fixture runs HAProxy with.</summary>
    public HAProxySupervisorOptions Options { get; }

    /// <summary>The product supervisor running HAProxy; null before <see cref="StartAsync"/>.</summary>
    public HAProxySupervisor? Supervisor => _supervisor;

    /// <summary>The file HAProxy runs (and reloads) from.</summary>
    public string ConfigPath => Options.ConfigPath;

    /// <summary>Where <see cref="CheckConfigAsync"/> writes the text it checks.</summary>
    public string CandidateConfigPath => Path.Combine(Directory, "candidate.cfg");

    /// <summary>The master CLI socket (<c>-S</c>).</summary>
    public string MasterSocketPath => Options.MasterSocketPath;

    /// <summary>The stats socket at admin level that <see cref="HAProxyTestConfig"/> configs declare.</summary>
    public string AdminSocketPath => Path.Combine(Directory, "admin.sock");

    /// <summary>The pid file (<c>-p</c>); it holds the master's pid.</summary>
    public string PidFilePath => Options.PidFilePath;

    /// <summary>The master's process id.</summary>
    public int MasterPid => (_supervisor ?? throw NotStarted()).MasterPid;

    /// <summary>Everything HAProxy has printed (master and workers share the supervisor's pipes).</summary>
    public string Log => _supervisor?.Log ?? "";

    /// <summary><see cref="HAProxyTestConfig.Minimal"/> with this fixture's admin socket.</summary>
    public string MinimalConfig(int frontendPort, params IEnumerable<(string Name, IPEndPoint Address)> servers) =>
        HAProxyTestConfig.Minimal(AdminSocketPath, frontendPort, servers);

    /// <summary>Writes <paramref name="configText"/> to <see cref="CandidateConfigPath"/> and runs <c>haproxy -c</c> on it.</summary>
    public async Task<ProcessResult> CheckConfigAsync(string configText, CancellationToken cancellationToken = default)
    {
        await AtomicFile.WriteAsync(CandidateConfigPath, configText, cancellationToken);
        return await CheckFileAsync(CandidateConfigPath, cancellationToken);
    }

    /// <summary>Replaces <see cref="ConfigPath"/> atomically; a running HAProxy reads it on the next reload.</summary>
    public Task WriteConfigAsync(string configText, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(ConfigPath, configText, cancellationToken);

    /// <summary>
    /// Writes the config, validates it with <c>haproxy -c</c>, starts the master and waits (bounded)
    /// until the master CLI answers and a worker answers through it.
    /// </summary>
    /// <returns>The master's <c>show proc</c> once the worker is up.</returns>
    /// <exception cref="InvalidOperationException">The config is invalid (the message carries haproxy's output), or HAProxy exited while starting.</exception>
    /// <exception cref="TimeoutException">HAProxy did not come up in time.</exception>
    public async Task<HAProxyProcessList> StartAsync(string configText, CancellationToken cancellationToken = default)
    {
        if (_supervisor is not null)
        {
            throw new InvalidOperationException("This HAProxy fixture is already started; use ReloadAsync to change its config.");
        }

        await WriteConfigAsync(configText, cancellationToken);
        var check = await CheckFileAsync(ConfigPath, cancellationToken);
        if (!check.Succeeded)
        {
            throw new InvalidOperationException(
                $"haproxy -c rejected the test config (exit code {check.ExitCode}):\n{Output(check)}\n--- {ConfigPath} ---\n{Numbered(configText)}");
        }

        var supervisor = new HAProxySupervisor(Options);
        _supervisor = supervisor;
        try
        {
            return await supervisor.StartAsync(cancellationToken);
        }
        catch
        {
            // xUnit skips DisposeAsync when setup fails: nothing may outlive it.
            _supervisor = null;
            await supervisor.StopAsync(CancellationToken.None);
            await supervisor.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one command to the master CLI and returns the answer.</summary>
    public Task<string> MasterCommandAsync(string command, CancellationToken cancellationToken = default) =>
        _client.SendAsync(MasterSocketPath, command, cancellationToken);

    /// <summary>Sends one command to the admin stats socket (runtime API) and returns the answer.</summary>
    public Task<string> RuntimeCommandAsync(string command, CancellationToken cancellationToken = default) =>
        _client.SendAsync(AdminSocketPath, command, cancellationToken);

    /// <summary>The master's <c>show proc</c>, parsed.</summary>
    public async Task<HAProxyProcessList> ShowProcAsync(CancellationToken cancellationToken = default) =>
        ShowProcParser.Parse(await MasterCommandAsync("show proc", cancellationToken));

    /// <summary>
    /// Sends <c>reload</c> to the master and confirms through <c>show proc</c> that a new worker runs
    /// the current <see cref="ConfigPath"/>.
    /// </summary>
    /// <returns>The master's <c>show proc</c> after the reload.</returns>
    /// <exception cref="InvalidOperationException">The reload failed; the message carries HAProxy's output.</exception>
    public async Task<HAProxyProcessList> ReloadAsync(CancellationToken cancellationToken = default)
    {
        var result = await TryReloadAsync(cancellationToken);
        return result.Succeeded
            ? result.After
            : throw new InvalidOperationException(
                $"HAProxy's reload failed; the previous worker keeps serving. Its output:\n{result.Output}");
    }

    /// <summary>
    /// Sends <c>reload</c> to the master and waits (bounded) until the master has counted it, then
    /// reports whether it failed (the master's <c>[failed: N]</c>) or a new, answering worker runs.
    /// </summary>
    /// <exception cref="TimeoutException">The master did not finish the reload in time.</exception>
    public Task<HAProxyReloadResult> TryReloadAsync(CancellationToken cancellationToken = default) =>
        (_supervisor ?? throw NotStarted()).ReloadAsync(cancellationToken);

    /// <summary>Stops HAProxy (SIGTERM to the master, SIGKILL if it lingers) and deletes the directory. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _supervisor, null) is { } supervisor)
        {
            await supervisor.StopAsync(CancellationToken.None);
            await supervisor.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing left to delete.
        }
    }

    private async Task<ProcessResult> CheckFileAsync(string path, CancellationToken cancellationToken) =>
        await ProcessRunner.RunAsync(
            HAProxyPath,
            ["-c", "-f", path],
            new ProcessOptions { WorkingDirectory = Directory, Timeout = CheckTimeout },
            cancellationToken);

    private static string Output(ProcessResult result) => (result.StandardError + result.StandardOutput).Trim();

    private static string Numbered(string text) =>
        string.Join('\n', text.Split('\n').Select((line, index) => $"{index + 1,4}  {line}"));

    private static InvalidOperationException NotStarted() => new("This HAProxy fixture is not started; call StartAsync first.");
}
