using System.Globalization;
using System.Text;
using GitOps.Reconciler.ReadModels;

namespace GitOps.Web.Pages;

/// <summary>
/// The history timeline, newest first: what each host ran and why, in the words of <c>gitops history</c>
/// (<see cref="HistoryWording"/>), each entry linking to its configuration and its diff to the version before.
/// Filterable by host, commit (a prefix of the entry's commit or of a cause's) and container (a cause's name or id prefix).
/// </summary>
public static class HistoryPage
{
    /// <summary>What the timeline is narrowed to; null or empty values do not narrow.</summary>
    public sealed record Filter(string? Host, string? Commit, string? Container)
    {
        public bool Matches(HistoryEntry entry)
        {
            ArgumentNullException.ThrowIfNull(entry);
            return (string.IsNullOrEmpty(Commit) || entry.Commit.StartsWith(Commit, StringComparison.OrdinalIgnoreCase)
                    || entry.Causes.Any(c => c.Commit?.StartsWith(Commit, StringComparison.OrdinalIgnoreCase) == true))
                && (string.IsNullOrEmpty(Container) || entry.Causes.Any(c => c.Container == Container || c.ContainerId?.StartsWith(Container, StringComparison.Ordinal) == true));
        }
    }

    public static string Render(IReadOnlyList<HistoryEntry> entries, Filter filter, PageFrame frame)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(filter);
        var html = new StringBuilder(8192);
        html.Append("<h1>History</h1><form class=\"filter\" method=\"get\" action=\"/history\">")
            .Append("<input name=\"host\" placeholder=\"host\" value=\"").Append(Layout.E(filter.Host ?? "")).Append("\">")
            .Append("<input name=\"commit\" placeholder=\"commit\" value=\"").Append(Layout.E(filter.Commit ?? "")).Append("\">")
            .Append("<input name=\"container\" placeholder=\"container\" value=\"").Append(Layout.E(filter.Container ?? "")).Append("\">")
            .Append("<button type=\"submit\">Filter</button> <a href=\"/history\">all</a></form>");
        var shown = entries.Where(filter.Matches).ToList();
        if (shown.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"no-history\">No entry matches.</p>");
        }

        html.Append("<div id=\"timeline\">");
        foreach (var entry in shown)
        {
            var version = entry.Version.ToString(CultureInfo.InvariantCulture);
            html.Append("<div class=\"entry").Append(entry.Result == "failed" ? " failed" : "").Append("\" data-host=\"").Append(Layout.E(entry.Host))
                .Append("\" data-version=\"").Append(version).Append("\" data-commit=\"").Append(Layout.E(entry.Commit)).Append("\">")
                .Append("<span class=\"muted\">").Append(Layout.E(HistoryWording.Time(entry.At))).Append("</span> ")
                .Append("<a href=\"/history?host=").Append(Layout.Q(entry.Host)).Append("\">").Append(Layout.E(entry.Host)).Append("</a> ")
                .Append("<a href=\"/hosts/").Append(Layout.Q(entry.Host)).Append("/versions/").Append(version).Append("\">v").Append(version).Append("</a> ")
                .Append(Layout.E(HistoryWording.Headline(entry)));
            if (entry.Version > 1 && entry.Kind == HistoryEntryKind.Render)
            {
                html.Append(" · <a href=\"/hosts/").Append(Layout.Q(entry.Host)).Append("/diff?from=").Append((entry.Version - 1).ToString(CultureInfo.InvariantCulture))
                    .Append("&amp;to=").Append(version).Append("\">diff</a>");
            }

            html.Append("<ul>");
            foreach (var line in HistoryWording.Details(entry))
            {
                html.Append("<li>").Append(Layout.E(line)).Append("</li>");
            }

            html.Append("</ul></div>");
        }

        html.Append("</div>");
        return Layout.Page("history", html.ToString(), frame);
    }
}
