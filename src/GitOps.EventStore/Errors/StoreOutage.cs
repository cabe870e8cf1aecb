namespace GitOps.EventStore.Errors;

/// <summary>
/// Tells a database that is away (refusing connections, shutting down, restarting) from a real failure. An
/// outage is routine for the loops that wait it out, so they log it as one line with <see cref="Describe"/>,
/// never with a stack trace.
/// </summary>
public static class StoreOutage
{
    /// <summary>True for a transient database error (as Npgsql classifies it) and for a store that stayed away through every retry.</summary>
    public static bool Is(Exception exception) => TransientRetry.IsTransient(exception) || exception is EventStoreUnavailableException;

    /// <summary>What went wrong, in one line: "Failed to connect to 127.0.0.1:5432: Connection refused".</summary>
    public static string Describe(Exception exception) => ErrorText.OneLine(exception);
}
