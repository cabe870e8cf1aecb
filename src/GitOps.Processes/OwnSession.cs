namespace GitOps.Processes;

/// <summary>
/// Command lines that run a program in a session of its own, through util-linux's <c>setsid</c>: out of the
/// caller's process group and away from its terminal. Ctrl-C (SIGINT to the terminal's foreground group) and a
/// closed terminal (SIGHUP) then reach only the caller, which stops its helpers in order, or leaves them
/// running on purpose (HAProxy after the agent stops).
/// </summary>
public static class OwnSession
{
    private const string Program = "setsid";

    /// <summary>
    /// <c>setsid program arguments…</c>. A child of this process is never a process group leader, so setsid
    /// calls setsid(2) and executes the program in place: the child's pid is the program's own.
    /// </summary>
    /// <exception cref="ProcessStartException">setsid is not installed (util-linux).</exception>
    public static IReadOnlyList<string> Command(string program, IEnumerable<string> arguments)
    {
        var setsid = ProcessRunner.FindOnPath(Program)
            ?? throw new ProcessStartException(Program, new FileNotFoundException($"'{Program}' (util-linux) was not found on PATH."));
        return [setsid, program, .. arguments];
    }
}
