using System.Net;
using System.Security.Cryptography;
using System.Text;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Git;
using GitOps.Reconciler;
using GitOps.Reconciler.Controller;
using GitOps.Testing.Git;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace GitOps.Web.Tests;

/// <summary>
/// The dashboard on a real Kestrel socket, a real PostgreSQL store and a real controller following a <c>file://</c> remote
/// whose poll interval is ten minutes, so a commit seen within the bound was fetched because of the webhook.
/// </summary>
public sealed class DashboardServerTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string SecretText = "a-webhook-secret-of-32-characters";
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(SecretText);
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private MartenEventStore? store;
    private GitRepoBuilder? git;

    private MartenEventStore Store => store!;

    private GitRepoBuilder Git => git!;

    public async Task InitializeAsync()
    {
        store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString, Actor = "test", PollInterval = TimeSpan.FromMilliseconds(200) });
        git = await GitRepoBuilder.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await Store.DisposeAsync();
        await Git.DisposeAsync();
    }

    [Fact]
    public async Task SignedGitHubPush_MakesTheControllerFetchAtOnce_AndPageAndMetricsShowIt()
    {
        Git.WriteFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts:\n  - name: lb1\n")
            .WriteFile("services/web.yaml", TestRepository.Service("roundrobin", servers: 1));
        await Git.CommitAsync("web");
        await Git.CreateRemoteAsync();
        var options = new ControllerOptions
        {
            Repository = Git.RemoteUrl,
            GitOptions = new GitRepositoryOptions { MirrorCacheDirectory = Git.ScratchDirectory("mirrors") },
            PollInterval = TimeSpan.FromMinutes(10),
            CoalesceWindow = TimeSpan.FromMilliseconds(50),
        };
        await using var controller = new ControllerService(Store, options);
        await controller.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(async ct => await Store.StreamVersionAsync(StreamNames.Config("lb1"), ct) >= 1, "the first commit rendered for lb1");
        await using var dashboard = await DashboardServer.StartAsync(
            new DashboardOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Branch = controller.Branch!, WebhookSecret = Secret },
            Store,
            controller.FetchNow,
            NullLoggerFactory.Instance);

        Git.WriteFile("services/web.yaml", TestRepository.Service("leastconn", servers: 1));
        var pushed = await Git.CommitAsync("web: leastconn");
        await Git.PushAsync();
        var body = Encoding.UTF8.GetBytes($$"""{"ref":"refs/heads/main","after":"{{pushed}}"}""");
        using var forged = await PostAsync(dashboard, "github", body, ("X-Hub-Signature-256", Sign(Encoding.UTF8.GetBytes("not-the-secret-at-all"), body)), ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "1"));
        using var signed = await PostAsync(dashboard, "github", body, ("X-Hub-Signature-256", Sign(Secret, body)), ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "2"));

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, signed.StatusCode);
        Assert.Equal("GitHub delivery 2: push to main, fetching now\n", await signed.Content.ReadAsStringAsync());
        await Poll.UntilAsync(async ct => await ObservedAsync(pushed, ct), "the pushed commit observed long before the 10-minute poll", TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(
            async ct => (await http.GetStringAsync(dashboard.Address, ct)).Contains(pushed[..12], StringComparison.Ordinal),
            "the status page showing the pushed commit",
            TimeSpan.FromSeconds(30));
        var page = await http.GetStringAsync(dashboard.Address);
        Assert.Contains("<tr data-host=\"lb1\">", page, StringComparison.Ordinal);
        var json = await http.GetStringAsync(new Uri(dashboard.Address, "api/status"));
        Assert.Contains("\"host\":\"lb1\",\"desiredVersion\":2", json, StringComparison.Ordinal);
        var metrics = await http.GetStringAsync(new Uri(dashboard.Address, "metrics"));
        Assert.Contains("gitops_webhook_deliveries_total{forge=\"github\",outcome=\"fetch\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("gitops_webhook_deliveries_total{forge=\"github\",outcome=\"unauthorized\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("gitops_host_rendered_version{host=\"lb1\"} 2", metrics, StringComparison.Ordinal);
        await Poll.UntilAsync(
            async ct => (await http.GetStringAsync(new Uri(dashboard.Address, "metrics"), ct)).Contains("gitops_commits_seen_total 1", StringComparison.Ordinal),
            "the commit counted");
    }

    [Fact]
    public async Task Webhooks_OversizedUnknownOrOff_AreRefusedWithoutFetching()
    {
        var fetches = 0;
        await using var dashboard = await DashboardServer.StartAsync(
            new DashboardOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Branch = "main", WebhookSecret = Secret, MaxWebhookBytes = 1024 },
            Store,
            () => Interlocked.Increment(ref fetches),
            NullLoggerFactory.Instance);
        await using var withoutSecret = await DashboardServer.StartAsync(
            new DashboardOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Branch = "main" },
            Store,
            () => Interlocked.Increment(ref fetches),
            NullLoggerFactory.Instance);
        var big = Encoding.UTF8.GetBytes("{\"ref\":\"refs/heads/main\",\"pad\":\"" + new string('x', 2048) + "\"}");
        var small = Encoding.UTF8.GetBytes("{\"ref\":\"refs/heads/main\"}");

        using var oversized = await PostAsync(dashboard, "github", big, ("X-Hub-Signature-256", Sign(Secret, big)), ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "big"));
        using var unknown = await PostAsync(dashboard, "bitbucket", small);
        using var off = await PostAsync(withoutSecret, "github", small, ("X-Hub-Signature-256", Sign(Secret, small)), ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "x"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
        Assert.Contains("--webhook-secret-file", await off.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, fetches);
        var metrics = await http.GetStringAsync(new Uri(dashboard.Address, "metrics"));
        Assert.Contains("gitops_webhook_deliveries_total{forge=\"github\",outcome=\"too_large\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAddressInUse_IsADashboardExceptionNamingIt()
    {
        await using var first = await DashboardServer.StartAsync(
            new DashboardOptions { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), Branch = "main" }, Store, () => { }, NullLoggerFactory.Instance);
        var taken = new IPEndPoint(IPAddress.Loopback, first.Address.Port);

        var refused = await Assert.ThrowsAsync<DashboardException>(() => DashboardServer.StartAsync(
            new DashboardOptions { Endpoint = taken, Branch = "main" }, Store, () => { }, NullLoggerFactory.Instance));

        Assert.StartsWith($"the dashboard cannot listen on {taken}: ", refused.Message, StringComparison.Ordinal);
    }

    private async Task<bool> ObservedAsync(string commit, CancellationToken cancellationToken)
    {
        await foreach (var recorded in Store.ReadStreamAsync(StreamNames.Desired, cancellationToken: cancellationToken))
        {
            if (recorded.Data is DesiredStateObserved observed && observed.Commit == commit)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<HttpResponseMessage> PostAsync(DashboardServer dashboard, string forge, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(dashboard.Address, "hooks/" + forge)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await http.SendAsync(request);
    }

    private static string Sign(byte[] secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));
}
