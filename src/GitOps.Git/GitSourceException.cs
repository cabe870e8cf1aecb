namespace GitOps.Git;

/// <summary>
/// Base of every failure of the Git source that the operator must fix (bad path, unknown revision,
/// unreachable remote, unreadable file). The message is always a single line, so the CLI prints it
/// as is and exits 2.
/// </summary>
public abstract class GitSourceException : Exception
{
    protected GitSourceException(string message, Exception? innerException = null)
        : base(OneLine(message), innerException)
    {
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
