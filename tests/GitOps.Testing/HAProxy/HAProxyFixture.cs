using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using GitOps.HAProxy.Runtime;
using GitOps.Processes;

namespace GitOps.Testing.HAProxy;

/// <summary>
/// A real HAProxy 2.6 in master-worker mode, in its own temporary directory:
/// <c>haproxy -W -S &lt;dir&gt;/master.sock -f &lt;dir&gt;/haproxy.cfg -p &lt;dir&gt;/haproxy.pid</c>, run in the
/// foreground as a child of the test process. Configs built with <see cref="MinimalConfig"/> or
/// <see cref="HAProxyTestConfig"/> put an admin-level stats socket at <see cref="AdminSocketPath"/>.
/// Dispose it to stop HAProxy and delete the directory.
/// </summary>
public sealed class HAProxyFixture : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly HAProxySocketClient _client = new(TimeSpan.FromSeconds(5));
    private readonly StringBuilder _log = new();
    private readonly Lock _logLock = new();
    private Process? _process;

    /// <exception cref="InvalidOperationException">haproxy is not installed.</exception>
    public HAProxyFixture()
    {
        HAProxyPath = ProcessRunner.FindOnPath("haproxy")
            ?? throw new InvalidOperationException(
                "haproxy is not installed (looked on PATH and in /usr/sbin). Run deploy/setup.sh to install the project's dependencies.");
        Directory = System.IO.Directory.CreateTempSubdirectory("gitops-haproxy-").FullName;
    }

    /// <summary>The haproxy executable.</summary>
    public string HAProxyPath { get; }

    /// <summary>The temporary directory holding config, sockets and pid file; deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>The file HAProxy runs (and reloads) from.</summary>
    public string ConfigPath => Path.Combine(Directory, "haproxy.cfg");

    /// <summary>Where <see cref="CheckConfigAsync"/> writes the text it checks.</summary>
    public string CandidateConfigPath => Path.Combine(Directory, "candidate.cfg");

    /// <summary>The master CLI socket (<c>-S</c>).</summary>
    public string MasterSocketPath => Path.Combine(Directory, "master.sock");

    /// <summary>The stats socket at admin level that <see cref="HAProxyTestConfig"/> configs declare.</summary>
    public string AdminSocketPath => Path.Combine(Directory, "admin.sock");

    /// <summary>The pid file (<c>-p</c>); it holds the master's pid.</summary>
    public string PidFilePath => Path.Combine(Directory, "haproxy.pid");

    /// <summary>The master's process id.</summary>
    public int MasterPid => (_process ?? throw NotStarted()).Id;

    /// <summary>Everything HAProxy has printed (master and workers share the fixture's pipes).</summary>
    public string Log
    {
        get
        {
            lock (_logLock)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary><see cref="HAProxyTestConfig.Minimal"/> with this fixture's admin socket.</summary>
    public string MinimalConfig(int frontendPort, params IEnumerable<(string Name, IPEndPoint Address)> servers) =>
        HAProxyTestConfig.Minimal(AdminSocketPath, frontendPort, servers);

    /// <summary>Writes <paramref name="configText"/> to <see cref="CandidateConfigPath"/> and runs <c>haproxy -c</c> on it.</summary>
    public async Task<ProcessResult> CheckConfigAsync(string configText, CancellationToken cancellationToken = default)
    {
        await WriteAtomicallyAsync(CandidateConfigPath, configText, cancellationToken);
        return await CheckFileAsync(CandidateConfigPath, cancellationToken);
    }

    /// <summary>Replaces <see cref="ConfigPath"/> atomically; a running HAProxy reads it on the next reload.</summary>
    public Task WriteConfigAsync(string configText, CancellationToken cancellationToken = default) =>
        WriteAtomicallyAsync(ConfigPath, configText, cancellationToken);

    /// <summary>
    /// Writes the config, validates it with <c>haproxy -c</c>, starts the master and waits (bounded)
    /// until the master CLI answers and a worker answers through it.
    /// </summary>
    /// <returns>The master's <c>show proc</c> once the worker is up.</returns>
    /// <exception cref="InvalidOperationException">The config is invalid (the message carries haproxy's output), or HAProxy exited while starting.</exception>
    /// <exception cref="TimeoutException">HAProxy did not come up in time.</exception>
    public async Task<HAProxyProcessList> StartAsync(string configText, CancellationToken cancellationToken = default)
    {
        if (_process is not null)
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

        var process = StartMaster();
        _process = process;
        try
        {
            return await WaitUntilServingAsync(cancellationToken);
        }
        catch
        {
            // A half-started HAProxy must not outlive a test whose setup failed (xUnit then skips DisposeAsync).
            _process = null;
            await StopAsync(process);
            process.Dispose();
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
    public async Task<HAProxyReloadResult> TryReloadAsync(CancellationToken cancellationToken = default)
    {
        EnsureRunning();
        var before = await ShowProcAsync(cancellationToken);
        var logMark = LogLength();
        try
        {
            // HAProxy 2.6 answers nothing: the master re-executes itself and drops the connection.
            await MasterCommandAsync("reload", cancellationToken);
        }
        catch (HAProxySocketException ex) when (!ex.IsUnavailable)
        {
            // The connection broke as the master re-executed; the reload is under way all the same.
        }

        var previousWorkers = before.Workers.Select(w => w.Pid).ToHashSet();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ReloadTimeout);
        try
        {
            while (true)
            {
                EnsureRunning();
                var after = await TryShowProcAsync(deadline.Token);
                if (after is not null && after.Master.Reloads > before.Master.Reloads)
                {
                    if (after.LastReloadFailed)
                    {
                        return new HAProxyReloadResult(before, after, Succeeded: false, LogSince(logMark));
                    }

                    if (after.Workers.Any(w => !previousWorkers.Contains(w.Pid)) && await WorkersAnswerAsync(after, deadline.Token))
                    {
                        return new HAProxyReloadResult(before, after, Succeeded: true, LogSince(logMark));
                    }
                }

                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"HAProxy did not finish a reload within {ReloadTimeout.TotalSeconds:0} s. Its output:\n{LogSince(logMark)}");
        }
    }

    /// <summary>Stops HAProxy (SIGTERM to the master, SIGKILL to the tree if it lingers) and deletes the directory. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            await StopAsync(process);
            process.Dispose();
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

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        PosixSignals.Send(process.Id, PosixSignals.SigTerm);
        using var grace = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private Process StartMaster()
    {
        // A long-running child the fixture supervises: ProcessRunner only runs programs to completion.
        var startInfo = new ProcessStartInfo(HAProxyPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (var argument in new[] { "-W", "-S", MasterSocketPath, "-f", ConfigPath, "-p", PidFilePath })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => AppendLog(e.Data);
        process.ErrorDataReceived += (_, e) => AppendLog(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new ProcessStartException(HAProxyPath, ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<HAProxyProcessList> WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        try
        {
            while (true)
            {
                EnsureRunning();
                var processes = await TryShowProcAsync(deadline.Token);
                if (processes is { Workers.Count: > 0 } && await WorkersAnswerAsync(processes, deadline.Token))
                {
                    return processes;
                }

                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"HAProxy did not have a worker answering within {StartTimeout.TotalSeconds:0} s. Its output:\n{Log}");
        }
    }

    private async Task<ProcessResult> CheckFileAsync(string path, CancellationToken cancellationToken) =>
        await ProcessRunner.RunAsync(
            HAProxyPath,
            ["-c", "-f", path],
            new ProcessOptions { WorkingDirectory = Directory, Timeout = CheckTimeout },
            cancellationToken);

    /// <summary>show proc, or null while the master CLI is not answering (starting, re-executing).</summary>
    private async Task<HAProxyProcessList?> TryShowProcAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ShowProcAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HAProxySocketException or TimeoutException or FormatException)
        {
            return null;
        }
    }

    /// <summary>True when every current worker answers a command relayed by the master, so it is serving.</summary>
    private async Task<bool> WorkersAnswerAsync(HAProxyProcessList processes, CancellationToken cancellationToken)
    {
        foreach (var worker in processes.Workers)
        {
            try
            {
                var answer = await MasterCommandAsync($"@!{worker.Pid.ToString(CultureInfo.InvariantCulture)} show version", cancellationToken);
                if (answer.Trim() != worker.Version)
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is HAProxySocketException or TimeoutException)
            {
                return false;
            }
        }

        return true;
    }

    private void EnsureRunning()
    {
        var process = _process ?? throw NotStarted();
        if (process.HasExited)
        {
            throw new InvalidOperationException($"HAProxy exited with code {process.ExitCode}. Its output:\n{Log}");
        }
    }

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log.Append(line).Append('\n');
        }
    }

    private int LogLength()
    {
        lock (_logLock)
        {
            return _log.Length;
        }
    }

    private string LogSince(int mark)
    {
        lock (_logLock)
        {
            return _log.ToString(mark, _log.Length - mark);
        }
    }

    private static async Task WriteAtomicallyAsync(string path, string text, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Output(ProcessResult result) => (result.StandardError + result.StandardOutput).Trim();

    private static string Numbered(string text) =>
        string.Join('\n', text.Split('\n').Select((line, index) => $"{index + 1,4}  {line}"));

    private static InvalidOperationException NotStarted() => new("This HAProxy fixture is not started; call StartAsync first.");
}
