using System.Net;
using System.Net.Sockets;
using GitOps.EventStore;
using GitOps.Reconciler.ReadModels;
using GitOps.Web.CommitStatus;
using GitOps.Web.Live;
using GitOps.Web.Metrics;
using GitOps.Web.Pages;
using GitOps.Web.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace GitOps.Web;

/// <summary>
/// The web side of <c>gitops up</c> and <c>gitops controller</c> (ASP.NET Core, Kestrel): read-only pages (status at
/// <c>/</c>, <c>/history</c>, a host's configuration at <c>/hosts/{host}/versions/{version}</c> and diffs at
/// <c>/hosts/{host}/diff?from=&amp;to=</c>) kept current through <c>/events</c>, <c>/api/status</c> as JSON, <c>/metrics</c>
/// in Prometheus text format, and the push webhooks <c>POST /hooks/github|gitlab|gitea|generic</c> that make the
/// controller look at its branch at once. One store subscription (from the head at start) feeds the metrics and the
/// live pages.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();
    private readonly ChangeFeed feed;
    private CommitStatusReporter? statuses;
    private Task follower = Task.CompletedTask;

    private DashboardServer(WebApplication app, GitOpsMetrics metrics, ChangeFeed feed)
    {
        this.app = app;
        Metrics = metrics;
        this.feed = feed;
    }

    /// <summary>The address the dashboard answers on, e.g. <c>http://127.0.0.1:8480/</c>.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    public GitOpsMetrics Metrics { get; }

    /// <summary>
    /// Starts listening on <see cref="DashboardOptions.Endpoint"/>. <paramref name="fetchNow"/> is called for every authentic
    /// push to the followed branch.
    /// </summary>
    /// <exception cref="DashboardException">The address cannot be listened on (in use, not this machine's, not allowed).</exception>
    public static async Task<DashboardServer> StartAsync(
        DashboardOptions options, MartenEventStore store, Action fetchNow, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(fetchNow);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        timeProvider ??= TimeProvider.System;
        var logger = loggerFactory.CreateLogger("dashboard");
        var queries = new ReadModelQueries(store);
        var metrics = new GitOpsMetrics(queries);
        // Counting starts here: every event appended after StartAsync returns is counted.
        var head = await store.HeadAsync(cancellationToken).ConfigureAwait(false);
        var verifier = options.WebhookSecret is { } secret ? new WebhookVerifier(secret, options.Branch, new DeliveryMemory(timeProvider), timeProvider) : null;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        PageRoutes.AddServices(builder.Services);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Endpoint);
        });
        var app = builder.Build();
        var feed = new ChangeFeed();
        var server = new DashboardServer(app, metrics, feed);
        new PageRoutes(store, queries, options.Users, timeProvider).Map(app);
        app.MapGet("/events", (HttpContext context) => feed.StreamAsync(context, server.stopping.Token));
        app.MapGet("/api/status", async Task<IResult> (HttpContext context) => Results.Json(await queries.StatusAsync(context.RequestAborted).ConfigureAwait(false)));
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        app.MapPost("/hooks/{forge}", async (HttpContext context, string forge) =>
        {
            var verdict = await WebhookEndpoint.HandleAsync(context, forge, verifier, options.MaxWebhookBytes).ConfigureAwait(false);
            // The path segment comes from outside: only a known forge's own name reaches a label or the log.
            var name = verdict.Outcome == "unknown_forge" ? "unknown" : forge.ToLowerInvariant();
            metrics.WebhookDelivery(name, verdict.Outcome);
            DashboardLog.Delivery(logger, name, verdict.Status, verdict.Message);
            if (verdict.Fetch)
            {
                fetchNow();
            }

            return Results.Text(verdict.Message + "\n", "text/plain; charset=utf-8", statusCode: verdict.Status);
        });

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            server.stopping.Dispose();
            throw new DashboardException($"the dashboard cannot listen on {options.Endpoint}: {ex.Message}", ex);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        // Only once listening: a dashboard that could not start leaves no sender behind.
        server.statuses = options.CommitStatus is { } status ? new CommitStatusReporter(status, logger) : null;
        server.follower = Task.Run(() => server.FollowAsync(store, head, logger), CancellationToken.None);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        // First: the follower and every open /events stream end, so stopping Kestrel waits for nothing.
        await stopping.CancelAsync().ConfigureAwait(false);
        await follower.ConfigureAwait(false);
        if (statuses is not null)
        {
            // The statuses already queued are still sent (each at most three tries).
            await statuses.DisposeAsync().ConfigureAwait(false);
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }

    /// <summary>Every event after <paramref name="head"/>: counted in the metrics, and announced to open pages.</summary>
    private async Task FollowAsync(MartenEventStore store, GlobalPosition head, ILogger logger)
    {
        try
        {
            await foreach (var recorded in store.SubscribeAsync("dashboard", head, stopping.Token).ConfigureAwait(false))
            {
                Metrics.Observe(recorded.Data);
                statuses?.Observe(recorded.Data);
                feed.Publish(recorded.Position.Sequence);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
#pragma warning disable CA1031 // Metrics must never take the controller down: the counters stop, logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            DashboardLog.MetricsStopped(logger, ex);
        }
    }
}
