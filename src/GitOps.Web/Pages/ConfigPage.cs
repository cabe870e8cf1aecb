using System.Globalization;
using System.Text;
using GitOps.Core.Events;
using GitOps.Core.Text;
using GitOps.Web.Access;

namespace GitOps.Web.Pages;

/// <summary>A rendered configuration in full, and the unified diff between two versions of one host (as <c>gitops diff</c> prints them).</summary>
public static class ConfigPage
{
    /// <summary>Version <paramref name="rendered"/> of its host, with links to its diff to the version before, to the newest, and to any.</summary>
    public static string RenderVersion(ConfigRendered rendered, long newest, PageFrame frame)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        var host = rendered.Host;
        var version = N(rendered.Version);
        var html = new StringBuilder(rendered.Text.Length + 2048);
        html.Append("<h1>").Append(Layout.E(host)).Append(" v").Append(version).Append("</h1><p>commit <span class=\"sha\">").Append(Layout.E(Layout.Short(rendered.Commit)))
            .Append("</span> · sha256 <span class=\"sha\">").Append(Layout.E(rendered.Sha256[..Math.Min(12, rendered.Sha256.Length)])).Append("</span> · ");
        if (rendered.Version > 1)
        {
            html.Append(DiffLink(host, rendered.Version - 1, rendered.Version, "diff to v" + N(rendered.Version - 1))).Append(" · ");
        }

        if (newest > rendered.Version)
        {
            html.Append(DiffLink(host, rendered.Version, newest, "diff to the newest, v" + N(newest))).Append(" · ");
        }

        html.Append("<a href=\"/history?host=").Append(Layout.Q(host)).Append("\">history</a>");
        if (frame.User is { Role: DashboardRole.Operator } && rendered.Version < newest)
        {
            html.Append(" · <a id=\"rollback\" href=\"/hosts/").Append(Layout.Q(host)).Append("/rollback?to=").Append(version).Append("\">roll ")
                .Append(Layout.E(host)).Append(" back to v").Append(version).Append("</a>");
        }

        html.Append("</p>")
            .Append("<form class=\"filter\" method=\"get\" action=\"/hosts/").Append(Layout.Q(host)).Append("/diff\">")
            .Append("<input type=\"hidden\" name=\"to\" value=\"").Append(version).Append("\">")
            .Append("<input name=\"from\" type=\"number\" min=\"1\" placeholder=\"other version\"><button type=\"submit\">diff</button></form>")
            .Append("<pre id=\"config\">").Append(Layout.E(rendered.Text)).Append("</pre>");
        return Layout.Page($"{host} v{version}", html.ToString(), frame);
    }

    /// <summary>The unified diff turning <paramref name="from"/> into <paramref name="to"/> (versions of one host).</summary>
    public static string RenderDiff(ConfigRendered from, ConfigRendered to, PageFrame frame)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var host = to.Host;
        var diff = LineDiff.Unified(from.Text, to.Text, $"{host} v{N(from.Version)}", $"{host} v{N(to.Version)}");
        var html = new StringBuilder(diff.Length + 2048);
        html.Append("<h1>").Append(Layout.E(host)).Append(": v").Append(N(from.Version)).Append(" → v").Append(N(to.Version)).Append("</h1><p>")
            .Append(VersionLink(host, from.Version)).Append(" (commit <span class=\"sha\">").Append(Layout.E(Layout.Short(from.Commit))).Append("</span>) → ")
            .Append(VersionLink(host, to.Version)).Append(" (commit <span class=\"sha\">").Append(Layout.E(Layout.Short(to.Commit))).Append("</span>)</p>");
        if (diff.Length == 0)
        {
            html.Append("<p id=\"no-diff\">The two configurations are the same.</p>");
        }
        else
        {
            var (added, removed) = LineDiff.Count(LineDiff.Compute(from.Text, to.Text));
            html.Append("<p class=\"muted\">").Append(N(added)).Append(" lines added, ").Append(N(removed)).Append(" removed</p><pre id=\"diff\">");
            foreach (var line in diff.Split('\n'))
            {
                var kind = line.StartsWith("@@", StringComparison.Ordinal) ? "hunk"
                    : line.StartsWith('+') && !line.StartsWith("+++", StringComparison.Ordinal) ? "add"
                    : line.StartsWith('-') && !line.StartsWith("---", StringComparison.Ordinal) ? "del"
                    : null;
                html.Append(kind is null ? "" : $"<span class=\"{kind}\">").Append(Layout.E(line)).Append(kind is null ? "\n" : "</span>");
            }

            html.Append("</pre>");
        }

        return Layout.Page($"{host} v{N(from.Version)} → v{N(to.Version)}", html.ToString(), frame);
    }

    private static string DiffLink(string host, long from, long to, string text) =>
        $"<a href=\"/hosts/{Layout.Q(host)}/diff?from={N(from)}&amp;to={N(to)}\">{Layout.E(text)}</a>";

    private static string VersionLink(string host, long version) => $"<a href=\"/hosts/{Layout.Q(host)}/versions/{N(version)}\">v{N(version)}</a>";

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Asks an operator to confirm rolling <paramref name="target"/>'s host back to it.</summary>
    public static string RenderRollback(ConfigRendered target, long newest, SignedIn user, PageFrame frame)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(user);
        var host = Layout.E(target.Host);
        var version = N(target.Version);
        var html = new StringBuilder(2048);
        html.Append("<h1>Roll ").Append(host).Append(" back to v").Append(version).Append("?</h1>")
            .Append("<p>").Append(host).Append(" gets ").Append(VersionLink(target.Host, target.Version)).Append(" (commit <span class=\"sha\">").Append(Layout.E(Layout.Short(target.Commit)))
            .Append("</span>) again instead of the newest, ").Append(VersionLink(target.Host, newest)).Append(" (").Append(DiffLink(target.Host, target.Version, newest, "what changes"))
            .Append("). It stays there, shown as pinned, until a new commit is rendered for it: a fix or a <code>git revert</code>. The request is recorded with your name, ")
            .Append(Layout.E(user.Name)).Append(".</p>")
            .Append("<form class=\"action\" method=\"post\" action=\"/hosts/").Append(Layout.Q(target.Host)).Append("/rollback\">").Append(user.FormInput)
            .Append("<input type=\"hidden\" name=\"to\" value=\"").Append(version).Append("\">")
            .Append("<button class=\"danger\" id=\"confirm-rollback\" type=\"submit\">Roll ").Append(host).Append(" back to v").Append(version).Append("</button> ")
            .Append("<a href=\"/hosts/").Append(Layout.Q(target.Host)).Append("/versions/").Append(version).Append("\">cancel</a></form>");
        return Layout.Page($"roll {target.Host} back to v{version}", html.ToString(), frame);
    }
}
