using GitOps.Core.Text;

namespace GitOps.Reconciler.Controller;

/// <summary>
/// Event ids derived from what the event is about, so a restarted controller or a second one appending
/// the same decision appends nothing (the store adds an event id once).
/// </summary>
internal static class DeterministicId
{
    /// <summary>A version-8 (custom) GUID from the SHA-256 of <paramref name="parts"/> joined by '/'.</summary>
    public static Guid From(params ReadOnlySpan<string> parts) => ContentHash.NameBasedGuid(string.Join('/', parts.ToArray()));

    /// <summary>
    /// The id of the desired-state event for <paramref name="commit"/> observed after <paramref name="previousCommit"/>:
    /// the same commit seen again after the same predecessor is the same event, while a branch reset back to an
    /// earlier commit is a new observation (it changes what is in force).
    /// </summary>
    public static Guid ForDesiredCommit(string commit, string? previousCommit) =>
        From("gitops", "desired", commit, "after", previousCommit ?? "none");

    public static Guid ForRejectedRender(string host, string sha256) => From("gitops", "rejected", host, sha256);

    public static Guid ForRender(string host, long version, string sha256) => From("gitops", "config", host, version.ToString(System.Globalization.CultureInfo.InvariantCulture), sha256);
}
