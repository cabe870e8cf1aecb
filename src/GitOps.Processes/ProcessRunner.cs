using CliWrap;

namespace GitOps.Processes;

/// <summary>
/// Runs a program to completion and captures its output. The one way this code base starts
/// short-lived child processes (git, haproxy -c, initdb, pg_ctl, …).
/// </summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> passed verbatim (no shell).</summary>
    /// <exception cref="ProcessStartException">The program could not be started (missing, not executable).</exception>
    /// <exception cref="TimeoutException">The program ran longer than <see cref="ProcessOptions.Timeout"/>; it was killed.</exception>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        ProcessOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= ProcessOptions.Default;
        await using var started = Start(fileName, arguments, options);
        return await started.CompleteAsync(options.StandardInput, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> now, reading its standard input from a pipe that
    /// <see cref="StartedProcess.CompleteAsync"/> fills later; <see cref="ProcessOptions.StandardInput"/> is not used.
    /// </summary>
    /// <exception cref="ProcessStartException">The program could not be started (missing, not executable).</exception>
    public static StartedProcess StartWaitingForInput(string fileName, IEnumerable<string> arguments, ProcessOptions? options = null) =>
        Start(fileName, arguments, options ?? ProcessOptions.Default);

    /// <summary>Shorthand for <see cref="RunAsync"/> followed by <see cref="ProcessResult.EnsureSuccess"/>.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(
        string fileName,
        IEnumerable<string> arguments,
        ProcessOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(fileName, arguments, options, cancellationToken).ConfigureAwait(false);
        return result.EnsureSuccess();
    }

    /// <summary>Finds <paramref name="program"/> on PATH (or returns it when it is already a path); null when absent.</summary>
    public static string? FindOnPath(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"]))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static StartedProcess Start(string fileName, IEnumerable<string> arguments, ProcessOptions options)
    {
        var argumentList = arguments.ToList();
        var command = Cli.Wrap(fileName)
            .WithArguments(argumentList)
            .WithEnvironmentVariables(variables =>
            {
                // CliWrap removes a variable that is set to null, as ProcessOptions promises.
                foreach (var (name, value) in options.Environment)
                {
                    variables.Set(name, value);
                }
            })
            .WithValidation(CommandResultValidation.None);
        if (options.WorkingDirectory is not null)
        {
            command = command.WithWorkingDirectory(options.WorkingDirectory);
        }

        try
        {
            return new StartedProcess(command, Describe(fileName, argumentList), options.Timeout);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            // CliWrap wraps the operating system's error (e.g. "No such file or directory") in its own.
            throw new ProcessStartException(fileName, ex.InnerException ?? ex);
        }
    }

    private static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { fileName }.Concat(arguments.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)));
}
