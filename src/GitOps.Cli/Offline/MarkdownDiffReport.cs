using System.Text;
using GitOps.Core.Diagnostics;

namespace GitOps.Cli.Offline;

/// <summary>
/// The diff as a pull-request comment: a table with each revision's validation result, the
/// errors in a collapsible block, then one fenced <c>diff</c> block per changed host.
/// </summary>
internal static class MarkdownDiffReport
{
    public static string Write(LoadedRevision head, LoadedRevision @base, IReadOnlyList<HostDiff> hosts, IReadOnlyList<Diagnostic> baseDiagnostics, IReadOnlyList<Diagnostic> headDiagnostics)
    {
        var text = new StringBuilder();
        text.Append("### HAProxy configuration diff\n\n");
        text.Append("| | revision | commit | validation |\n|---|---|---|---|\n");
        AppendRevisionRow(text, "base", @base, baseDiagnostics);
        AppendRevisionRow(text, "head", head, headDiagnostics);
        text.Append('\n');
        AppendDiagnostics(text, "base", baseDiagnostics);
        AppendDiagnostics(text, "head", headDiagnostics);

        if (head.State is null)
        {
            text.Append("The head revision is invalid, so no configuration was rendered for it.\n");
            return text.ToString();
        }

        var changed = hosts.Where(h => h.Changed).ToList();
        if (changed.Count == 0)
        {
            text.Append("No host's HAProxy configuration changes.\n");
            return text.ToString();
        }

        foreach (var host in hosts)
        {
            if (!host.Changed)
            {
                text.Append("#### `").Append(host.Host).Append("`: no change\n\n");
                continue;
            }

            var (added, removed) = host.Counts;
            var what = host.Before is null ? " (new host)" : host.After is null ? " (host removed)" : string.Empty;
            text.Append("#### `").Append(host.Host).Append("`: +").Append(added).Append(" −").Append(removed).Append(what).Append("\n\n");
            AppendFenced(text, "diff", host.Unified(@base.Label, head.Label));
        }

        return text.ToString();
    }

    private static void AppendRevisionRow(StringBuilder text, string side, LoadedRevision revision, IReadOnlyList<Diagnostic> diagnostics)
    {
        var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        var warnings = diagnostics.Count - errors;
        var result = revision.State is not null && errors == 0
            ? $"✅ valid: {Commands.ValidateCommand.Plural(revision.State.Services.Count, "service")}, {Commands.ValidateCommand.Plural(warnings, "warning")}"
            : $"❌ invalid: {Commands.ValidateCommand.Plural(errors, "error")}";
        var commit = revision.Commit is null ? "working tree" : $"`{revision.Commit.ShortSha}` {Cell(revision.Commit.Subject)}";
        text.Append("| ").Append(side).Append(" | `").Append(Cell(revision.Label).Replace("`", string.Empty, StringComparison.Ordinal)).Append("` | ")
            .Append(commit).Append(" | ").Append(result).Append(" |\n");
    }

    private static void AppendDiagnostics(StringBuilder text, string side, IReadOnlyList<Diagnostic> diagnostics)
    {
        if (diagnostics.Count == 0)
        {
            return;
        }

        text.Append("<details><summary>").Append(side).Append(": ").Append(diagnostics.Count).Append(" diagnostics</summary>\n\n");
        AppendFenced(text, "text", string.Concat(diagnostics.Select(d => d + "\n")));
        text.Append("</details>\n\n");
    }

    /// <summary>A fence longer than any backtick run in the content, so nothing inside can close it.</summary>
    private static void AppendFenced(StringBuilder text, string language, string content)
    {
        var longest = 0;
        var run = 0;
        foreach (var c in content)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', Math.Max(3, longest + 1));
        text.Append(fence).Append(language).Append('\n').Append(content);
        if (!content.EndsWith('\n'))
        {
            text.Append('\n');
        }

        text.Append(fence).Append("\n\n");
    }

    /// <summary>Table cells: pipes escaped, line breaks and HTML-significant characters neutralised.</summary>
    private static string Cell(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("|", "\\|", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace('\n', ' ')
        .Replace('\r', ' ');
}
