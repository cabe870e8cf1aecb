using System.Diagnostics;
using System.Globalization;
using System.Text;
using GitOps.Core.Logging;
using GitOps.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOps.HAProxy.Runtime;

/// <summary>
/// Runs one HAProxy in master-worker mode (<c>haproxy -W -S &lt;dir&gt;/master.sock -f &lt;config&gt; -p &lt;dir&gt;/haproxy.pid</c>,
/// in the foreground as a child), keeps it running, reloads it through the master CLI, and stops it.
/// A master left running by an earlier agent (pid file names a live process whose master socket
/// answers) is adopted instead of starting a second one. HAProxy runs in a session of its own, so signals meant
/// for the agent's terminal never reach it. Disposing stops the supervision only: HAProxy keeps serving, so an
/// agent restart never drops traffic; <see cref="StopAsync"/> stops HAProxy.
/// </summary>
[LogEventArea(LogEventIds.HAProxySupervisor)]
public sealed partial class HAProxySupervisor : IAsyncDisposable
{
    private const int MaxLogChars = 256 * 1024;

    private readonly HAProxySupervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HAProxySocketClient _client = new(TimeSpan.FromSeconds(5));
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly StringBuilder _log = new();
    private readonly Lock _logLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Process? _child;
    private int _masterPid;
    private long _startedAt;
    private Task? _monitor;
    private int _restarts;
    private HAProxyProcessList? _lastProcesses;

    public HAProxySupervisor(HAProxySupervisorOptions options, TimeProvider? timeProvider = null, ILogger<HAProxySupervisor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public HAProxySupervisorOptions Options => _options;

    /// <summary>The master's pid; 0 before <see cref="StartAsync"/>.</summary>
    public int MasterPid => Volatile.Read(ref _masterPid);

    /// <summary>True when the running master was found running rather than started by this supervisor.</summary>
    public bool Adopted { get; private set; }

    /// <summary>How many times HAProxy was started again after it died.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>True while the master process exists.</summary>
    public bool IsRunning => PosixSignals.IsRunning(MasterPid);

    /// <summary>What the HAProxy processes this supervisor started have printed (bounded to the latest 256 KiB).</summary>
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

    /// <summary>
    /// Adopts the master the pid file names when it is alive and its master CLI answers; otherwise
    /// starts HAProxy on <see cref="HAProxySupervisorOptions.ConfigPath"/>. Waits (bounded) until a
    /// worker answers, then watches the master and restarts it if it dies (when enabled).
    /// </summary>
    /// <returns>The master's <c>show proc</c> once a worker is up.</returns>
    /// <exception cref="InvalidOperationException">Already started, or HAProxy exited while starting (the message carries its output).</exception>
    /// <exception cref="TimeoutException">No worker answered within <see cref="HAProxySupervisorOptions.StartTimeout"/>.</exception>
    public async Task<HAProxyProcessList> StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_masterPid != 0)
            {
                throw new InvalidOperationException("This HAProxy supervisor is already started.");
            }

            Directory.CreateDirectory(_options.RuntimeDirectory);
            var processes = await TryAdoptAsync(cancellationToken).ConfigureAwait(false)
                ?? await StartMasterAsync(cancellationToken).ConfigureAwait(false);
            if (_options.RestartOnExit)
            {
                _monitor = Task.Run(() => MonitorAsync(_stopping.Token), CancellationToken.None);
            }

            return processes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends one command to the master CLI and returns the answer.</summary>
    public Task<string> MasterCommandAsync(string command, CancellationToken cancellationToken) =>
        _client.SendAsync(_options.MasterSocketPath, command, cancellationToken);

    /// <summary>The master's <c>show proc</c>, parsed.</summary>
    public async Task<HAProxyProcessList> ShowProcAsync(CancellationToken cancellationToken) =>
        ShowProcParser.Parse(await MasterCommandAsync("show proc", cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Sends <c>reload</c> to the master (which re-reads the config file) and waits (bounded) until the
    /// master has counted it; then reports whether it failed (the master's <c>[failed: N]</c>; the old
    /// worker keeps serving) or a new worker answers.
    /// </summary>
    /// <exception cref="InvalidOperationException">HAProxy is not running.</exception>
    /// <exception cref="TimeoutException">The master did not finish the reload within <see cref="HAProxySupervisorOptions.ReloadTimeout"/>.</exception>
    public async Task<HAProxyReloadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureRunningAsync(cancellationToken).ConfigureAwait(false);
            var before = await ShowProcAsync(cancellationToken).ConfigureAwait(false);
            var logMark = LogLength();
            try
            {
                // HAProxy 2.6 answers nothing: the master re-executes itself and drops the connection.
                await MasterCommandAsync("reload", cancellationToken).ConfigureAwait(false);
            }
            catch (HAProxySocketException ex) when (!ex.IsUnavailable)
            {
                // The connection broke as the master re-executed; the reload is under way all the same.
            }

            var previousWorkers = before.Workers.Select(w => w.Pid).ToHashSet();
            var after = await PollAsync(
                _options.ReloadTimeout,
                async (processes, token) =>
                    processes.Master.Reloads > before.Master.Reloads
                    && (processes.LastReloadFailed
                        || (processes.Workers.Any(w => !previousWorkers.Contains(w.Pid)) && await WorkersAnswerAsync(processes, token).ConfigureAwait(false))),
                "finish a reload",
                cancellationToken).ConfigureAwait(false);
            return new HAProxyReloadResult(before, after, !after.LastReloadFailed, LogSince(logMark));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True when every current worker answers a command relayed by the master.</summary>
    public async Task<bool> WorkersAnswerAsync(HAProxyProcessList processes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(processes);
        if (processes.Workers.Count == 0)
        {
            return false;
        }

        foreach (var worker in processes.Workers)
        {
            try
            {
                var answer = await MasterCommandAsync($"@!{worker.Pid.ToString(CultureInfo.InvariantCulture)} show version", cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Stops supervising and stops HAProxy: SIGUSR1 (soft stop: listeners close, connections in
    /// flight finish) for up to <see cref="HAProxySupervisorOptions.SoftStopTimeout"/>, then SIGTERM,
    /// then SIGKILL to the master and its workers. Idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await StopMonitorAsync().ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var pid = _masterPid;
            if (pid == 0)
            {
                return;
            }

            var workers = await KnownWorkersAsync(cancellationToken).ConfigureAwait(false);
            if (_options.SoftStopTimeout > TimeSpan.Zero && PosixSignals.Send(pid, PosixSignals.SigUsr1)
                && await WaitForExitAsync(pid, _options.SoftStopTimeout, cancellationToken).ConfigureAwait(false))
            {
                LogStopped(_logger, pid, "soft stop");
            }
            else if (PosixSignals.Send(pid, PosixSignals.SigTerm) && await WaitForExitAsync(pid, _options.TerminateTimeout, cancellationToken).ConfigureAwait(false))
            {
                LogStopped(_logger, pid, "SIGTERM");
            }
            else
            {
                foreach (var process in workers.Prepend(pid))
                {
                    PosixSignals.Send(process, PosixSignals.SigKill);
                }

                await WaitForExitAsync(pid, _options.TerminateTimeout, cancellationToken).ConfigureAwait(false);
                LogStopped(_logger, pid, "SIGKILL");
            }

            // Workers of a killed master notice its death through their pipe and exit; make sure none lingers.
            foreach (var worker in workers)
            {
                PosixSignals.Send(worker, PosixSignals.SigKill);
            }

            ReleaseChild();
            Volatile.Write(ref _masterPid, 0);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops supervising; HAProxy keeps running (a later supervisor adopts it).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopMonitorAsync().ConfigureAwait(false);
        ReleaseChild();
        _stopping.Dispose();
    }

    private async Task StopMonitorAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_monitor is { } monitor)
        {
            await monitor.ConfigureAwait(false);
            _monitor = null;
        }
    }

    private async Task<HAProxyProcessList?> TryAdoptAsync(CancellationToken cancellationToken)
    {
        if (!TryReadPidFile(out var pid) || !PosixSignals.IsRunning(pid))
        {
            return null;
        }

        var processes = await TryShowProcAsync(cancellationToken).ConfigureAwait(false);
        if (processes?.Master.Pid != pid)
        {
            // The pid was reused by another process, or a master that does not answer its CLI: a
            // master of ours that is wedged is stopped so the new one can bind the same sockets and ports.
            if (IsOurMaster(pid))
            {
                LogWedged(_logger, pid);
                PosixSignals.Send(pid, PosixSignals.SigKill);
                await WaitForExitAsync(pid, _options.TerminateTimeout, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        Volatile.Write(ref _masterPid, pid);
        _startedAt = _time.GetTimestamp();
        Adopted = true;
        var serving = await PollAsync(_options.StartTimeout, WorkersAnswerAsync, "have a worker answering", cancellationToken).ConfigureAwait(false);
        LogAdopted(_logger, pid, serving.Master.Reloads);
        return serving;
    }

    private async Task<HAProxyProcessList> StartMasterAsync(CancellationToken cancellationToken)
    {
        var program = ProcessRunner.FindOnPath(_options.HAProxyProgram)
            ?? throw new InvalidOperationException(
                $"'{_options.HAProxyProgram}' was not found (looked on PATH and in /usr/sbin). Install HAProxy 2.6 with deploy/setup.sh.");

        // A long-running child under supervision: ProcessRunner (CliWrap) only runs programs to completion, and the
        // master's lifetime is its pid, not a task: a later agent adopts it from the pid file and stops it with
        // SIGUSR1/SIGTERM, where CliWrap offers a kill or an interrupt of a process it started itself. In a session of
        // its own, so Ctrl-C on the agent's terminal (SIGINT to the whole foreground group) or the terminal closing
        // reaches the agent only: HAProxy keeps serving, or is stopped in order by StopAsync.
        var process = OwnSession.Start(program, ["-W", "-S", _options.MasterSocketPath, "-f", _options.ConfigPath, "-p", _options.PidFilePath], _options.RuntimeDirectory, AppendLog);
        _child = process;
        Volatile.Write(ref _masterPid, process.Id);
        _startedAt = _time.GetTimestamp();
        Adopted = false;
        try
        {
            var processes = await PollAsync(_options.StartTimeout, WorkersAnswerAsync, "have a worker answering", cancellationToken).ConfigureAwait(false);
            LogStarted(_logger, process.Id, _options.ConfigPath);
            return processes;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !process.HasExited)
        {
            // The caller stops (Ctrl-C on the agent) while HAProxy comes up: not a failed start. Like a running HAProxy it
            // is left serving, in its own session; the caller decides whether to stop it, and the next agent adopts it.
            throw;
        }
        catch
        {
            // A half-started HAProxy must not outlive a failed start.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            ReleaseChild();
            Volatile.Write(ref _masterPid, 0);
            throw;
        }
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        var quickFailures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var child = _child;
                var exited = child is null ? Task.CompletedTask : child.WaitForExitAsync(cancellationToken);
                await Task.WhenAny(exited, Task.Delay(_options.MonitorInterval, _time, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (IsRunning)
                {
                    continue;
                }

                await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (IsRunning)
                    {
                        continue;
                    }

                    var ranFor = _time.GetElapsedTime(_startedAt);
                    quickFailures = ranFor >= _options.MaxRestartDelay ? 0 : quickFailures + 1;
                    var delay = RestartDelay(quickFailures);
                    LogDied(_logger, _masterPid, ranFor.TotalSeconds, delay.TotalSeconds, Tail(Log));
                    ReleaseChild();
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                    try
                    {
                        await StartMasterAsync(cancellationToken).ConfigureAwait(false);
                        Interlocked.Increment(ref _restarts);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Keep the old pid so the next round sees it dead and retries with a longer delay.
                        _startedAt = _time.GetTimestamp();
                        LogRestartFailed(_logger, ex);
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The watch must outlive one bad round: log it and look again on the next tick.
                LogMonitorError(_logger, ex);
            }
        }
    }

    /// <summary>
    /// The wait before restart number <paramref name="quickFailures"/> in a row: 0 for the first death
    /// of a process that ran long, then the minimum doubling up to the maximum.
    /// </summary>
    internal TimeSpan RestartDelay(int quickFailures)
    {
        if (quickFailures <= 0)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(quickFailures - 1, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.MinRestartDelay.Ticks * factor, _options.MaxRestartDelay.Ticks));
        return delay;
    }

    private async Task<HAProxyProcessList> PollAsync(
        TimeSpan timeout,
        Func<HAProxyProcessList, CancellationToken, Task<bool>> done,
        string what,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                await EnsureRunningAsync(deadline.Token).ConfigureAwait(false);
                var processes = await TryShowProcAsync(deadline.Token).ConfigureAwait(false);
                if (processes is not null && await done(processes, deadline.Token).ConfigureAwait(false))
                {
                    _lastProcesses = processes;
                    return processes;
                }

                await Task.Delay(_options.PollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"HAProxy did not {what} within {timeout.TotalSeconds:0.#} s. Its output:\n{Tail(Log)}");
        }
    }

    private async Task<HAProxyProcessList?> TryShowProcAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ShowProcAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HAProxySocketException or TimeoutException or FormatException)
        {
            // Not answering yet (starting) or for a moment (re-executing on reload).
            return null;
        }
    }

    private async Task<IReadOnlyList<int>> KnownWorkersAsync(CancellationToken cancellationToken)
    {
        var processes = await TryShowProcAsync(cancellationToken).ConfigureAwait(false) ?? _lastProcesses;
        return processes is null ? [] : [.. processes.Workers.Concat(processes.OldWorkers).Select(w => w.Pid)];
    }

    private Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken) =>
        PosixSignals.WaitForExitAsync(pid, timeout, _time, cancellationToken);

    /// <summary>How long an exited master's last output lines are waited for before its output is quoted.</summary>
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(2);

    private async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        var pid = MasterPid;
        if (pid == 0)
        {
            throw new InvalidOperationException("HAProxy is not started; call StartAsync first.");
        }

        if (!PosixSignals.IsRunning(pid))
        {
            if (_child is { } exited)
            {
                // The output is read asynchronously: its last lines (the reason it exited) may still be in the pipe. The
                // master may also be a zombie that /proc already shows dead but .NET has not reaped (HasExited still false).
                using var drained = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                drained.CancelAfter(OutputDrainTimeout);
                try
                {
                    await exited.WaitForExitAsync(drained.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // A worker still holds the pipe open: quote what has arrived.
                }
            }

            var code = _child is { HasExited: true } child ? $" with code {child.ExitCode}" : "";
            throw new InvalidOperationException($"HAProxy (master pid {pid}) exited{code}. Its output:\n{Tail(Log)}");
        }
    }

    private bool TryReadPidFile(out int pid)
    {
        pid = PidFile.Read(_options.PidFilePath) ?? 0;
        return pid != 0;
    }

    private bool IsOurMaster(int pid)
    {
        var arguments = PosixSignals.CommandLine(pid);
        return arguments.Count > 0
            && Path.GetFileName(arguments[0]).StartsWith("haproxy", StringComparison.Ordinal)
            && arguments.Contains(_options.MasterSocketPath);
    }

    private void ReleaseChild()
    {
        if (Interlocked.Exchange(ref _child, null) is { } child)
        {
            child.Dispose();
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
            if (_log.Length > MaxLogChars)
            {
                _log.Remove(0, _log.Length - (MaxLogChars / 2));
            }
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
            return mark <= _log.Length ? _log.ToString(mark, _log.Length - mark) : _log.ToString();
        }
    }

    private static string Tail(string text) => text.Length > 4000 ? "…" + text[^4000..] : text;

    [LoggerMessage(EventId = LogEventIds.HAProxySupervisor + 1, Level = LogLevel.Information, Message = "HAProxy master {Pid} started on {ConfigPath}")]
    private static partial void LogStarted(ILogger logger, int pid, string configPath);

    [LoggerMessage(EventId = LogEventIds.HAProxySupervisor + 2, Level = LogLevel.Information, Message = "Adopted the running HAProxy master {Pid} ({Reloads} reloads so far)")]
    private static partial void LogAdopted(ILogger logger, int pid, int reloads);

    [LoggerMessage(EventId = LogEventIds.HAProxySupervisor + 3, Level = LogLevel.Warning, Message = "HAProxy master {Pid} died after {Seconds:0.#} s; restarting in {Delay:0.#} s. Its output: {Output}")]
    private static partial void LogDied(ILogger logger, int pid, double seconds, double delay, string output);

    [LoggerMessage(EventId = LogEventIds.HAProxySupervisor + 4, Level = LogLevel.Error, Message = "Restarting HAProxy failed; trying again after the next backoff")]
    private static partial void LogRestartFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEventIds.HAProxySupervisor + 5, Level = LogLevel.Information, Message = "HAProxy master {Pid} stopped ({How})")]
    private static partial void LogStopped(ILogger logger, int pid, string how);

    [LoggerMessage(EventId = LogEventIds.HAProxySupervisor + 6, Level = LogLevel.Warning, Message = "HAProxy master {Pid} named by the pid file does not answer its CLI; killing it before starting anew")]
    private static partial void LogWedged(ILogger logger, int pid);

    [LoggerMessage(EventId = LogEventIds.HAProxySupervisor + 7, Level = LogLevel.Error, Message = "The HAProxy watch failed one round; it goes on")]
    private static partial void LogMonitorError(ILogger logger, Exception exception);
}
