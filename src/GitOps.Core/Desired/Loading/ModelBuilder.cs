using GitOps.Core.Collections;
using GitOps.Core.Desired.Loading.Reading;
using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading;

/// <summary>Turns specs that passed every validator into the immutable model; defaults fill whatever was not written.</summary>
internal static class ModelBuilder
{
    public static DesiredState Build(RepositorySpec repository)
    {
        var settings = BuildSettings(repository);
        return new DesiredState
        {
            Settings = settings,
            Services = repository.Services
                .Select(s => BuildService(s, settings.Defaults))
                .OrderBy(s => s.Name, StringComparer.Ordinal)
                .ToValueList(),
        };
    }

    private static RepositorySettings BuildSettings(RepositorySpec repository)
    {
        var spec = repository.Settings;
        var defaults = DefaultsModel.Standard;
        var timeouts = TimeoutsModel.Standard;
        var options = spec?.Defaults?.Options;
        var discovery = DiscoverySettings.Standard;
        return new RepositorySettings
        {
            Hosts = repository.HostNames.Select(name => new HostModel { Name = name, Address = spec?.Hosts?.FirstOrDefault(h => h.Name.Value == name)?.Address?.Value }).ToValueList(),
            Defaults = new DefaultsModel
            {
                Timeouts = spec?.Defaults?.Timeouts is { } t
                    ? new TimeoutsModel
                    {
                        Connect = Duration(t.Connect, timeouts.Connect),
                        // A connect timeout the user wrote holds for every backend, discovered ones included.
                        ContainerConnect = Duration(t.Connect, timeouts.ContainerConnect),
                        Client = Duration(t.Client, timeouts.Client),
                        Server = Duration(t.Server, timeouts.Server),
                        HttpRequest = Duration(t.HttpRequest, timeouts.HttpRequest),
                        Tunnel = Duration(t.Tunnel, timeouts.Tunnel),
                    }
                    : timeouts,
                MaxConnections = (int?)spec?.Defaults?.MaxConnections?.Value ?? defaults.MaxConnections,
                Compression = options?.Compression?.Value ?? defaults.Compression,
                ForwardedFor = options?.ForwardedFor?.Value ?? defaults.ForwardedFor,
                ServerHeader = options?.ServerHeader?.Value ?? defaults.ServerHeader,
            },
            Stats = spec?.Stats is { IsEnabled: true } stats ? BuildStats(stats) : null,
            Discovery = new DiscoverySettings
            {
                SeedLabels = spec?.Discovery?.SeedLabels?.Value ?? discovery.SeedLabels,
                Network = spec?.Discovery?.Network?.Value ?? discovery.Network,
            },
            VirtualAddresses = (spec?.VirtualAddresses ?? []).Select(BuildVirtualAddress).ToValueList(),
        };
    }

    private static VirtualAddressModel BuildVirtualAddress(VirtualAddressSpec spec, int index)
    {
        var cidr = spec.Address!.Value.Value;
        ConfigToken.TryParseAddressWithPrefix(cidr, out _, out var prefixLength);
        return new VirtualAddressModel
        {
            Address = cidr[..cidr.IndexOf('/', StringComparison.Ordinal)],
            PrefixLength = prefixLength,
            Interface = spec.Interface!.Value.Value,
            Hosts = spec.Hosts.Select(h => h.Value).ToValueList(),
            RouterId = index + 1,
        };
    }

    private static StatsModel BuildStats(StatsSpec stats)
    {
        var standard = new StatsModel();
        return new StatsModel
        {
            Port = (int?)stats.Port?.Value ?? standard.Port,
            Bind = stats.Bind?.Value ?? standard.Bind,
            Path = stats.Path?.Value ?? standard.Path,
            User = stats.User?.Value,
            Password = stats.Password?.Value,
            Prometheus = stats.Prometheus?.Value ?? standard.Prometheus,
            PrometheusPath = stats.PrometheusPath?.Value ?? standard.PrometheusPath,
        };
    }

    private static ServiceModel BuildService(ServiceSpec spec, DefaultsModel defaults)
    {
        var listen = spec.Listen!;
        var backend = spec.Backend!;
        return new ServiceModel
        {
            Name = spec.Name!.Value.Value,
            SourceFile = spec.File,
            Hosts = spec.Hosts.Select(h => h.Value).ToValueList(),
            Listen = new ListenModel
            {
                Port = (int)listen.Port!.Value.Value,
                Mode = listen.Mode!.Value.Value,
                Tls = listen.Tls is { } tls
                    ? new TlsModel
                    {
                        Certificate = tls.Certificate!.Value.Value,
                        CertificateSource = tls.Certificate.Value.Location,
                        RedirectFrom = tls.RedirectDisabled ? null : (int?)tls.RedirectFrom?.Value ?? new TlsModel { Certificate = tls.Certificate!.Value.Value }.RedirectFrom,
                    }
                    : null,
                AcceptProxy = listen.AcceptProxy?.Value ?? false,
            },
            Routes = spec.Routes.Select(r => new RouteModel { Host = r.Host?.Value, Path = r.UrlPath?.Value ?? "/" }).ToValueList(),
            Backend = BuildBackend(backend) with { ClientAddress = ClientAddress(spec, defaults), ClientAddressSource = spec.Backend?.ClientAddress?.Location },
            Options = new ServiceOptions
            {
                Compression = spec.Options?.Compression?.Value ?? defaults.Compression,
                ServerHeader = spec.Options?.ServerHeader?.Value ?? defaults.ServerHeader,
            },
        };
    }

    /// <summary>
    /// <c>backend.clientAddress</c> when written; otherwise <c>forwardedFor</c> (the service's, else the default) picks
    /// <see cref="ClientAddressMode.Header"/> or <see cref="ClientAddressMode.None"/> on http, and tcp has no header.
    /// </summary>
    private static ClientAddressMode ClientAddress(ServiceSpec spec, DefaultsModel defaults) =>
        spec.Backend?.ClientAddress?.Value
        ?? (spec.Listen?.Mode?.Value == ListenMode.Http && (spec.Options?.ForwardedFor?.Value ?? defaults.ForwardedFor)
            ? ClientAddressMode.Header
            : ClientAddressMode.None);

    private static BackendModel BuildBackend(BackendSpec backend)
    {
        var health = new HealthModel();
        return new BackendModel
        {
            Balance = backend.Balance?.Value ?? new BackendModel().Balance,
            Discover = backend.Discover is { } discover
                ? new DiscoverModel
                {
                    Labels = new ValueMap(SelectorLabels(discover)),
                    Port = (int)discover.Port!.Value.Value,
                    Network = discover.Network?.Value,
                }
                : null,
            Servers = backend.Servers.Select(BuildServer).ToValueList(),
            Health = backend.Health is { } h
                ? new HealthModel
                {
                    Path = h.Path?.Value,
                    Interval = Duration(h.Interval, health.Interval),
                    Rise = (int?)h.Rise?.Value ?? health.Rise,
                    Fall = (int?)h.Fall?.Value ?? health.Fall,
                }
                : null,
            Sticky = backend.Sticky is { } sticky
                ? new StickyModel { Mode = sticky.Mode!.Value.Value, CookieName = sticky.Cookie?.Value ?? new StickyModel { Mode = StickyMode.Cookie }.CookieName }
                : null,
        };
    }

    private static IEnumerable<KeyValuePair<string, string>> SelectorLabels(DiscoverSpec discover)
    {
        var labels = discover.Labels.ToDictionary(l => l.Key.Value, l => l.Value.Value, StringComparer.Ordinal);
        if (discover.ComposeProject is { } project)
        {
            labels[ServiceSpecReader.ComposeProjectLabel] = project.Value;
        }

        if (discover.ComposeService is { } service)
        {
            labels[ServiceSpecReader.ComposeServiceLabel] = service.Value;
        }

        return labels;
    }

    private static StaticServerModel BuildServer(ServerSpec server)
    {
        ServerAddress.TryParse(server.Address!.Value.Value, out var host, out var port);
        return new StaticServerModel
        {
            Name = server.Name!.Value.Value,
            Address = host,
            Port = port,
            Weight = (int?)server.Weight?.Value ?? new StaticServerModel { Name = "x", Address = "x", Port = 1 }.Weight,
        };
    }

    private static TimeSpan Duration(Located<string>? text, TimeSpan fallback) =>
        text is { } value && DurationParser.TryParse(value.Value, out var duration) ? duration : fallback;
}
