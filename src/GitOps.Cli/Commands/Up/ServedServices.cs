using System.Globalization;
using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using GitOps.Core.Discovery;
using GitOps.Core.Effective;
using GitOps.Core.Events;
using GitOps.EventStore;

using GitOps.Reconciler.ReadModels;

namespace GitOps.Cli.Commands.Up;

/// <summary>
/// Where each service of one host is served, as <c>gitops up</c> prints it: the configuration version's commit's desired
/// state merged with the host's containers (the controller's own derivation, from events alone), one line per service,
/// e.g. <c>web: http://www.example.com:80/ (host routing) → 2 containers</c>, then the statistics page. A service the
/// configuration leaves out because a file it needs is missing on the host reads <c>shop: NOT served: …</c> with the reason.
/// </summary>
internal static class ServedServices
{
    /// <summary>The commit of <paramref name="version"/> and the lines by service name (<c>stats</c> for the statistics page); null when the events are not there.</summary>
    public static async Task<(ConfigRendered Config, string Subject, IReadOnlyDictionary<string, string> Lines)?> DescribeAsync(
        MartenEventStore store, string host, long version, string? bindAddress, CancellationToken cancellationToken)
    {
        var config = await RenderedVersions.FindAsync(store, host, version, cancellationToken).ConfigureAwait(false);
        if (config is null)
        {
            return null;
        }

        DesiredStateObserved? observed = null;
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Desired, ReadDirection.Backwards, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is DesiredStateObserved candidate && candidate.Commit == config.Commit)
            {
                observed = candidate;
                break;
            }
        }

        if (observed is null || DesiredStateLoader.Load(observed.Files).State is not { } desired)
        {
            return null;
        }

        var containers = ObservedContainers.Empty;
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Docker(host), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (recorded.Data is IDiscoveryEvent discovery)
            {
                containers = containers.Apply(discovery);
            }
        }

        var effective = EffectiveModelBuilder.Build(desired, host, containers.ById.Values);
        var lines = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in effective.Services)
        {
            lines[service.Name] = $"{service.Name}: {Address(service.Service, bindAddress)} → {Servers(service)}";
        }

        // The controller judged the host's files when it rendered this version; what it left out is not served.
        foreach (var file in config.RequiredFiles.Where(f => f.Problem is not null))
        {
            lines[file.Service] = $"{file.Service}: NOT served: {file.LeftOut(host)}";
        }

        foreach (var capability in config.RequiredCapabilities.Where(c => c.Problem is not null))
        {
            lines[capability.Service] = $"{capability.Service}: NOT served: {capability.LeftOut(host)}";
        }

        if (effective.Stats is { } stats)
        {
            lines["stats"] = $"stats: http://{Host(stats.Bind)}:{stats.Port.ToString(CultureInfo.InvariantCulture)}{stats.Path}" +
                             (stats.Prometheus ? $" (Prometheus: {stats.PrometheusPath})" : "");
        }

        return (config, CommitText.Subject(observed.Message), lines);
    }

    private static string Address(ServiceModel service, string? bindAddress)
    {
        var port = service.Listen.Port.ToString(CultureInfo.InvariantCulture);
        var here = Host(bindAddress ?? "localhost");
        if (service.Listen.Mode == ListenMode.Tcp)
        {
            return $"tcp://{here}:{port}";
        }

        var scheme = service.Listen.Tls is null ? "http" : "https";
        if (service.Routes.Count == 0)
        {
            return $"{scheme}://{here}:{port}/";
        }

        var urls = string.Join(", ", service.Routes.Select(r => $"{scheme}://{r.Host ?? here}:{port}{r.Path}"));
        return service.Routes.Any(r => r.Host is not null) ? urls + " (host routing)" : urls;
    }

    private static string Host(string address) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;

    private static string Servers(EffectiveService service)
    {
        var containers = service.Servers.Count(s => s.Container is not null);
        var statics = service.Servers.Count - containers;
        List<string> parts = [];
        if (containers > 0)
        {
            parts.Add(containers == 1 ? "1 container" : $"{containers} containers");
        }

        if (statics > 0)
        {
            parts.Add(statics == 1 ? "1 static server" : $"{statics} static servers");
        }

        return parts.Count == 0 ? "no servers yet" : string.Join(" + ", parts);
    }
}
