using GitOps.Reconciler.ReadModels;
using GitOps.Web.Pages;
using Xunit;

namespace GitOps.Web.Tests.Pages;

public sealed class StatusPageTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_EncodesEveryValueFromOutside()
    {
        var report = new StatusReport
        {
            LatestCommit = new CommitSummary
            {
                Commit = "0123456789abcdef0123456789abcdef01234567",
                Branch = "main",
                Author = "Mallory <script>alert(1)</script>",
                Subject = "\"><img src=x onerror=alert(2)>",
                Rejected = true,
                Errors = ["services/web.yaml:3:7: error GITOPS001: <b>bad</b>"],
                ObservedAt = Now,
            },
            Hosts =
            [
                new HostStatus { Host = "lb1", DesiredVersion = 3, AppliedVersion = 2, State = HostState.Failed, LastError = "reload failed: <iframe>", DesiredCommit = "0123456789abcdef" },
            ],
        };

        var page = StatusPage.Render(report, new PageFrame(Now));

        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<iframe>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", page, StringComparison.Ordinal);
        Assert.Contains("reload failed: &lt;iframe&gt;", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ShowsEachHostsStateVersionsAndCommit()
    {
        var report = new StatusReport
        {
            Hosts =
            [
                new HostStatus { Host = "lb1", DesiredVersion = 4, AppliedVersion = 4, State = HostState.Converged, DesiredCommit = "89abcdef0123456789abcdef" },
                new HostStatus { Host = "lb2", DesiredVersion = 4, State = HostState.Pending },
                new HostStatus { Host = "lb3", DesiredVersion = 4, AppliedVersion = 2, State = HostState.Pinned, PinnedBy = "ann" },
            ],
        };

        var page = StatusPage.Render(report, new PageFrame(Now));

        Assert.Contains(
            "<tr data-host=\"lb1\"><td data-label=\"host\"><a href=\"/history?host=lb1\">lb1</a></td><td data-label=\"state\" class=\"state-converged\">converged</td>" +
            "<td data-label=\"rendered\"><a href=\"/hosts/lb1/versions/4\">v4</a></td><td data-label=\"applied\"><a href=\"/hosts/lb1/versions/4\">v4</a></td>" +
            "<td data-label=\"commit\" class=\"sha\">89abcdef0123</td>",
            page,
            StringComparison.Ordinal);
        Assert.Contains("<td data-label=\"applied\"><span class=\"muted\">not reported</span></td>", page, StringComparison.Ordinal);
        Assert.Contains("class=\"state-pinned\">pinned by ann</td>", page, StringComparison.Ordinal);
        Assert.Contains("latest: none recorded yet", page, StringComparison.Ordinal);
    }
}
