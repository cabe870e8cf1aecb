using System.Diagnostics;
using System.Globalization;
using System.Text;
using GitOps.Processes;
using GitOps.Testing.Network;

namespace GitOps.Testing.Cli;

/// <summary>
/// The built <c>gitops</c> (gitops.dll beside the tests) run as a real child process: long-running commands
/// (<c>up</c>, <c>controller</c>, <c>agent</c>) with their output captured, stopped by SIGINT like Ctrl-C or SIGKILL;
/// short ones to completion through <see cref="ProcessRunner"/>. Disposing kills whatever still runs, with its children.
/// </summary>
public sealed class GitOpsProcess : IAsyncDisposable
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "gitops.dll");
    private static readonly string Dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();
    private readonly Lock gate = new();

    private GitOpsProcess(Process process, string description)
    {
        this.process = process;
        Description = description;
    }

    public string Description { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (gate)
            {
                return error.ToString();
            }
        }
    }

    /// <summary>Starts <c>gitops arguments…</c> in the background. A long-running process of its own: ProcessRunner only runs programs to completion.</summary>
    public static GitOpsProcess Start(params string[] arguments) => Start([Dotnet, Dll, .. arguments], arguments);

    /// <summary>Starts <c>gitops arguments…</c> in the background inside network namespace <paramref name="ns"/> (<c>ip netns exec</c>, same pid).</summary>
    public static GitOpsProcess StartIn(NetworkNamespace ns, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return Start([.. ns.Exec([Dotnet, Dll, .. arguments])], arguments);
    }

    /// <summary>
    /// Starts <c>gitops arguments…</c> as a terminal's shell runs a command: leading a process group (and session) of its
    /// own, which <see cref="SignalGroupAsync"/> signals as a whole, the way Ctrl-C and a closed terminal do.
    /// </summary>
    public static GitOpsProcess StartAsTerminalJob(params string[] arguments) => Start([.. OwnSession.Command(Dotnet, [Dll, .. arguments])], arguments);

    /// <summary>
    /// Starts <c>gitops arguments…</c> on a pseudo-terminal of its own (util-linux <c>script</c>), as in a terminal window:
    /// it leads the terminal's session, its standard output comes back through <c>script</c>, its log goes to
    /// <paramref name="errorLog"/>. <see cref="KillAsync"/> then closes the terminal: the kernel hangs it up and sends
    /// gitops (<see cref="TerminalJobPid"/>) SIGHUP, and its writes to the terminal fail from then on.
    /// </summary>
    public static GitOpsProcess StartOnTerminal(string errorLog, params string[] arguments)
    {
        var command = string.Join(' ', new[] { Dotnet, Dll }.Concat(arguments).Select(DetachedShell.Quote));
        var script = ProcessRunner.FindOnPath("script") ?? throw new InvalidOperationException("util-linux's script is not installed.");
        return Start([script, "--quiet", "--command", $"exec {command} 2>{DetachedShell.Quote(errorLog)}", "/dev/null"], arguments);
    }

    /// <summary>The pid of gitops itself when started by <see cref="StartOnTerminal"/> (a child of <c>script</c>).</summary>
    public int TerminalJobPid() =>
        int.Parse(File.ReadAllText($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/task/{Id.ToString(CultureInfo.InvariantCulture)}/children").Trim(), CultureInfo.InvariantCulture);

    private static GitOpsProcess Start(string[] command, string[] arguments)
    {
        // Ignored signals are inherited: a test run started as a background job of a non-interactive shell ignores SIGINT,
        // and so would every gitops it starts. coreutils' env gives them the default dispositions a terminal's shell gives.
        var env = ProcessRunner.FindOnPath("env") ?? throw new InvalidOperationException("coreutils' env is not installed.");
        command = [env, "--default-signal=INT,HUP,TERM", .. command];
        var startInfo = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The tests name every store and engine explicitly; what the machine's environment says must not leak in.
        startInfo.Environment.Remove("GITOPS_STORE");
        startInfo.Environment.Remove("GITOPS_DATA_DIR");
        var process = new Process { StartInfo = startInfo };
        var started = new GitOpsProcess(process, "gitops " + string.Join(' ', arguments));
        process.OutputDataReceived += (_, e) => started.Append(started.output, e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(started.error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Runs <c>gitops arguments…</c> to completion (bounded to one minute).</summary>
    public static Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(
            Dotnet,
            [Dll, .. arguments],
            new ProcessOptions { Timeout = TimeSpan.FromMinutes(1), Environment = new Dictionary<string, string?> { ["GITOPS_STORE"] = null, ["GITOPS_DATA_DIR"] = null } });

    /// <summary>Waits until the standard output has a line containing <paramref name="text"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the process ended; the message carries its output.</exception>
    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        WaitForAsync(() => Output.Contains(text, StringComparison.Ordinal), $"print \"{text}\"", timeout);

    /// <summary>Waits until the standard error (the log) has <paramref name="count"/> lines containing <paramref name="text"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the process ended; the message carries its output.</exception>
    public Task WaitForLogAsync(string text, int count, TimeSpan timeout) =>
        WaitForAsync(() => Error.Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal)) >= count, $"log \"{text}\" {count} times", timeout);

    private async Task WaitForAsync(Func<bool> done, string what, TimeSpan timeout)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!done())
        {
            if (process.HasExited || TimeProvider.System.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"'{Description}' did not {what} within {timeout.TotalSeconds:0} s{(process.HasExited ? " (it exited)" : "")}.\n{Transcript()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sends SIGINT (Ctrl-C) and waits for the exit; returns the exit code.</summary>
    public Task<int> InterruptAsync(TimeSpan timeout) => SignalAsync(["-INT", Id.ToString(CultureInfo.InvariantCulture)], timeout);

    /// <summary>
    /// Sends <paramref name="signal"/> (INT for Ctrl-C, HUP for a closed terminal, TERM) to the whole process group of a
    /// process started by <see cref="StartAsTerminalJob"/>, and waits for the exit; returns the exit code.
    /// </summary>
    public Task<int> SignalGroupAsync(string signal, TimeSpan timeout) =>
        SignalAsync([$"-{signal}", "--", $"-{Id.ToString(CultureInfo.InvariantCulture)}"], timeout);

    /// <summary>SIGKILL, the process alone (as a crash would): its children (HAProxy, PostgreSQL) live on.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    private async Task<int> SignalAsync(string[] killArguments, TimeSpan timeout)
    {
        await ProcessRunner.RunCheckedAsync("kill", killArguments);
        using var bound = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(bound.Token);
        return process.ExitCode;
    }

    /// <summary>Its output and errors so far, for failure messages.</summary>
    public string Transcript() => $"--- {Description}: stdout ---\n{Output}--- stderr ---\n{Error}";

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            buffer.Append(line).Append('\n');
        }
    }
}
