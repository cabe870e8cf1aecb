using System.Globalization;
using GitOps.Core.Desired;

namespace GitOps.Reconciler.ReadModels;

/// <summary>
/// How a history entry reads in words, the same in <c>gitops history</c>, <c>gitops up</c> and the dashboard: its headline
/// (rendered from which commit, a rollback and who asked, …), its detail lines (each cause, services left out, the
/// outcome) and, for one line, the reason it came about.
/// </summary>
public static class HistoryWording
{
    /// <summary>Cause lines shown under one entry; <c>--format json</c> (and the dashboard's JSON) lists every cause.</summary>
    public const int CausesShown = 10;

    /// <summary>Causes named in one <c>gitops up</c> line.</summary>
    private const int CausesInReason = 3;

    /// <summary>A time as every listing shows it: <c>2025-06-01 13:04:40Z</c>.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Why the configuration of <paramref name="entry"/> came about, in one line: its first causes, or the rollback and who asked.</summary>
    public static string Reason(HistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind != HistoryEntryKind.Render)
        {
            return Headline(entry);
        }

        if (entry.Causes.Count == 0)
        {
            return $"commit {CommitText.Short(entry.Commit)} \"{entry.Subject}\"";
        }

        var named = string.Join("; ", entry.Causes.Take(CausesInReason).Select(c => c.Description));
        return entry.Causes.Count > CausesInReason ? Invariant($"{named}; and {entry.Causes.Count - CausesInReason} more") : named;
    }

    /// <summary>What the entry is, in one line: <c>rendered from commit 7e8f9a0b1c2d "add web"</c>, a rollback and who asked, ….</summary>
    public static string Headline(HistoryEntry entry) => entry.Kind switch
    {
        HistoryEntryKind.Render => "rendered from " + Commit(entry),
        HistoryEntryKind.Rollback => Invariant($"rollback to version {entry.Version} by {entry.Actor}") + (entry.Commit.Length > 0 ? $" ({Commit(entry)})" : ""),
        HistoryEntryKind.Refused => $"rendering refused by haproxy -c (not published): {entry.Detail}",
        HistoryEntryKind.Drift => $"drift corrected: {entry.Detail}",
        _ => entry.Kind + (entry.Detail is { } detail ? ": " + detail : ""),
    };

    private static string Commit(HistoryEntry entry) =>
        $"commit {CommitText.Short(entry.Commit)}" + (entry.Subject.Length > 0 ? $" \"{entry.Subject}\"" : "");

    /// <summary>The lines under the headline: each cause (at most <see cref="CausesShown"/>), each service left out, and the outcome.</summary>
    public static IEnumerable<string> Details(HistoryEntry entry)
    {
        foreach (var cause in entry.Causes.Take(CausesShown))
        {
            yield return "cause: " + cause.Description;
        }

        if (entry.Causes.Count > CausesShown)
        {
            yield return Invariant($"cause: … and {entry.Causes.Count - CausesShown} more (--format json lists every one)");
        }
        else if (entry.Causes.Count == 0 && entry.Kind == HistoryEntryKind.Render)
        {
            yield return "cause: none recorded";
        }

        foreach (var leftOut in entry.LeftOut)
        {
            yield return "not served: " + leftOut;
        }

        if (entry.Kind != HistoryEntryKind.Refused)
        {
            yield return Outcome(entry);
        }
    }

    private static string Outcome(HistoryEntry entry) => entry.Result switch
    {
        "applied" => Invariant($"applied {Time(entry.AppliedAt!.Value)}: {entry.Method}") + (entry.DurationMs is { } ms ? Invariant($", {ms:0} ms") : ""),
        "failed" => Invariant($"FAILED {Time(entry.AppliedAt!.Value)}: {entry.Error}; ") +
                    (entry.KeptVersion is { } kept ? Invariant($"kept v{kept}") : "nothing was applied before"),
        _ => "not applied",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
