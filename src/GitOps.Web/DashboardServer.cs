using System.Net;
using System.Net.Sockets;
using GitOps.EventStore;
using GitOps.Reconciler.ReadModels;
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
/// The web side of <c>gitops up</c> and <c>gitops controller</c> (ASP.NET Core, Kestrel): the read-only status page
/// (<c>/</c>, and <c>/api/status</c> as JSON), <c>/metrics</c> in Prometheus text format, and the push webhooks
/// <c>POST /hooks/github|gitlab|gitea|generic</c> that make the controller look at its branch at once.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task metricsFollower;

    private DashboardServer(WebApplication app, Uri address, GitOpsMetrics metrics, MartenEventStore store, GlobalPosition head, ILogger logger)
    {
        this.app = app;
        Address = address;
        Metrics = metrics;
        metricsFollower = Task.Run(() => FollowAsync(store, head, logger), CancellationToken.None);
    }

    /// <summary>The address the dashboard answers on, e.g. <c>http://127.0.0.1:8480/</c>.</summary>
    public Uri Address { get; }

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
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Endpoint);
        });
        var app = builder.Build();
        app.MapGet("/", async (HttpContext context) =>
        {
            var report = await queries.StatusAsync(context.RequestAborted).ConfigureAwait(false);
            return Results.Content(StatusPage.Render(report, timeProvider.GetUtcNow()), "text/html; charset=utf-8");
        });
        app.MapGet("/api/status", async (HttpContext context) => Results.Json(await queries.StatusAsync(context.RequestAborted).ConfigureAwait(false)));
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
            throw new DashboardException($"the dashboard cannot listen on {options.Endpoint}: {ex.Message}", ex);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = new Uri(bound.EndsWith('/') ? bound : bound + "/");
        return new DashboardServer(app, address, metrics, store, head, logger);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await metricsFollower.ConfigureAwait(false);
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }

    private async Task FollowAsync(MartenEventStore store, GlobalPosition head, ILogger logger)
    {
        try
        {
            await Metrics.FollowAsync(store, head, stopping.Token).ConfigureAwait(false);
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
