using GitOps.Core.Events;
using GitOps.Reconciler.ReadModels;
using Prometheus;

namespace GitOps.Web.Metrics;

/// <summary>
/// What <c>/metrics</c> serves, every name starting <c>gitops_</c>. Counters and the apply histogram count the events this
/// process sees in the store from its start (<see cref="Observe"/>, fed by the dashboard's subscription), whoever appended them (the controller, every
/// host's agent); the per-host versions are read from the read model at each scrape; webhook deliveries are counted as
/// they are answered. A registry of its own, so two dashboards in one process never share a counter.
/// </summary>
public sealed class GitOpsMetrics
{
    private readonly Counter commitsSeen;
    private readonly Counter commitsRejected;
    private readonly Counter rendered;
    private readonly Counter applies;
    private readonly Histogram applyDuration;
    private readonly Counter discoveryEvents;
    private readonly Counter webhookDeliveries;
    private readonly Gauge renderedVersion;
    private readonly Gauge appliedVersion;
    private readonly Gauge versionsBehind;

    public GitOpsMetrics(ReadModelQueries queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        commitsSeen = factory.CreateCounter("gitops_commits_seen_total", "Commits of the followed branch recorded, accepted or rejected.");
        commitsRejected = factory.CreateCounter("gitops_commits_rejected_total", "Commits recorded as rejected (validation failed); the last good state stayed in force.");
        rendered = factory.CreateCounter("gitops_configs_rendered_total", "Configurations rendered, checked and published, by host.", "host");
        applies = factory.CreateCounter("gitops_applies_total", "Configurations an agent applied or failed to apply, by host and outcome (applied, failed).", "host", "outcome");
        applyDuration = factory.CreateHistogram(
            "gitops_apply_duration_seconds",
            "How long agents took to apply a configuration, by method (runtime, reload, start, unchanged).",
            new HistogramConfiguration { LabelNames = ["method"], Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        discoveryEvents = factory.CreateCounter("gitops_discovery_events_total", "Container events Docker discovery recorded, by host.", "host");
        webhookDeliveries = factory.CreateCounter("gitops_webhook_deliveries_total", "Webhook deliveries answered, by forge and outcome (fetch, ignored, bad_request, unauthorized, replayed, too_large).", "forge", "outcome");
        renderedVersion = factory.CreateGauge("gitops_host_rendered_version", "The latest configuration version rendered for a host.", "host");
        appliedVersion = factory.CreateGauge("gitops_host_applied_version", "The configuration version a host's agent last applied (absent until it reports).", "host");
        versionsBehind = factory.CreateGauge("gitops_host_versions_behind", "How many rendered versions a host's applied configuration lags behind the latest (0 when converged or pinned by a rollback).", "host");
        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var status = await queries.StatusAsync(cancellationToken).ConfigureAwait(false);
            foreach (var host in status.Hosts)
            {
                renderedVersion.WithLabels(host.Host).Set(host.DesiredVersion);
                if (host.AppliedVersion is { } applied)
                {
                    appliedVersion.WithLabels(host.Host).Set(applied);
                }

                versionsBehind.WithLabels(host.Host).Set(host.State == HostState.Pinned ? 0 : Math.Max(0, host.DesiredVersion - (host.AppliedVersion ?? 0)));
            }
        });
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    /// <summary>Counts one event.</summary>
    public void Observe(IEvent data)
    {
        switch (data)
        {
            case DesiredStateObserved:
                commitsSeen.Inc();
                break;
            case DesiredStateRejected:
                commitsSeen.Inc();
                commitsRejected.Inc();
                break;
            case ConfigRendered config:
                rendered.WithLabels(config.Host).Inc();
                break;
            case ConfigApplied applied:
                applies.WithLabels(applied.Host, "applied").Inc();
                applyDuration.WithLabels(applied.Method.ToString().ToLowerInvariant()).Observe(applied.Duration.TotalSeconds);
                break;
            case ApplyFailed failed:
                applies.WithLabels(failed.Host, "failed").Inc();
                break;
            case IDiscoveryEvent discovery and not DiscoveryResynced:
                discoveryEvents.WithLabels(discovery.Host).Inc();
                break;
        }
    }

    /// <summary>Counts one webhook delivery answered.</summary>
    public void WebhookDelivery(string forge, string outcome) => webhookDeliveries.WithLabels(forge, outcome).Inc();
}
