using Npgsql;

namespace GitOps.EventStore;

/// <summary>Shortens exception messages to the one line a CLI prints.</summary>
internal static class ErrorText
{
    public static string OneLine(Exception exception)
    {
        // Npgsql's connection errors say "Failed to connect to …" and keep the reason (refused, no such host) inside.
        var message = exception is NpgsqlException and not PostgresException && exception.InnerException is { } inner
            ? $"{exception.Message.TrimEnd('.')}: {inner.Message}"
            : exception.Message;
        return message.ReplaceLineEndings(" ").Trim();
    }
}
