using System.Diagnostics;
using System.Net;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.Controller;
using GitOps.Testing.Git;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace GitOps.Web.Tests;

/// <summary>
/// The pages in a real browser: Debian's chromium (installed by deploy/setup.sh) driven by Playwright, against a real
/// controller, store and git repository. Screenshots of the pages are saved to <c>$GITOPS_SCREENSHOTS</c> (default: the
/// test output's <c>screenshots</c> directory).
/// </summary>
public sealed class DashboardBrowserTests(PostgresFixture database, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly float Bound = (float)TimeSpan.FromSeconds(15).TotalMilliseconds;
    private MartenEventStore? store;
    private GitRepoBuilder? git;
    private IPlaywright? playwright;
    private IBrowser? browser;

    private static string Screenshots =>
        Environment.GetEnvironmentVariable("GITOPS_SCREENSHOTS") is { Length: > 0 } directory ? directory : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: run deploy/setup.sh (it installs Debian's chromium for the dashboard's browser tests).");
        }

        store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString, Actor = "test", PollInterval = TimeSpan.FromMilliseconds(200) });
        git = await GitRepoBuilder.CreateAsync();
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        await store!.DisposeAsync();
        await git!.DisposeAsync();
    }

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
            new DashboardOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Branch = controller.Branch! }, store!, controller.FetchNow, NullLoggerFactory.Instance);
        var page = await browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(new Uri(dashboard.Address, "history").ToString());
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
        Assert.Contains("v2", await page.InnerTextAsync("#hosts tr[data-host=\"lb2\"]"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "status");
        await page.SetViewportSizeAsync(390, 844);
        await ScreenshotAsync(page, "status-phone");
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        var path = Path.Combine(Screenshots, $"dashboard-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine("screenshot: " + path);
    }

    private static string Service(string balance) => $$"""
        apiVersion: gitops/v1
        kind: Service
        name: web
        listen: { port: 18080, mode: http }
        routes:
          - { host: web.example.com }
        backend:
          balance: {{balance}}
          servers:
            - { name: s1, address: 127.0.0.1:18081 }
            - { name: s2, address: 127.0.0.1:18082 }
        """;
}
