using System.Runtime.InteropServices;

namespace GitOps.Testing.HAProxy;

/// <summary>Sends a signal to a process: .NET can only SIGKILL, and HAProxy's master stops cleanly on SIGTERM.</summary>
internal static class PosixSignals
{
    public const int SigTerm = 15;

    /// <summary>Returns false when the process no longer exists.</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}
