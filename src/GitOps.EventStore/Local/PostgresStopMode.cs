namespace GitOps.EventStore.Local;

/// <summary>How <c>pg_ctl stop</c> ends the server.</summary>
public enum PostgresStopMode
{
    /// <summary>Disconnects clients and shuts down cleanly.</summary>
    Fast,

    /// <summary>Quits at once without a shutdown checkpoint, as a crash looks to clients; recovery runs on the next start.</summary>
    Immediate,
}
