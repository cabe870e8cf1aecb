using System.Globalization;
using System.Text;
using GitOps.Core.Desired;
using GitOps.Reconciler.ReadModels;

namespace GitOps.Cli.Commands.History;

/// <summary>
/// How history entries read as text in <c>gitops history</c>: blocks of a headline with the time, host and version, then the
/// causes and the outcome, indented (the words are <see cref="HistoryWording"/>'s).
/// </summary>
internal static class HistoryText
{
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
            text.Append(TextTable.Time(entry.At)).Append("  ").Append(HostAndVersion(entry).PadRight(width)).Append("  ").Append(Indented(HistoryWording.Headline(entry))).Append('\n');
            foreach (var line in HistoryWording.Details(entry))
            {
                text.Append("    ").Append(Indented(line)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>A text of several lines (HAProxy's alerts in an apply error) with its later lines indented under the entry.</summary>
    private static string Indented(string text) => text.ReplaceLineEndings("\n        ");

    private static string HostAndVersion(HistoryEntry entry) => Invariant($"{entry.Host} v{entry.Version}");

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
