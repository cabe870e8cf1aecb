namespace GitOps.Processes;

/// <summary>The outcome of a finished child process: its exit code and everything it printed.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Returns this result when the process exited 0, otherwise throws <see cref="ProcessFailedException"/>.</summary>
    public ProcessResult EnsureSuccess() => Succeeded ? this : throw new ProcessFailedException(this);
}
