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

    /// <summary>
    /// Starts a long-running child (a server under supervision) in a session of its own (<see cref="Command"/>), its
    /// standard output and error passed line by line to <paramref name="output"/>. <see cref="ProcessRunner"/> only runs
    /// programs to completion; this is the one way a supervisor starts the program it watches.
    /// </summary>
    /// <exception cref="ProcessStartException">The program (or setsid) could not be started.</exception>
    public static System.Diagnostics.Process Start(string program, IEnumerable<string> arguments, string workingDirectory, Action<string?> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var command = Command(program, arguments);
        var startInfo = new System.Diagnostics.ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new System.Diagnostics.Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output(e.Data);
        process.ErrorDataReceived += (_, e) => output(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new ProcessStartException(program, ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
