using System.Diagnostics;
using System.Text;
using LibGit2Sharp;

namespace GitOps.Git;

/// <summary>
/// libgit2's transport for <c>ssh://</c> and scp-like addresses, replaced by one that runs the system's
/// OpenSSH itself (<see cref="SshCommand"/>): so that ssh's own error text reaches the exception instead of
/// the process's standard error, a key file can be named per repository, and a hung connection is killed at
/// the network timeout or on cancellation. gitops only fetches, so only <c>git-upload-pack</c> is offered.
/// </summary>
internal sealed class SshTransport : SmartSubtransport
{
    private static readonly Lazy<bool> Registration = new(() =>
    {
        GlobalSettings.RegisterSmartSubtransport<SshTransport>("ssh");
        GlobalSettings.RegisterSmartSubtransport<SshTransport>("ssh+git");
        GlobalSettings.RegisterSmartSubtransport<SshTransport>("git+ssh");
        return true;
    });

    [ThreadStatic]
    private static SshSettings? current;

    private SshStream? _stream;

    /// <summary>
    /// Makes libgit2 use this transport, and hands it <paramref name="settings"/> for the calls this thread
    /// makes until the result is disposed (libgit2 runs the transport synchronously on the calling thread).
    /// </summary>
    public static IDisposable Use(SshSettings settings)
    {
        _ = Registration.Value;
        var previous = current;
        current = settings;
        return new Restore(previous);
    }

    protected override SmartSubtransportStream Action(string url, GitSmartSubtransportAction action)
    {
        switch (action)
        {
            case GitSmartSubtransportAction.UploadPackList:
                _stream?.Stop();
#pragma warning disable CA2000 // The stream owns the process and stops it when libgit2 closes the transport.
                _stream = new SshStream(this, SshProcess.Start(url, current ?? SshSettings.Default));
#pragma warning restore CA2000
                return _stream;
            case GitSmartSubtransportAction.UploadPack:
                return _stream ?? throw new InvalidOperationException("ssh transport: upload-pack requested before the reference list");
            default:
                throw new NotSupportedException("gitops only fetches from a remote repository; it never pushes");
        }
    }

    protected override void Close()
    {
        _stream?.Stop();
        _stream = null;
    }

    protected override void Dispose()
    {
        Close();
        base.Dispose();
    }

    private sealed class Restore(SshSettings? previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }

    private sealed class SshStream(SmartSubtransport owner, SshProcess process) : SmartSubtransportStream(owner)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];

        public override int Read(Stream dataStream, long length, out long bytesRead)
        {
            var read = process.Read(_buffer.AsSpan(0, (int)Math.Min(length, _buffer.Length)));
            dataStream.Write(_buffer, 0, read);
            bytesRead = read;
            return 0;
        }

        public override int Write(Stream dataStream, long length)
        {
            var remaining = length;
            while (remaining > 0)
            {
                var read = dataStream.Read(_buffer, 0, (int)Math.Min(remaining, _buffer.Length));
                if (read == 0)
                {
                    break;
                }

                process.Write(_buffer.AsSpan(0, read));
                remaining -= read;
            }

            return 0;
        }

        public void Stop() => process.Dispose();
    }
}

/// <summary>What the ssh transport needs to know for one operation, and what ssh said when it failed.</summary>
/// <param name="KeyFile">A private key to use instead of ssh's own choice; null to let ssh choose.</param>
/// <param name="Timeout">How long the whole connection may take before ssh is killed.</param>
/// <param name="Environment">Reads <c>GIT_SSH_COMMAND</c> and <c>GIT_SSH</c>.</param>
/// <param name="CancellationToken">Kills ssh when cancelled.</param>
internal sealed record SshSettings(string? KeyFile, TimeSpan Timeout, Func<string, string?> Environment, CancellationToken CancellationToken)
{
    public static SshSettings Default => new(null, TimeSpan.FromMinutes(5), System.Environment.GetEnvironmentVariable, CancellationToken.None);

    /// <summary>
    /// Why ssh failed, kept here because libgit2 does not reliably keep the message a transport hands it:
    /// a later lookup of its own may overwrite the error before the caller reads it.
    /// </summary>
    public string? Failure { get; set; }
}

/// <summary>One ssh child process: its output is what libgit2 reads, its input what libgit2 writes, its standard error kept for the message.</summary>
internal sealed class SshProcess : IDisposable
{
    private const int MaxErrorChars = 4000;

    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly Task _errorReader;
    private readonly CancellationTokenSource _deadline;
    private readonly CancellationTokenRegistration _killOnDeadline;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellation;
    private int _disposed;

    private readonly SshSettings _settings;

    private SshProcess(Process process, SshSettings settings)
    {
        _process = process;
        _settings = settings;
        _timeout = settings.Timeout;
        _cancellation = settings.CancellationToken;
        _errorReader = ReadErrorAsync(process.StandardError);
        _deadline = CancellationTokenSource.CreateLinkedTokenSource(settings.CancellationToken);
        _deadline.CancelAfter(settings.Timeout);
        _killOnDeadline = _deadline.Token.Register(Kill);
    }

    /// <exception cref="SshException">The key file is unusable, or ssh could not be started.</exception>
    public static SshProcess Start(string url, SshSettings settings)
    {
        if (settings.KeyFile is not null && SshKeyFile.Problem(settings.KeyFile) is { } problem)
        {
            throw settings.Fail(problem);
        }

        SshCommand command;
        try
        {
            command = SshCommand.For(url, "git-upload-pack", settings.KeyFile, settings.Environment);
        }
        catch (ArgumentException ex)
        {
            throw settings.Fail(ex.Message);
        }

        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // As git does for the ssh it runs: the remote side must not see this process's repository variables.
        foreach (var variable in (string[])["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE"])
        {
            start.Environment.Remove(variable);
        }

        try
        {
            return new SshProcess(Process.Start(start) ?? throw settings.Fail($"could not start '{command.FileName}'"), settings);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw settings.Fail($"could not start '{command.FileName}' for an ssh:// remote: {ex.Message}; install openssh-client (deploy/setup.sh does)");
        }
    }

    /// <summary>Reads what ssh printed; at its end, throws with ssh's own message when it failed.</summary>
    /// <exception cref="SshException">ssh ended without a successful exchange, timed out or was cancelled.</exception>
    public int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = _process.StandardOutput.BaseStream.Read(buffer);
        }
        catch (IOException)
        {
            read = 0;
        }

        return read > 0 || EndedCleanly() ? read : throw Failure();
    }

    /// <exception cref="SshException">ssh is gone.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        try
        {
            _process.StandardInput.BaseStream.Write(data);
            _process.StandardInput.BaseStream.Flush();
        }
        catch (IOException)
        {
            throw Failure();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
        {
            Kill();
        }

        _killOnDeadline.Dispose();
        _deadline.Dispose();
        _process.Dispose();
    }

    private bool EndedCleanly() =>
        _process.WaitForExit(TimeSpan.FromSeconds(5)) && _process.ExitCode == 0 && !_deadline.IsCancellationRequested;

    private SshException Failure()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }

        _errorReader.Wait(TimeSpan.FromSeconds(2));
        string message;
        lock (_error)
        {
            message = ErrorText(_error.ToString());
        }

        if (_cancellation.IsCancellationRequested)
        {
            return _settings.Fail("cancelled");
        }

        if (_deadline.IsCancellationRequested)
        {
            return _settings.Fail($"ssh did not finish within {_timeout.TotalSeconds:0.#} s" + (message.Length > 0 ? ": " + message : ""));
        }

        var exit = _process.HasExited ? _process.ExitCode : -1;
        return _settings.Fail(message.Length > 0 ? message : $"ssh ended (exit code {exit}) before the remote answered");
    }

    /// <summary>ssh's standard error on one line: its "added to known hosts" notices and git's "fatal: " prefixes left out.</summary>
    internal static string ErrorText(string standardError)
    {
        var lines = standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("Warning: Permanently added", StringComparison.Ordinal))
            .Select(line => line.StartsWith("fatal: ", StringComparison.Ordinal) ? line["fatal: ".Length..]
                : line.StartsWith("error: ", StringComparison.Ordinal) ? line["error: ".Length..]
                : line);
        return string.Join(" ", lines);
    }

    private async Task ReadErrorAsync(StreamReader reader)
    {
        var buffer = new char[1024];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_error)
            {
                if (_error.Length < MaxErrorChars)
                {
                    _error.Append(buffer, 0, Math.Min(read, MaxErrorChars - _error.Length));
                }
            }
        }
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited.
        }
    }
}

/// <summary>ssh failed; the message is ssh's own (or why it could not run), handed to libgit2 as the error text.</summary>
internal sealed class SshException(string message) : Exception(message);

internal static class SshSettingsFailure
{
    /// <summary>Records <paramref name="message"/> as the operation's ssh failure and returns the exception that hands it to libgit2.</summary>
    public static SshException Fail(this SshSettings settings, string message)
    {
        settings.Failure ??= message;
        return new SshException(message);
    }
}
