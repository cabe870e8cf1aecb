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

/// <summary>Rolling back from the browser, and who cannot (see <see cref="BrowserTestBase"/>).</summary>
public sealed class DashboardRollbackBrowserTests(PostgresFixture database, ITestOutputHelper output) : BrowserTestBase(database, output), IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task AnOperatorRollsBackThroughTheBrowser_RecordedAsThem_AndNoViewerNorSignedOutVisitorNorOtherSiteCan()
    {
        git!.WriteFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts:\n  - name: lb1\n").WriteFile("services/web.yaml", Service("roundrobin"));
        await git.CommitAsync("web");
        git.WriteFile("services/web.yaml", Service("leastconn"));
        await git.CommitAsync("web: least connections");
        var options = new ControllerOptions { Repository = git.WorkTree, PollInterval = TimeSpan.FromSeconds(10), CoalesceWindow = TimeSpan.FromMilliseconds(50) };
        await using var controller = new ControllerService(store!, options);
        await controller.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(async ct => await store!.StreamVersionAsync(StreamNames.Config("lb1"), ct) >= 1, "the commit rendered");
        git.WriteFile("services/web.yaml", Service("source"));
        await git.CommitAsync("web: by source");
        await Poll.UntilAsync(async ct => await store!.StreamVersionAsync(StreamNames.Config("lb1"), ct) >= 2, "the second commit rendered");
        await using var dashboard = await DashboardServer.StartAsync(
            new DashboardOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Branch = controller.Branch!, Users = Users() }, store!, controller.FetchNow, NullLoggerFactory.Instance);
        var rollbackForm = new Uri(dashboard.Address, "hosts/lb1/rollback?to=1").ToString();
        var rollbackPost = new Uri(dashboard.Address, "hosts/lb1/rollback").ToString();

        // A signed-out visitor: sent to sign in; a post without this site's form token is refused.
        var visitor = await browser!.NewPageAsync();
        await visitor.GotoAsync(rollbackForm);
        await visitor.WaitForSelectorAsync("#signin");
        var anonymous = await visitor.Context.APIRequest.PostAsync(rollbackPost, new APIRequestContextOptions { Form = Form(visitor, ("to", "1")), MaxRedirects = 0 });
        Assert.Equal(400, anonymous.Status);
        // A viewer: not allowed.
        var viewer = await browser.NewPageAsync();
        await viewer.GotoAsync(new Uri(dashboard.Address, "signin").ToString());
        await SignInAsync(viewer, "bob", BobPassword);
        await viewer.GotoAsync(rollbackForm);
        await viewer.WaitForSelectorAsync("#forbidden");
        // Another site's page posting into the operator's session: no form token, refused.
        var operatorPage = await browser.NewPageAsync();
        await operatorPage.GotoAsync(new Uri(dashboard.Address, "signin").ToString());
        await SignInAsync(operatorPage, "ann", AnnPassword);
        var forged = await operatorPage.Context.APIRequest.PostAsync(rollbackPost, new APIRequestContextOptions { Form = Form(operatorPage, ("to", "1")), MaxRedirects = 0 });
        Assert.Equal(400, forged.Status);
        Assert.Equal(0, await RollbacksAsync());

        await operatorPage.GotoAsync(new Uri(dashboard.Address, "hosts/lb1/versions/1").ToString());
        await operatorPage.ClickAsync("#rollback");
        await operatorPage.WaitForSelectorAsync("#confirm-rollback");
        await ScreenshotAsync(operatorPage, "rollback");
        await operatorPage.ClickAsync("#confirm-rollback");
        await operatorPage.WaitForSelectorAsync(".entry[data-host=\"lb1\"]:has-text(\"rollback to version 1 by ann\")", new PageWaitForSelectorOptions { Timeout = Bound });

        Assert.Equal(1, await RollbacksAsync());
        Assert.Contains("/history?host=lb1", operatorPage.Url, StringComparison.Ordinal);
    }
}
