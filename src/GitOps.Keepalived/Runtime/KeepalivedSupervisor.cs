using System.Diagnostics;
using GitOps.Core.Logging;
using GitOps.Keepalived.Rendering;
using GitOps.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOps.Keepalived.Runtime;

/// <summary>
/// Runs one keepalived for one host, the way <c>HAProxySupervisor</c> runs HAProxy: in the foreground as a child in a
/// session of its own (<c>keepalived -n -l -D -P</c>, VRRP only, its own configuration and three pid files under
/// <see cref="KeepalivedPaths"/>), adopting one a previous agent left running (the pid file names a live keepalived of
/// this configuration), restarted when it dies, reloaded by SIGHUP. Disposing stops the supervision only: keepalived
/// keeps holding (or standing by for) the address, so an agent restart never moves it; <see cref="StopAsync"/> stops
/// keepalived, which releases the address first (its peers take over at once).
/// </summary>
[LogEventArea(LogEventIds.Keepalived)]
public sealed partial class KeepalivedSupervisor : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly string program;
    private readonly KeepalivedPaths paths;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private Process? child;
    private int pid;
    private Task? monitor;

    public KeepalivedSupervisor(string keepalivedProgram, KeepalivedPaths paths, TimeProvider? timeProvider = null, ILogger<KeepalivedSupervisor>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keepalivedProgram);
        ArgumentNullException.ThrowIfNull(paths);
        program = keepalivedProgram;
        this.paths = paths;
        time = timeProvider ?? TimeProvider.System;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>keepalived's parent pid; 0 before <see cref="StartAsync"/>.</summary>
    public int Pid => Volatile.Read(ref pid);

    public bool IsRunning => PosixSignals.IsRunning(Pid);

    /// <summary>Adopts the keepalived the pid file names, or starts one on <see cref="KeepalivedPaths.ConfigPath"/>; then watches it.</summary>
    /// <exception cref="ProcessStartException">keepalived (or setsid) is not installed.</exception>
    /// <exception cref="InvalidOperationException">keepalived exited while starting; the message carries its output.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (pid != 0)
            {
                throw new InvalidOperationException("This keepalived supervisor is already started.");
            }

            if (ReadPidFile() is { } running && IsOurs(running))
            {
                Volatile.Write(ref pid, running);
                LogAdopted(logger, running, paths.ConfigPath);
            }
            else
            {
                await StartChildAsync(cancellationToken).ConfigureAwait(false);
            }

            monitor = Task.Run(() => MonitorAsync(stopping.Token), CancellationToken.None);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Has keepalived re-read its configuration (SIGHUP): instances keep their state, changed ones are rebuilt.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!PosixSignals.Send(pid, PosixSignals.SigHup))
            {
                throw new InvalidOperationException($"keepalived (pid {pid}) is not running; it cannot be reloaded.");
            }

            LogReloaded(logger, pid);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Stops keepalived: SIGTERM, on which it leaves every instance (removing the addresses it holds and telling its
    /// peers with a priority-0 advert, so one takes over at once), then SIGKILL after a bounded wait. Idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await StopMonitorAsync().ConfigureAwait(false);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var running = pid;
            if (running == 0)
            {
                return;
            }

            var how = "SIGTERM";
            if (!PosixSignals.Send(running, PosixSignals.SigTerm) || !await WaitForExitAsync(running, cancellationToken).ConfigureAwait(false))
            {
                PosixSignals.Send(running, PosixSignals.SigKill);
                await WaitForExitAsync(running, cancellationToken).ConfigureAwait(false);
                how = "SIGKILL";
            }

            LogStopped(logger, running, how);
            ReleaseChild();
            Volatile.Write(ref pid, 0);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops supervising; keepalived keeps running (a later supervisor adopts it).</summary>
    public async ValueTask DisposeAsync()
    {
        await StopMonitorAsync().ConfigureAwait(false);
        ReleaseChild();
        stopping.Dispose();
        gate.Dispose();
    }

    private async Task StartChildAsync(CancellationToken cancellationToken)
    {
        var path = ProcessRunner.FindOnPath(program)
            ?? throw new ProcessStartException(program, new FileNotFoundException($"'{program}' was not found (looked on PATH and in /usr/sbin). Install keepalived with deploy/setup.sh."));
        RemoveStaleFifo();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = OwnSession.Start(
            path,
            ["-n", "-l", "-D", "-P", "-f", paths.ConfigPath, "-p", paths.PidFilePath, "-r", paths.VrrpPidFilePath, "-c", paths.CheckerPidFilePath],
            paths.Directory,
            line =>
            {
                if (line is not null)
                {
                    output.Enqueue(line);
                    LogOutput(logger, line);
                }
            });
        child = process;
        Volatile.Write(ref pid, process.Id);

        // Up once it wrote its pid file: it has read its configuration and started the VRRP process.
        var started = time.GetTimestamp();
        while (ReadPidFile() != process.Id)
        {
            if (process.HasExited || time.GetElapsedTime(started) > StartTimeout)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                ReleaseChild();
                Volatile.Write(ref pid, 0);
                throw new InvalidOperationException($"keepalived did not start on {paths.ConfigPath}. Its output:\n{string.Join('\n', output)}");
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        LogStarted(logger, process.Id, paths.ConfigPath);
    }

    private async Task MonitorAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
                if (IsRunning)
                {
                    continue;
                }

                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (!IsRunning)
                    {
                        LogDied(logger, pid);
                        ReleaseChild();
                        await StartChildAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The watch outlives one failed restart: logged, tried again on the next round.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRestartFailed(logger, ex);
            }
        }
    }

    private async Task StopMonitorAsync()
    {
        if (!stopping.IsCancellationRequested)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
        }

        if (monitor is { } running)
        {
            await running.ConfigureAwait(false);
            monitor = null;
        }
    }

    /// <summary>
    /// Removes what an earlier keepalived left at the notify FIFO's path (it removes its FIFO when it stops, not when it is
    /// killed). keepalived uses whatever it finds there: a FIFO left behind would do, but a regular file in its place
    /// would take every state change while the reader, finding its end at once, records none.
    /// </summary>
    private void RemoveStaleFifo()
    {
        if (File.Exists(paths.NotifyFifoPath))
        {
            File.Delete(paths.NotifyFifoPath);
            LogStaleFifoRemoved(logger, paths.NotifyFifoPath);
        }
    }

    private Task<bool> WaitForExitAsync(int process, CancellationToken cancellationToken) =>
        PosixSignals.WaitForExitAsync(process, StopTimeout, time, cancellationToken);

    private int? ReadPidFile() => PidFile.Read(paths.PidFilePath);

    /// <summary>A live keepalived started on this configuration file (a reused pid, or another host's keepalived, is not).</summary>
    private bool IsOurs(int process)
    {
        var arguments = PosixSignals.CommandLine(process);
        return PosixSignals.IsRunning(process) && arguments.Count > 0
            && Path.GetFileName(arguments[0]).StartsWith("keepalived", StringComparison.Ordinal)
            && arguments.Contains(paths.ConfigPath);
    }

    private void ReleaseChild()
    {
        if (Interlocked.Exchange(ref child, null) is { } process)
        {
            process.Dispose();
        }
    }

    [LoggerMessage(EventId = LogEventIds.Keepalived + 1, Level = LogLevel.Information, Message = "keepalived {Pid} started on {ConfigPath}")]
    private static partial void LogStarted(ILogger logger, int pid, string configPath);

    [LoggerMessage(EventId = LogEventIds.Keepalived + 2, Level = LogLevel.Information, Message = "Adopted the running keepalived {Pid} of {ConfigPath}")]
    private static partial void LogAdopted(ILogger logger, int pid, string configPath);

    [LoggerMessage(EventId = LogEventIds.Keepalived + 3, Level = LogLevel.Information, Message = "keepalived {Pid} reloading its configuration (SIGHUP)")]
    private static partial void LogReloaded(ILogger logger, int pid);

    [LoggerMessage(EventId = LogEventIds.Keepalived + 4, Level = LogLevel.Information, Message = "keepalived {Pid} stopped ({How}); the addresses it held are released")]
    private static partial void LogStopped(ILogger logger, int pid, string how);

    [LoggerMessage(EventId = LogEventIds.Keepalived + 5, Level = LogLevel.Warning, Message = "keepalived {Pid} died; starting it again")]
    private static partial void LogDied(ILogger logger, int pid);

    [LoggerMessage(EventId = LogEventIds.Keepalived + 6, Level = LogLevel.Error, Message = "Restarting keepalived failed; trying again shortly")]
    private static partial void LogRestartFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEventIds.Keepalived + 7, Level = LogLevel.Debug, Message = "keepalived: {Line}")]
    private static partial void LogOutput(ILogger logger, string line);

    [LoggerMessage(EventId = LogEventIds.Keepalived + 8, Level = LogLevel.Information, Message = "Removed {Path}, left by an earlier keepalived; the one starting now makes a new notify FIFO")]
    private static partial void LogStaleFifoRemoved(ILogger logger, string path);
}
