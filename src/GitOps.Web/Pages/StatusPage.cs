using System.Globalization;
using System.Text;
using GitOps.Reconciler.ReadModels;

namespace GitOps.Web.Pages;

/// <summary>
/// The dashboard's front page, read-only: the latest commit and the one in force, every host (its state, the version
/// rendered for it and the one it runs, the commit, the last problem) and the virtual addresses. Every value is
/// HTML-encoded; one column on a phone, a table on a wide screen.
/// </summary>
public static class StatusPage
{
    /// <summary>The page for <paramref name="report"/>.</summary>
    public static string Render(StatusReport report, PageFrame frame)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(4096);
        html.Append("<h1>Status</h1><p class=\"muted\"><a href=\"/api/status\">as JSON</a></p>");
        html.Append("<h2>Commits</h2>");
        Commit(html, "latest", report.LatestCommit);
        if (report.InForce is { } inForce && inForce.Commit != report.LatestCommit?.Commit)
        {
            Commit(html, "in force", inForce);
        }

        html.Append("<h2>Hosts</h2>");
        if (report.Hosts.Count == 0)
        {
            html.Append("<p class=\"muted\">No host yet: the controller has rendered nothing.</p>");
        }
        else
        {
            html.Append("<table id=\"hosts\"><thead><tr><th>host</th><th>state</th><th>rendered</th><th>applied</th><th>commit</th><th>problem</th></tr></thead><tbody>");
            foreach (var host in report.Hosts)
            {
                html.Append("<tr data-host=\"").Append(E(host.Host)).Append("\">")
                    .Append("<td data-label=\"host\"><a href=\"/history?host=").Append(Q(host.Host)).Append("\">").Append(E(host.Host)).Append("</a></td>")
                    .Append("<td data-label=\"state\" class=\"state-").Append(E(host.State)).Append("\">").Append(E(host.State))
                    .Append(host.PinnedBy is { } by ? " by " + E(by) : "").Append("</td>")
                    .Append("<td data-label=\"rendered\">").Append(VersionLink(host.Host, host.DesiredVersion)).Append("</td>")
                    .Append("<td data-label=\"applied\">").Append(host.AppliedVersion is { } applied ? VersionLink(host.Host, applied) : "<span class=\"muted\">not reported</span>").Append("</td>")
                    .Append("<td data-label=\"commit\" class=\"sha\">").Append(E(Short(host.DesiredCommit))).Append("</td>")
                    .Append("<td data-label=\"problem\">").Append(Problem(host)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        if (report.VirtualAddresses.Count > 0)
        {
            html.Append("<h2>Virtual addresses</h2><table><thead><tr><th>address</th><th>interface</th><th>held by</th><th>hosts</th></tr></thead><tbody>");
            foreach (var address in report.VirtualAddresses)
            {
                html.Append("<tr><td data-label=\"address\">").Append(E(address.Address)).Append("</td>")
                    .Append("<td data-label=\"interface\">").Append(E(address.Interface)).Append("</td>")
                    .Append("<td data-label=\"held by\">").Append(address.Holder is { } holder ? E(holder) : "<span class=\"muted\">nobody</span>").Append("</td>")
                    .Append("<td data-label=\"hosts\">").Append(E(string.Join(", ", address.Hosts))).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return Layout.Page("status", html.ToString(), frame);
    }

    private static void Commit(StringBuilder html, string label, CommitSummary? commit)
    {
        if (commit is null)
        {
            html.Append("<div class=\"commit muted\">").Append(E(label)).Append(": none recorded yet</div>");
            return;
        }

        html.Append("<div class=\"commit").Append(commit.Rejected ? " rejected" : "").Append("\"><strong>").Append(E(label)).Append(":</strong> <span class=\"sha\">")
            .Append(E(Short(commit.Commit))).Append("</span> ").Append(E(commit.Subject)).Append(" <span class=\"muted\">by ").Append(E(commit.Author))
            .Append(" on ").Append(E(commit.Branch)).Append("</span>");
        if (commit.Rejected)
        {
            html.Append("<br>rejected:<ul>");
            foreach (var error in commit.Errors)
            {
                html.Append("<li>").Append(E(error)).Append("</li>");
            }

            html.Append("</ul>");
        }

        html.Append("</div>");
    }

    private static string Problem(HostStatus host)
    {
        var lines = new List<string>();
        if (host.LastError is { } error)
        {
            lines.Add(E(error));
        }

        lines.AddRange(host.LeftOut.Select(E));
        return lines.Count == 0 ? "" : string.Join("<br>", lines);
    }

    private static string VersionLink(string host, long version) =>
        version <= 0 ? "none" : $"<a href=\"/hosts/{Q(host)}/versions/{version.ToString(CultureInfo.InvariantCulture)}\">v{version.ToString(CultureInfo.InvariantCulture)}</a>";

    private static string E(string value) => Layout.E(value);

    private static string Q(string value) => Layout.Q(value);

    private static string Short(string? sha) => Layout.Short(sha);
}
