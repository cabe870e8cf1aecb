using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using GitOps.Reconciler.ReadModels;

namespace GitOps.Web.Pages;

/// <summary>
/// The dashboard's front page, read-only: the latest commit and the one in force, every host (its state, the version
/// rendered for it and the one it runs, the commit, the last problem) and the virtual addresses. Every value is
/// HTML-encoded; one column on a phone, a table on a wide screen.
/// </summary>
public static class StatusPage
{
    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:0;padding:1rem;color:#1b1f24;background:#f6f8fa}
        h1{font-size:1.3rem;margin:0 0 1rem}h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
        .commit{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:.6rem .8rem;margin:.4rem 0}
        .sha{font-family:ui-monospace,monospace}.rejected{color:#b42318}.muted{color:#57606a}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d0d7de;padding:.4rem .6rem;text-align:left;vertical-align:top}
        .state-converged{color:#1a7f37}.state-pending{color:#9a6700}.state-failed{color:#b42318}.state-pinned{color:#8250df}
        @media (max-width:700px){table,thead,tbody,tr,th,td{display:block}thead{display:none}tr{margin:0 0 .8rem;border:1px solid #d0d7de}
        td{border:none;border-bottom:1px solid #eaeef2}td::before{content:attr(data-label) ": ";font-weight:600}}
        """;

    /// <summary>The page for <paramref name="report"/>, generated at <paramref name="now"/>.</summary>
    public static string Render(StatusReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(4096);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
            .Append("<title>gitops: status</title><style>").Append(Style).Append("</style></head><body>")
            .Append("<h1>gitops status</h1>")
            .Append("<p class=\"muted\">as of ").Append(E(now.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))).Append(" · <a href=\"/api/status\">JSON</a> · <a href=\"/metrics\">metrics</a></p>");
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
                    .Append("<td data-label=\"host\">").Append(E(host.Host)).Append("</td>")
                    .Append("<td data-label=\"state\" class=\"state-").Append(E(host.State)).Append("\">").Append(E(host.State))
                    .Append(host.PinnedBy is { } by ? " by " + E(by) : "").Append("</td>")
                    .Append("<td data-label=\"rendered\">v").Append(host.DesiredVersion.ToString(CultureInfo.InvariantCulture)).Append("</td>")
                    .Append("<td data-label=\"applied\">").Append(host.AppliedVersion is { } applied ? "v" + applied.ToString(CultureInfo.InvariantCulture) : "<span class=\"muted\">not reported</span>").Append("</td>")
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

        return html.Append("</body></html>").ToString();
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

    private static string Short(string? sha) => sha is null ? "" : sha.Length > 12 ? sha[..12] : sha;

    private static string E(string value) => HtmlEncoder.Default.Encode(value);
}
