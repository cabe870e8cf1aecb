using System.Diagnostics;
using System.Net;
using GitOps.Core.Events;
using GitOps.Reconciler.Controller;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace GitOps.Web.Tests;

/// <summary>The live timeline and the diff page in Debian's chromium (see <see cref="BrowserTestBase"/>).</summary>
public sealed class DashboardBrowserTests(PostgresFixture database, ITestOutputHelper output) : BrowserTestBase(database, output), IClassFixture<PostgresFixture>
{
    private readonly ITestOutputHelper output = output;

    [Fact]
    public async Task ACommit_AppearsInTheOpenTimelineWithoutAReload_AndItsDiffShowsTheChangedLines()
    {
        git!.WriteFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts:\n  - name: lb1\n  - name: lb2\n")
            .WriteFile("services/web.yaml", Service("roundrobin"));
        await git.CommitAsync("web: two servers");
        var options = new ControllerOptions { Repository = git.WorkTree, PollInterval = TimeSpan.FromSeconds(10), CoalesceWindow = TimeSpan.FromMilliseconds(50) };
        await using var controller = new ControllerService(store!, options);
        await controller.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(async ct => await store!.StreamVersionAsync(StreamNames.Config("lb2"), ct) >= 1, "the first commit rendered");
        await using var dashboard = await DashboardServer.StartAsync(
            new DashboardOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Branch = controller.Branch!, Users = Users() }, store!, controller.FetchNow, NullLoggerFactory.Instance);
        var page = await browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(dashboard.Address, "history").ToString());
        // Signed out: the history sends to the sign-in form, which comes back to it.
        await page.WaitForSelectorAsync("#signin");
        Assert.Contains("/signin?return=%2Fhistory", page.Url, StringComparison.Ordinal);
        await SignInAsync(page, "ann", AnnPassword);
        await page.WaitForSelectorAsync(".entry[data-host=\"lb1\"][data-version=\"1\"]", new PageWaitForSelectorOptions { Timeout = Bound });
        // A page that reloads loses this; one that updates <main> in place keeps it.
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        await page.WaitForSelectorAsync("#live:text('live')", new PageWaitForSelectorOptions { Timeout = Bound });

        git.WriteFile("services/web.yaml", Service("leastconn"));
        var started = Stopwatch.GetTimestamp();
        var commit = await git.CommitAsync("web: least connections");
        await page.WaitForSelectorAsync(".entry[data-host=\"lb1\"][data-version=\"2\"]", new PageWaitForSelectorOptions { Timeout = Bound });
        output.WriteLine($"commit → shown in the open timeline: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");

        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        Assert.Contains(commit[..12], await page.InnerTextAsync(".entry[data-host=\"lb1\"][data-version=\"2\"]"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "history");

        await page.ClickAsync(".entry[data-host=\"lb1\"][data-version=\"2\"] a:text('diff')");
        await page.WaitForSelectorAsync("#diff");
        Assert.Contains("balance roundrobin", await page.InnerTextAsync("#diff .del"), StringComparison.Ordinal);
        Assert.Contains("balance leastconn", await page.InnerTextAsync("#diff .add"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "diff");

        await page.GotoAsync(dashboard.Address.ToString());
        await page.WaitForSelectorAsync("#hosts tr[data-host=\"lb2\"]");
        Assert.Equal("ann (operator)", await page.InnerTextAsync("#user"));
        Assert.Contains("v2", await page.InnerTextAsync("#hosts tr[data-host=\"lb2\"]"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "status");
        await page.SetViewportSizeAsync(390, 844);
        await ScreenshotAsync(page, "status-phone");
    }
}
