namespace GitOps.Reconciler.ReadModels;

/// <summary>
/// The words <see cref="HistoryCause.Kind"/> uses for the inputs the projection describes. An input it does not describe
/// keeps its event type as its kind (e.g. <c>VirtualAddressAcquired</c>), so a new kind of input shows in the history at once.
/// </summary>
public static class HistoryCauseKind
{
    /// <summary>A desired-state commit was observed: <see cref="HistoryCause.Commit"/>, <see cref="HistoryCause.Subject"/>, <see cref="HistoryCause.Author"/>.</summary>
    public const string Commit = "commit";

    /// <summary>One container changed: <see cref="HistoryCause.Container"/> and what happened to it in <see cref="HistoryCause.Change"/>.</summary>
    public const string Container = "container";

    /// <summary>Discovery listed a Docker host's containers afresh (start-up, reconnect); <see cref="HistoryCause.Change"/> says what it found new or gone.</summary>
    public const string Discovery = "discovery";

    /// <summary>An agent reported the files its host's configuration needs; <see cref="HistoryCause.Change"/> names the unusable ones.</summary>
    public const string HostFiles = "host files";
}
