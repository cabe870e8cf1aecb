using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Testing.Git;
using GitOps.Testing.Postgres;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace GitOps.Web.Tests;

/// <summary>
/// The pages in a real browser: Debian's chromium (installed by deploy/setup.sh) driven by Playwright, against a real
/// controller, store and git repository. Screenshots of the pages are saved to <c>$GITOPS_SCREENSHOTS</c> (default: the
/// test output's <c>screenshots</c> directory).
/// </summary>
public abstract class BrowserTestBase(PostgresFixture database, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    protected static readonly float Bound = (float)TimeSpan.FromSeconds(15).TotalMilliseconds;
    private IPlaywright? playwright;

    protected MartenEventStore? store;

    protected GitRepoBuilder? git;

    protected IBrowser? browser;

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

    protected const string AnnPassword = "ann-operator-password";
    protected const string BobPassword = "bob-viewer-password";

    protected static GitOps.Web.Access.DashboardUsers Users() => GitOps.Web.Access.DashboardUsers.Parse(
        $"ann operator {GitOps.Web.Access.SecretHash.HashPassword(AnnPassword, 100_000)}\nbob viewer {GitOps.Web.Access.SecretHash.HashPassword(BobPassword, 100_000)}\n", "users");

    protected static async Task SignInAsync(IPage page, string name, string password)
    {
        await page.FillAsync("input[name=name]", name);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("#user");
    }

    protected static IFormData Form(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.Context.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }

    protected async Task<int> RollbacksAsync()
    {
        var count = 0;
        await foreach (var recorded in store!.ReadStreamAsync(StreamNames.Operator))
        {
            if (recorded.Data is RollbackRequested { Actor: "ann" })
            {
                count++;
            }
        }

        return count;
    }

    protected async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        var path = Path.Combine(Screenshots, $"dashboard-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine("screenshot: " + path);
    }

    protected static string Service(string balance) => TestRepository.Service(balance);
}
