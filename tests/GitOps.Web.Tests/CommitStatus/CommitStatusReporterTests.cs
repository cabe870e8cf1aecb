using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Events;
using GitOps.Testing.Time;
using GitOps.Web.CommitStatus;
using GitOps.Web.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace GitOps.Web.Tests.CommitStatus;

/// <summary>The statuses a commit goes through, sent over real HTTP to a local receiver that records what it was sent, in each forge's format.</summary>
public sealed class CommitStatusReporterTests : IAsyncLifetime
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";
    private readonly ConcurrentQueue<(string Path, string Authorization, string Body)> received = new();
    private WebApplication? receiver;
    private Uri? api;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        receiver = builder.Build();
        receiver.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var authorization = context.Request.Headers.Authorization.ToString() + context.Request.Headers["PRIVATE-TOKEN"];
            received.Enqueue((context.Request.Path, authorization, await reader.ReadToEndAsync()));
            return Results.StatusCode(201);
        });
        await receiver.StartAsync();
        api = new Uri(receiver.Urls.First() + "/api/repos/ops/lb");
    }

    public async Task DisposeAsync() => await receiver!.DisposeAsync();

    [Theory]
    [InlineData(Forge.GitHub, "Bearer secret-token", "context", "failure")]
    [InlineData(Forge.Gitea, "token secret-token", "context", "failure")]
    [InlineData(Forge.GitLab, "secret-token", "name", "failed")]
    public async Task ACommit_IsValidated_ThenAppliedOnEachHost_InTheForgesFormat(Forge forge, string authorization, string nameField, string failure)
    {
        await using (var reporter = new CommitStatusReporter(new CommitStatusOptions(forge, api!, "secret-token"), NullLogger.Instance))
        {
            reporter.Observe(Observed(Sha, "lb1", "lb2"));
            reporter.Observe(Rendered("lb1", 4, Sha));
            reporter.Observe(Rendered("lb2", 7, Sha));
            reporter.Observe(Applied("lb1", 4, Sha));
            reporter.Observe(Applied("lb1", 4, Sha)); // an agent reporting again counts once
            reporter.Observe(Applied("lb2", 7, Sha));
            reporter.Observe(new DesiredStateRejected { Commit = "fedcba9876543210fedcba9876543210fedcba98", Errors = new[] { "services/web.yaml:3:7: error GITOPS011: 'listen.mode' is 'htp'" }.ToValueList() });
        }

        var sent = received.ToArray();
        Assert.Equal(4, sent.Length);
        Assert.All(sent, s => Assert.Equal(authorization, s.Authorization));
        Assert.Equal(
            [
                ("/api/repos/ops/lb/statuses/" + Sha, "pending", "validated; applied on 0 of 2 hosts"),
                ("/api/repos/ops/lb/statuses/" + Sha, "pending", "applied on 1 of 2 hosts"),
                ("/api/repos/ops/lb/statuses/" + Sha, "success", "applied on 2 of 2 hosts"),
                ("/api/repos/ops/lb/statuses/fedcba9876543210fedcba9876543210fedcba98", failure, "rejected: services/web.yaml:3:7: error GITOPS011: 'listen.mode' is 'htp'"),
            ],
            sent.Select(s => (s.Path, Field(s.Body, "state"), Field(s.Body, "description"))));
        Assert.All(sent, s => Assert.Equal("gitops", Field(s.Body, nameField)));
    }

    [Fact]
    public async Task AnApplyThatFails_MarksItsCommitFailed()
    {
        await using (var reporter = new CommitStatusReporter(new CommitStatusOptions(Forge.GitHub, api!, "t"), NullLogger.Instance))
        {
            reporter.Observe(Observed(Sha, "lb1"));
            reporter.Observe(Rendered("lb1", 2, Sha));
            reporter.Observe(new ApplyFailed { Host = "lb1", Version = 2, Error = "HAProxy's reload failed" });
        }

        Assert.Equal(("failure", "apply failed on lb1: HAProxy's reload failed"), (Field(received.Last().Body, "state"), Field(received.Last().Body, "description")));
    }

    private static string Field(string json, string name) => JsonDocument.Parse(json).RootElement.GetProperty(name).GetString()!;

    private static DesiredStateObserved Observed(string commit, params string[] hosts) => new()
    {
        Commit = commit,
        Author = "Ann",
        Message = "web",
        Files = new[] { new RepositoryFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts:\n" + string.Concat(hosts.Select(h => $"  - name: {h}\n"))) }.ToValueList(),
    };

    private static ConfigRendered Rendered(string host, long version, string commit) => new() { Host = host, Version = version, Sha256 = new string('a', 64), Text = "", Commit = commit };

    private static ConfigApplied Applied(string host, long version, string commit) =>
        new() { Host = host, Version = version, Method = ApplyMethod.Runtime, Duration = TimeSpan.FromMilliseconds(5), Commit = commit };
}
