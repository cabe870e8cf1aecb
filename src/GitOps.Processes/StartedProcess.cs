using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace GitOps.Processes;

/// <summary>
/// A child process started by <see cref="ProcessRunner"/> that is waiting for its standard input:
/// <see cref="CompleteAsync"/> hands it the input and waits for the result. Starting a program ahead
/// of need takes its start-up (loading, linking, library initialisation) off the path of the caller
/// that later needs its answer. Disposing kills it if it has not finished.
/// </summary>
public sealed class StartedProcess : IAsyncDisposable
{
    private readonly TaskCompletionSource<string?> _standardInput = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _kill = new();
    private readonly CommandTask<BufferedCommandResult> _running;
    private readonly string _command;
    private readonly TimeSpan _timeout;
    private int _completing;

    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
    internal StartedProcess(Command command, string description, TimeSpan timeout)
    {
        _command = description;
        _timeout = timeout;
        // CliWrap reads both output streams from the start, so a chatty program never blocks on a full pipe;
        // cancelling _kill kills the process tree.
        _running = command
            .WithStandardInputPipe(PipeSource.Create(WriteStandardInputAsync))
            .ExecuteBufferedAsync(Encoding.UTF8, Encoding.UTF8, _kill.Token);
    }

    /// <summary>Whether the process ended before it was given its input (it was killed, or it gave up).</summary>
    public bool HasExited => _running.Task.IsCompleted;

    /// <summary>
    /// Writes <paramref name="standardInput"/> (nothing when null) and closes it, then waits for the
    /// process to exit, at most <see cref="ProcessOptions.Timeout"/> from now. Can be called once.
    /// </summary>
    /// <exception cref="TimeoutException">The program ran longer than its timeout; it was killed.</exception>
    public async Task<ProcessResult> CompleteAsync(string? standardInput, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _completing, 1) != 0)
        {
            throw new InvalidOperationException($"'{_command}' was already given its input.");
        }

        _standardInput.TrySetResult(standardInput);
        _kill.CancelAfter(_timeout);
        try
        {
            using var stop = cancellationToken.Register(_kill.Cancel);
            var result = await _running.ConfigureAwait(false);
            return new ProcessResult(_command, result.ExitCode, result.StandardOutput, result.StandardError);
        }
        catch (OperationCanceledException) when (_kill.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{_command}' did not finish within {_timeout.TotalSeconds:0.#} s and was killed.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _kill.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Killed unfinished: nobody wants its result any more.
        }

        _kill.Dispose();
    }

    /// <summary>
    /// CliWrap cancels this once the process has exited, and ignores a pipe the program closed before reading
    /// everything (haproxy -c stopping at a fatal error): its exit code and output say what happened.
    /// </summary>
    private async Task WriteStandardInputAsync(Stream destination, CancellationToken cancellationToken)
    {
        var text = await _standardInput.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (text is not null)
        {
            await destination.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        }
    }
}
