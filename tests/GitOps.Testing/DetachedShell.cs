using GitOps.Processes;

namespace GitOps.Testing;

/// <summary>
/// Starts shell scripts that outlive the test process: in their own session, with stdin, stdout and
/// stderr away from the test process's pipes, so neither the runner killing the test host nor
/// <see cref="ProcessRunner"/> waiting for output end holds on to them.
/// </summary>
internal static class DetachedShell
{
    /// <summary>Starts <paramref name="script"/> under <c>sh</c> in the background, appending its output to <paramref name="logFile"/>.</summary>
    public static async Task StartAsync(string script, string logFile, CancellationToken cancellationToken)
    {
        var launcher = $"setsid sh -c {Quote(script)} >> {Quote(logFile)} 2>&1 < /dev/null &";
        await ProcessRunner.RunCheckedAsync("sh", ["-c", launcher], cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="cleanupScript"/> once this test process has exited, however it exits
    /// (the test runner kills its host right after the run, often before ProcessExit handlers finish).
    /// The watch ends early, without cleanup, when <paramref name="stillNeededTest"/> (a shell test) fails.
    /// </summary>
    public static Task WatchProcessExitAsync(string cleanupScript, string stillNeededTest, CancellationToken cancellationToken)
    {
        var script = $"""
            while kill -0 {Environment.ProcessId} 2>/dev/null; do
              {stillNeededTest} || exit 0
              sleep 1
            done
            {cleanupScript}
            """;
        return StartAsync(script, "/dev/null", cancellationToken);
    }

    /// <summary>Quotes <paramref name="value"/> as one word for <c>sh</c>.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
