using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Discovery;

namespace GitOps.Testing.Models;

/// <summary>Small builders of desired states and observed containers for tests and benchmarks, so each test states only what it is about.</summary>
public static class TestModels
{
    public const string Host = "lb1";

    /// <summary>A desired state with the one host <see cref="Host"/>.</summary>
    public static DesiredState State(DiscoverySettings? discovery = null, StatsModel? stats = null, params ServiceModel[] services) => State(DefaultsModel.Standard, discovery, stats, services);

    public static DesiredState State(DefaultsModel defaults, DiscoverySettings? discovery, StatsModel? stats, params ServiceModel[] services) => new()
    {
        Settings = new RepositorySettings
        {
            Hosts = ValueList.Create(new HostModel { Name = Host }),
            Defaults = defaults,
            Stats = stats,
            Discovery = discovery ?? DiscoverySettings.Standard,
        },
        Services = services.OrderBy(s => s.Name, StringComparer.Ordinal).ToValueList(),
    };

    public static ServiceModel Service(string name, int port, DiscoverModel? discover = null, ListenMode mode = ListenMode.Http, TlsModel? tls = null, params RouteModel[] routes) => new()
    {
        Name = name,
        SourceFile = $"services/{name}.yaml",
        Listen = new ListenModel { Port = port, Mode = mode, Tls = tls },
        Routes = routes.ToValueList(),
        Backend = new BackendModel { Discover = discover },
        Options = new ServiceOptions(),
    };

    public static DiscoverModel Discover(string app, int port = 80, string? network = null) => new()
    {
        Labels = Labels(("app", app)),
        Port = port,
        Network = network,
    };

    public static ObservedContainer Container(string name, string id, (string Key, string Value)[] labels, params (string Network, string Address)[] networks) => new()
    {
        Id = id,
        Name = name,
        State = "running",
        Labels = Labels(labels),
        Networks = networks.Select(n => new ContainerNetwork(n.Network, n.Address)).OrderBy(n => n.Name, StringComparer.Ordinal).ToValueList(),
    };

    public static ValueMap Labels(params (string Key, string Value)[] labels) => new(labels.Select(l => KeyValuePair.Create(l.Key, l.Value)));
}
