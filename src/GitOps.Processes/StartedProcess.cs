using System.Diagnostics;

namespace GitOps.Processes;

/// <summary>
/// A child process started by <see cref="ProcessRunner"/> that is waiting for its standard input:
/// <see cref="CompleteAsync"/> hands it the input and waits for the result. Starting a program ahead
/// of need takes its start-up (loading, linking, library initialisation) off the path of the caller
/// that later needs its answer. Disposing kills it if it has not finished.
/// </summary>
public sealed class StartedProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task<string> standardOutput;
    private readonly Task<string> standardError;
    private readonly string command;
    private readonly TimeSpan timeout;
    private int completing;

    internal StartedProcess(Process process, string command, TimeSpan timeout)
    {
        this.process = process;
        this.command = command;
        this.timeout = timeout;
        // Read both streams from the start, so a chatty program never blocks on a full pipe.
        standardOutput = process.StandardOutput.ReadToEndAsync();
        standardError = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Whether the process ended before it was given its input (it was killed, or it gave up).</summary>
    public bool HasExited => process.HasExited;

    /// <summary>
    /// Writes <paramref name="standardInput"/> (when the process reads it) and closes it, then waits for the
    /// process to exit, at most <see cref="ProcessOptions.Timeout"/> from now. Can be called once.
    /// </summary>
    /// <exception cref="TimeoutException">The program ran longer than its timeout; it was killed.</exception>
    public async Task<ProcessResult> CompleteAsync(string? standardInput, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref completing, 1) != 0)
        {
            throw new InvalidOperationException($"'{command}' was already given its input.");
        }

        if (process.StartInfo.RedirectStandardInput)
        {
            try
            {
                if (standardInput is not null)
                {
                    await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken).ConfigureAwait(false);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program exited (or closed its input) before reading everything, e.g. haproxy -c
                // stopping at a fatal error: its exit code and output say what happened.
            }
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{command}' did not finish within {timeout.TotalSeconds:0.#} s and was killed.");
        }

        return new ProcessResult(command, process.ExitCode, await standardOutput.ConfigureAwait(false), await standardError.ConfigureAwait(false));
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Kill();
        }

        try
        {
            // The streams end with the process; wait for them so nothing reads a disposed pipe.
            await Task.WhenAll(standardOutput, standardError).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A killed process's pipes may end abruptly: nobody wants its output any more.
        }
        catch (ObjectDisposedException)
        {
            // Same.
        }

        process.Dispose();
    }

    private void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited between the check and the kill.
        }
    }
}
