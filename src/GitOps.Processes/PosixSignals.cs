using System.Runtime.InteropServices;

namespace GitOps.Processes;

/// <summary>
/// Sends a signal to a process and tells whether one runs: .NET can only SIGKILL, while HAProxy's master
/// soft-stops on SIGUSR1 and stops on SIGTERM, and a hang-up is answered by turning it into a SIGTERM; keepalived
/// re-reads its configuration on SIGHUP.
/// </summary>
public static class PosixSignals
{
    public const int SigHup = 1;
    public const int SigKill = 9;
    public const int SigUsr1 = 10;
    public const int SigTerm = 15;

    private static readonly TimeSpan ExitPollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Returns false when the process no longer exists.</summary>
    public static bool Send(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>
    /// True while <paramref name="pid"/> exists and is not a zombie (a dead child its parent has not
    /// reaped yet no longer runs, though the kernel still lists it).
    /// </summary>
    public static bool IsRunning(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }

        var afterName = stat.LastIndexOf(')');
        return afterName < 0 || afterName + 2 >= stat.Length || stat[afterName + 2] != 'Z';
    }

    /// <summary>
    /// Polls every 20 ms until <paramref name="pid"/> no longer runs; false when it still runs after <paramref name="timeout"/>.
    /// There is no exit notification for a process that is not our child (an adopted one).
    /// </summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        while (IsRunning(pid))
        {
            if (time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(ExitPollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The process's command line arguments, or empty when it is gone.</summary>
    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return [];
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}
