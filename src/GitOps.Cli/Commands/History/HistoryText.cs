using System.Globalization;
using System.Text;
using GitOps.Core.Desired;
using GitOps.Reconciler.ReadModels;

namespace GitOps.Cli.Commands.History;

/// <summary>
/// How history entries read as text: <c>gitops history</c>'s blocks (a headline with the time, host and version, then the
/// causes and the outcome, indented) and the reason <c>gitops up</c> gives for each change it applied.
/// </summary>
internal static class HistoryText
{
    /// <summary>Cause lines shown under one entry; <c>--format json</c> lists every cause.</summary>
    public const int CausesShown = 10;

    /// <summary>Causes named in one <c>gitops up</c> line.</summary>
    private const int CausesInReason = 3;

    /// <summary>
    /// Newest first, e.g.
    /// <code>
    /// 2025-06-01 13:04:40Z  lb1 v6  rendered from commit 7e8f9a0b1c2d "add web"
    ///     cause: container web-1 started
    ///     applied 2025-06-01 13:04:40Z: runtime, 2 ms
    /// </code>
    /// </summary>
    public static string Format(IReadOnlyList<HistoryEntry> entries)
    {
        if (entries.Count == 0)
        {
            return "No configuration rendered yet.\n";
        }

        var width = entries.Max(e => HostAndVersion(e).Length);
        var text = new StringBuilder();
        foreach (var entry in entries)
        {
            text.Append(TextTable.Time(entry.At)).Append("  ").Append(HostAndVersion(entry).PadRight(width)).Append("  ").Append(Indented(Headline(entry))).Append('\n');
            foreach (var line in Details(entry))
            {
                text.Append("    ").Append(Indented(line)).Append('\n');
            }
        }

        return text.ToString();
    }

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

    /// <summary>A text of several lines (HAProxy's alerts in an apply error) with its later lines indented under the entry.</summary>
    private static string Indented(string text) => text.ReplaceLineEndings("\n        ");

    private static string HostAndVersion(HistoryEntry entry) => Invariant($"{entry.Host} v{entry.Version}");

    private static string Headline(HistoryEntry entry) => entry.Kind switch
    {
        HistoryEntryKind.Render => "rendered from " + Commit(entry),
        HistoryEntryKind.Rollback => Invariant($"rollback to version {entry.Version} by {entry.Actor}") + (entry.Commit.Length > 0 ? $" ({Commit(entry)})" : ""),
        HistoryEntryKind.Refused => $"rendering refused by haproxy -c (not published): {entry.Detail}",
        HistoryEntryKind.Drift => $"drift corrected: {entry.Detail}",
        _ => entry.Kind + (entry.Detail is { } detail ? ": " + detail : ""),
    };

    private static string Commit(HistoryEntry entry) =>
        $"commit {CommitText.Short(entry.Commit)}" + (entry.Subject.Length > 0 ? $" \"{entry.Subject}\"" : "");

    private static IEnumerable<string> Details(HistoryEntry entry)
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
        "applied" => Invariant($"applied {TextTable.Time(entry.AppliedAt!.Value)}: {entry.Method}") + (entry.DurationMs is { } ms ? Invariant($", {ms:0} ms") : ""),
        "failed" => Invariant($"FAILED {TextTable.Time(entry.AppliedAt!.Value)}: {entry.Error}; ") +
                    (entry.KeptVersion is { } kept ? Invariant($"kept v{kept}") : "nothing was applied before"),
        _ => "not applied",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The moves of virtual addresses, newest first, one line each with its time and cause; empty when there are none.</summary>
    public static string FormatMoves(IReadOnlyList<Core.Events.VirtualAddressEvent> moves)
    {
        ArgumentNullException.ThrowIfNull(moves);
        if (moves.Count == 0)
        {
            return "";
        }

        var text = new System.Text.StringBuilder("\nVirtual address moves:\n");
        foreach (var move in moves)
        {
            var what = move switch
            {
                Core.Events.VirtualAddressAcquired => "acquired",
                Core.Events.VirtualAddressFaulted => "fault",
                _ => "released",
            };
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {TextTable.Time(move.At)}  {move.Address}  {move.Host}  {what}: {move.Reason}\n");
        }

        return text.ToString();
    }
}
