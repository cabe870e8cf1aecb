namespace GitOps.Reconciler.ReadModels;

/// <summary>The words <see cref="HistoryEntry.Kind"/> uses: each is one way a host's configuration changed, or was refused.</summary>
public static class HistoryEntryKind
{
    /// <summary>The controller rendered a new configuration version (ConfigRendered); <see cref="HistoryEntry.Causes"/> says why.</summary>
    public const string Render = "render";

    /// <summary>An operator asked to put an earlier version back (RollbackRequested); <see cref="HistoryEntry.Actor"/> says who.</summary>
    public const string Rollback = "rollback";

    /// <summary>A rendering <c>haproxy -c</c> refused (ConfigRejected): never published, the host's last version stays.</summary>
    public const string Refused = "refused";

    /// <summary>The agent found the live HAProxy differing from the applied configuration and put it back (DriftCorrected).</summary>
    public const string Drift = "drift";
}
