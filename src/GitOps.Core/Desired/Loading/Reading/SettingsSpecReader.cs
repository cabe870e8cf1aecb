using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Desired.Loading.Yaml;
using YamlDotNet.RepresentationModel;

namespace GitOps.Core.Desired.Loading.Reading;

/// <summary>Reads <c>gitops.yaml</c> into a <see cref="SettingsSpec"/>, reporting unknown keys, wrong types and missing keys.</summary>
internal static class SettingsSpecReader
{
    public static readonly string[] RootKeys = ["apiVersion", "kind", "hosts", "defaults", "stats", "discovery", "virtualAddresses"];
    private static readonly string[] HostKeys = ["name", "address"];
    private static readonly string[] VirtualAddressKeys = ["address", "interface", "hosts"];
    private static readonly string[] DefaultsKeys = ["timeouts", "maxConnections", .. ServiceSpecReader.OptionKeys];
    private static readonly string[] TimeoutKeys = ["connect", "client", "server", "httpRequest", "tunnel"];
    private static readonly string[] StatsKeys = ["enabled", "port", "bind", "path", "user", "password", "prometheus", "prometheusPath"];
    private static readonly string[] DiscoveryKeys = ["seedLabels", "network"];

    public static SettingsSpec? Read(NodeReader reader, YamlMappingNode root)
    {
        if (reader.Mapping(root, string.Empty, RootKeys) is not { } map)
        {
            return null;
        }

        var hostsNode = map.Get("hosts");
        return new SettingsSpec
        {
            File = reader.File,
            Location = map.Location,
            ApiVersion = map.String("apiVersion", required: true),
            Kind = map.String("kind", required: true),
            Hosts = map.Sequence("hosts")?.Select(h => ReadHost(reader, h.Node, h.Path)).OfType<HostSpec>().ToList(),
            HostsLocation = hostsNode is null ? null : reader.At(hostsNode),
            Defaults = map.Mapping("defaults", DefaultsKeys) is { } defaults ? ReadDefaults(defaults) : null,
            Stats = map.Mapping("stats", StatsKeys) is { } stats ? ReadStats(stats) : null,
            Discovery = map.Mapping("discovery", DiscoveryKeys) is { } discovery
                ? new DiscoverySpec { SeedLabels = discovery.Boolean("seedLabels"), Network = discovery.String("network") }
                : null,
            VirtualAddresses = map.Sequence("virtualAddresses")?.Select(v => ReadVirtualAddress(reader, v.Node, v.Path)).OfType<VirtualAddressSpec>().ToList(),
            VirtualAddressesLocation = map.Get("virtualAddresses") is { } virtualNode ? reader.At(virtualNode) : null,
        };
    }

    private static HostSpec? ReadHost(NodeReader reader, YamlNode node, string path) =>
        reader.Mapping(node, path, HostKeys) is { } host && host.String("name", required: true) is { } name
            ? new HostSpec(name, host.String("address")) { Path = path }
            : null;

    private static VirtualAddressSpec? ReadVirtualAddress(NodeReader reader, YamlNode node, string path)
    {
        if (reader.Mapping(node, path, VirtualAddressKeys) is not { } map)
        {
            return null;
        }

        return new VirtualAddressSpec
        {
            Path = path,
            Location = map.Location,
            Address = map.String("address", required: true),
            Interface = map.String("interface", required: true),
            Hosts = map.Sequence("hosts", required: true) is { } hosts ? hosts.Select(h => reader.String(h.Node, h.Path)).OfType<Located<string>>().ToList() : [],
            HostsLocation = map.Get("hosts") is { } hostsNode ? reader.At(hostsNode) : null,
        };
    }

    private static DefaultsSpec ReadDefaults(MappingReader map) => new()
    {
        Timeouts = map.Mapping("timeouts", TimeoutKeys) is { } timeouts
            ? new TimeoutsSpec
            {
                Connect = timeouts.String("connect"),
                Client = timeouts.String("client"),
                Server = timeouts.String("server"),
                HttpRequest = timeouts.String("httpRequest"),
                Tunnel = timeouts.String("tunnel"),
            }
            : null,
        MaxConnections = map.Integer("maxConnections"),
        Options = ServiceSpecReader.ReadOptions(map),
    };

    private static StatsSpec ReadStats(MappingReader map) => new()
    {
        Location = map.Location,
        Enabled = map.Boolean("enabled"),
        Port = map.Integer("port"),
        Bind = map.String("bind"),
        Path = map.String("path"),
        User = map.String("user"),
        Password = map.String("password"),
        Prometheus = map.Boolean("prometheus"),
        PrometheusPath = map.String("prometheusPath"),
    };
}
