using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Core.Hosts;
using GitOps.Core.Validation;

namespace GitOps.Core.Effective;

/// <summary>
/// Merges a validated <see cref="DesiredState"/> with the containers observed on one host into
/// that host's <see cref="EffectiveHostConfig"/>. Pure and deterministic: the order of the
/// inputs does not matter. Conflicts are resolved the same way every time (Git before labels,
/// then service name order) and reported as diagnostics; nothing throws on bad data.
/// </summary>
public static class EffectiveModelBuilder
{
    private const string SeedPrefix = "seed-";

    /// <summary>
    /// Builds the effective model of <paramref name="host"/> from <paramref name="desired"/>, the containers running there
    /// and what its agent reported of the files the services need (<paramref name="hostFiles"/>). A service needing a file
    /// reported missing or unreadable is left out, with an error naming the file; a file not reported on (or
    /// <paramref name="hostFiles"/> null: the host never reported) counts as usable, as before host facts existed. Likewise
    /// a service needing a capability the agent reported it cannot set up (<paramref name="hostCapabilities"/>: transparent
    /// proxying's kernel rules) is left out; one not reported on counts as available.
    /// </summary>
    public static EffectiveHostConfig Build(
        DesiredState desired, string host, IEnumerable<ObservedContainer> containers, IEnumerable<HostFileFact>? hostFiles = null, IEnumerable<HostCapabilityFact>? hostCapabilities = null)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(containers);

        var diagnostics = new List<Diagnostic>();
        if (!desired.Settings.Hosts.Any(h => string.Equals(h.Name, host, StringComparison.Ordinal)))
        {
            diagnostics.Add(new Diagnostic(EffectiveDiagnostics.UnknownHost, $"host '{DiscoveryDiagnostics.Show(host)}' is not declared in gitops.yaml; only services that name it in 'hosts' are placed on it", null, DiagnosticSeverity.Warning));
        }

        var ordered = containers
            .DistinctBy(c => c.Id, StringComparer.Ordinal)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
        var index = new ContainerIndex(ordered.Where(c => c.IsRoutable));
        var claims = new Dictionary<int, PortClaim>();
        if (desired.Settings.Stats is { } stats)
        {
            claims[stats.Port] = new PortClaim(stats.Port, ListenMode.Http, tls: false, "the statistics page") { IsStats = true };
        }

        var facts = new Dictionary<string, HostFileFact>(StringComparer.Ordinal);
        foreach (var fact in hostFiles ?? [])
        {
            facts[fact.Path] = fact;
        }

        var capabilities = (hostCapabilities ?? []).GroupBy(c => c.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var services = new List<EffectiveService>();
        var requiredFiles = new List<RequiredFile>();
        var requiredCapabilities = new List<RequiredCapability>();
        foreach (var service in desired.ServicesOn(host).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (!TryClaim(claims, service, diagnostics))
            {
                continue;
            }

            // The port stays claimed: what Git says about it holds whether or not the host can serve the service now.
            var files = FilesOf(service, facts);
            requiredFiles.AddRange(files);
            var unusable = files.Where(f => f.Problem is not null).ToList();
            diagnostics.AddRange(unusable.Select(f => f.LeftOut(host)));
            var needs = CapabilitiesOf(service, capabilities);
            requiredCapabilities.AddRange(needs);
            var lacking = needs.Where(c => c.Problem is not null).ToList();
            diagnostics.AddRange(lacking.Select(c => c.LeftOut(host)));
            if (unusable.Count == 0 && lacking.Count == 0)
            {
                services.Add(new EffectiveService
                {
                    Service = service,
                    Origin = ServiceOrigin.Repository,
                    Servers = ServersOf(service, index, desired.Settings.Discovery, diagnostics),
                });
            }
        }

        if (desired.Settings.Discovery.SeedLabels)
        {
            services.AddRange(SeedServices(desired.Settings, ordered, services, claims, diagnostics));
        }

        var redirects = new Dictionary<int, EffectiveService>();
        services = services.Select(s => WithCheckedRedirect(s, claims, redirects, diagnostics)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        return new EffectiveHostConfig
        {
            Host = host,
            Defaults = desired.Settings.Defaults,
            Stats = desired.Settings.Stats,
            Services = services.ToValueList(),
            RequiredFiles = requiredFiles.ToValueList(),
            RequiredCapabilities = requiredCapabilities.ToValueList(),
            Diagnostics = diagnostics.ToValueList(),
        };
    }

    /// <summary>The host-local files <paramref name="service"/> needs, each with the problem its host reported, if any.</summary>
    private static List<RequiredFile> FilesOf(ServiceModel service, Dictionary<string, HostFileFact> facts)
    {
        if (service.Listen.Tls is not { } tls)
        {
            return [];
        }

        var certificate = new RequiredFile
        {
            Path = tls.Certificate,
            Service = service.Name,
            What = "TLS certificate",
            Setting = "listen.tls.certificate",
            Source = tls.CertificateSource,
            Problem = facts.TryGetValue(tls.Certificate, out var fact) ? fact.Problem() : null,
        };
        return [certificate];
    }

    /// <summary>What beyond files <paramref name="service"/> needs its host's agent to set up, each with the problem its host reported.</summary>
    private static List<RequiredCapability> CapabilitiesOf(ServiceModel service, Dictionary<string, HostCapabilityFact> facts)
    {
        if (service.Backend.ClientAddress != ClientAddressMode.Transparent)
        {
            return [];
        }

        var transparent = new RequiredCapability
        {
            Name = HostCapabilityFact.TransparentProxy,
            Service = service.Name,
            Setting = "backend.clientAddress: transparent",
            Source = service.Backend.ClientAddressSource ?? new SourceLocation(service.SourceFile, 1, 1),
            Problem = facts.TryGetValue(HostCapabilityFact.TransparentProxy, out var fact) ? fact.Problem : null,
        };
        return [transparent];
    }

    private static bool TryClaim(Dictionary<int, PortClaim> claims, ServiceModel service, List<Diagnostic> diagnostics)
    {
        var listen = service.Listen;
        var takesAll = listen.Mode == ListenMode.Tcp || service.Routes.Count == 0;
        if (!claims.TryGetValue(listen.Port, out var claim))
        {
            claims[listen.Port] = new PortClaim(listen.Port, listen.Mode, listen.Tls is not null, service.Name, listen.AcceptProxy)
            {
                DefaultService = takesAll ? service.Name : null,
            };
            return true;
        }

        string? problem = null;
        if (claim.IsStats)
        {
            problem = "is the statistics port";
        }
        else if (claim.Mode != listen.Mode)
        {
            problem = $"is used by {claim.Mode.ToString().ToLowerInvariant()} service '{claim.Owner}'";
        }
        else if (listen.Mode == ListenMode.Tcp)
        {
            problem = $"is already used by tcp service '{claim.Owner}', and a tcp port serves one service";
        }
        else if (claim.Tls != (listen.Tls is not null))
        {
            problem = $"is used by service '{claim.Owner}' {(claim.Tls ? "with" : "without")} TLS";
        }
        else if (claim.AcceptProxy != listen.AcceptProxy)
        {
            problem = $"is used by service '{claim.Owner}', which {(claim.AcceptProxy ? "accepts" : "does not accept")} the PROXY protocol";
        }
        else if (takesAll && claim.DefaultService is not null)
        {
            problem = $"already sends every unrouted request to service '{claim.DefaultService}'; add routes to one of them";
        }

        if (problem is not null)
        {
            diagnostics.Add(new Diagnostic(EffectiveDiagnostics.PortConflict, $"service '{service.Name}' ({service.SourceFile}) cannot listen on port {listen.Port}: the port {problem}. The service is left out; choose another port.", null));
            return false;
        }

        if (takesAll)
        {
            claim.DefaultService = service.Name;
        }

        return true;
    }

    private static IEnumerable<EffectiveService> SeedServices(RepositorySettings settings, List<ObservedContainer> containers, List<EffectiveService> repositoryServices, Dictionary<int, PortClaim> claims, List<Diagnostic> diagnostics)
    {
        var seeds = new SortedDictionary<int, List<(ObservedContainer Container, SeedTarget Seed)>>();
        foreach (var container in containers.Where(c => c.IsRunning))
        {
            if (LabelConventions.ReadSeed(container, diagnostics) is { } seed)
            {
                if (!seeds.TryGetValue(seed.PublishPort, out var list))
                {
                    seeds[seed.PublishPort] = list = [];
                }

                list.Add((container, seed));
            }
        }

        foreach (var (port, members) in seeds)
        {
            var name = SeedPrefix + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var names = string.Join(", ", members.Select(m => $"'{m.Container.Name}'"));
            string? taken = claims.TryGetValue(port, out var claim)
                ? claim.IsStats ? "is the statistics port" : $"is used by service '{claim.Owner}' from Git, which wins"
                : repositoryServices.Any(s => s.Name == name) ? $"would be served as '{name}', a name a service in Git already has" : null;
            if (taken is not null)
            {
                diagnostics.Add(new Diagnostic(DiscoveryDiagnostics.SeedPortTaken, $"containers {names} ask for port {port} with lb.publish, but the port {taken}; they are not served there. Change lb.publish or the Git service.", null, DiagnosticSeverity.Warning));
                continue;
            }

            var service = new ServiceModel
            {
                Name = name,
                SourceFile = "container labels",
                Listen = new ListenModel { Port = port, Mode = ListenMode.Http },
                Backend = new BackendModel { ClientAddress = settings.Defaults.ForwardedFor ? ClientAddressMode.Header : ClientAddressMode.None },
                Options = new ServiceOptions
                {
                    Compression = settings.Defaults.Compression,
                    ServerHeader = settings.Defaults.ServerHeader,
                },
            };
            claims[port] = new PortClaim(port, ListenMode.Http, tls: false, name) { DefaultService = name };
            var serverNames = new ServerNames([]);
            var servers = members
                .Where(m => m.Container.IsRoutable)
                .Select(m => ContainerServer(service, m.Container, m.Seed.TargetPort, settings.Discovery.Network, serverNames, diagnostics))
                .OfType<EffectiveServer>()
                .ToValueList();
            yield return new EffectiveService { Service = service, Origin = ServiceOrigin.SeedLabels, Servers = servers };
        }
    }

    private static ValueList<EffectiveServer> ServersOf(ServiceModel service, ContainerIndex index, DiscoverySettings discovery, List<Diagnostic> diagnostics)
    {
        var statics = service.Backend.Servers.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var names = new ServerNames(statics.Select(s => s.Name));
        var servers = statics
            .Select(s => new EffectiveServer { Name = s.Name, Address = s.Address, Port = s.Port, Weight = s.Weight })
            .ToList();
        if (service.Backend.Discover is { } discover)
        {
            foreach (var container in index.Matching(discover.Labels))
            {
                if (ContainerServer(service, container, discover.Port, discover.Network ?? discovery.Network, names, diagnostics) is { } server)
                {
                    servers.Add(server);
                }
            }
        }

        return servers.ToValueList();
    }

    private static EffectiveServer? ContainerServer(ServiceModel service, ObservedContainer container, int port, string? networkName, ServerNames names, List<Diagnostic> diagnostics)
    {
        var network = SelectNetwork(container, networkName);
        if (network is not null && !ConfigToken.IsIpAddress(network.IPAddress))
        {
            diagnostics.Add(new Diagnostic(EffectiveDiagnostics.NoAddress, $"container '{DiscoveryDiagnostics.Show(container.Name)}' matches service '{service.Name}' but its address '{DiscoveryDiagnostics.Show(network.IPAddress)}' on network '{DiscoveryDiagnostics.Show(network.Name)}' is not an IP address; it is not served.", null, DiagnosticSeverity.Warning));
            return null;
        }

        if (network is null)
        {
            diagnostics.Add(networkName is null
                ? new Diagnostic(EffectiveDiagnostics.NoAddress, $"container '{DiscoveryDiagnostics.Show(container.Name)}' matches service '{service.Name}' but has no IP address on any network (host networking?); it is not served. Attach it to a network.", null, DiagnosticSeverity.Warning)
                : new Diagnostic(EffectiveDiagnostics.NetworkMissing, $"container '{DiscoveryDiagnostics.Show(container.Name)}' matches service '{service.Name}' but is not on network '{DiscoveryDiagnostics.Show(networkName)}'; it is not served. Attach it to that network or change backend.discover.network.", null, DiagnosticSeverity.Warning));
            return null;
        }

        return new EffectiveServer
        {
            Name = names.Claim(container),
            Address = network.IPAddress,
            Port = port,
            Container = new ServerContainer(container.Id, container.Name, network.Name),
        };
    }

    /// <summary>The network named <paramref name="networkName"/>, or with none named the first by name.</summary>
    private static ContainerNetwork? SelectNetwork(ObservedContainer container, string? networkName)
    {
        ContainerNetwork? selected = null;
        foreach (var network in container.Networks)
        {
            if (networkName is null
                ? selected is null || string.CompareOrdinal(network.Name, selected.Name) < 0
                : string.Equals(network.Name, networkName, StringComparison.Ordinal))
            {
                selected = network;
            }
        }

        return selected;
    }

    /// <summary>
    /// Drops an https redirect that cannot be served on its port, with a warning saying why; <paramref name="redirects"/>
    /// holds the first kept redirect of each port, whose PROXY protocol setting the others on that port must share.
    /// </summary>
    private static EffectiveService WithCheckedRedirect(EffectiveService effective, Dictionary<int, PortClaim> claims, Dictionary<int, EffectiveService> redirects, List<Diagnostic> diagnostics)
    {
        var service = effective.Service;
        if (service.Listen.Tls is not { RedirectFrom: { } from } tls)
        {
            return effective;
        }

        string? problem = null;
        if (service.Listen.Mode != ListenMode.Http)
        {
            problem = "redirects apply to http services only";
        }
        else if (claims.TryGetValue(from, out var claim))
        {
            problem = claim.IsStats ? $"port {from} is the statistics port"
                : claim.Mode == ListenMode.Tcp ? $"port {from} is used by tcp service '{claim.Owner}'"
                : claim.Tls ? $"port {from} serves TLS itself"
                : service.Routes.Count == 0 ? $"the service has no routes, so redirecting every request would take port {from} from service '{claim.Owner}'; add routes"
                : claim.AcceptProxy != service.Listen.AcceptProxy ? $"port {from} is used by service '{claim.Owner}', which {(claim.AcceptProxy ? "accepts" : "does not accept")} the PROXY protocol"
                : null;
        }
        else if (redirects.TryGetValue(from, out var first) && first.Service.Listen.AcceptProxy != service.Listen.AcceptProxy)
        {
            problem = $"port {from} redirects for service '{first.Name}', which {(first.Service.Listen.AcceptProxy ? "accepts" : "does not accept")} the PROXY protocol";
        }

        if (problem is null)
        {
            redirects.TryAdd(from, effective);
            return effective;
        }

        diagnostics.Add(new Diagnostic(EffectiveDiagnostics.RedirectDropped, $"service '{service.Name}' ({service.SourceFile}): no redirect from port {from} to https: {problem}.", null, DiagnosticSeverity.Warning));
        return effective with { Service = service with { Listen = service.Listen with { Tls = tls with { RedirectFrom = null } } } };
    }
}
