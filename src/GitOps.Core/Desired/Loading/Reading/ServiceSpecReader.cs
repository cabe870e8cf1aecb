using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Desired.Loading.Yaml;
using YamlDotNet.RepresentationModel;

namespace GitOps.Core.Desired.Loading.Reading;

/// <summary>Reads a <c>services/*.yaml</c> document into a <see cref="ServiceSpec"/>, reporting unknown keys, wrong types and missing keys.</summary>
internal static class ServiceSpecReader
{
    public static readonly string[] RootKeys = ["apiVersion", "kind", "name", "hosts", "listen", "routes", "backend", "options"];
    private static readonly string[] ListenKeys = ["port", "mode", "tls", "acceptProxy"];
    private static readonly string[] TlsKeys = ["certificate", "redirectFrom"];
    private static readonly string[] RouteKeys = ["host", "path"];
    private static readonly string[] BackendKeys = ["balance", "discover", "servers", "health", "sticky", "clientAddress"];
    private static readonly string[] DiscoverKeys = ["labels", "compose", "port", "network"];
    private static readonly string[] ComposeKeys = ["project", "service"];
    private static readonly string[] ServerKeys = ["name", "address", "weight"];
    private static readonly string[] HealthKeys = ["path", "interval", "rise", "fall"];
    private static readonly string[] StickyKeys = ["mode", "cookie"];
    public static readonly string[] OptionKeys = ["compression", "forwardedFor", "serverHeader"];

    /// <summary>The Docker Compose labels that <c>discover.compose</c> selects on.</summary>
    public const string ComposeProjectLabel = "com.docker.compose.project";
    public const string ComposeServiceLabel = "com.docker.compose.service";

    public static ServiceSpec? Read(NodeReader reader, YamlMappingNode root)
    {
        if (reader.Mapping(root, string.Empty, RootKeys) is not { } map)
        {
            return null;
        }

        return new ServiceSpec
        {
            File = reader.File,
            Location = map.Location,
            ApiVersion = map.String("apiVersion", required: true),
            Kind = map.String("kind", required: true),
            Name = map.String("name", required: true),
            Hosts = map.Sequence("hosts") is { } hosts ? hosts.Select(h => reader.String(h.Node, h.Path)).OfType<Located<string>>().ToList() : [],
            Listen = map.Mapping("listen", ListenKeys, required: true) is { } listen ? ReadListen(listen) : null,
            Routes = map.Sequence("routes") is { } routes ? routes.Select(r => ReadRoute(reader, r.Node, r.Path)).OfType<RouteSpec>().ToList() : [],
            Backend = map.Mapping("backend", BackendKeys, required: true) is { } backend ? ReadBackend(backend) : null,
            Options = map.Mapping("options", OptionKeys) is { } options ? ReadOptions(options) : null,
        };
    }

    public static OptionsSpec ReadOptions(MappingReader map) => new()
    {
        Compression = map.Boolean("compression"),
        ForwardedFor = map.Boolean("forwardedFor"),
        ServerHeader = map.Boolean("serverHeader"),
    };

    private static ListenSpec ReadListen(MappingReader map) => new()
    {
        Location = map.Location,
        Port = map.Integer("port", required: true),
        Mode = map.Choice("mode", Choices.Modes, required: true),
        Tls = map.Mapping("tls", TlsKeys) is { } tls
            ? new TlsSpec
            {
                Location = tls.Location,
                Certificate = tls.String("certificate", required: true),
                RedirectFrom = tls.Integer("redirectFrom"),
                RedirectDisabled = tls.IsExplicitNull("redirectFrom"),
            }
            : null,
        AcceptProxy = map.Boolean("acceptProxy"),
    };

    private static RouteSpec? ReadRoute(NodeReader reader, YamlNode node, string path) =>
        reader.Mapping(node, path, RouteKeys) is { } map
            ? new RouteSpec { Location = map.Location, Path = path, Host = map.String("host"), UrlPath = map.String("path") }
            : null;

    private static BackendSpec ReadBackend(MappingReader map) => new()
    {
        Location = map.Location,
        Balance = map.Choice("balance", Choices.Balances),
        Discover = map.Mapping("discover", DiscoverKeys) is { } discover ? ReadDiscover(discover) : null,
        Servers = map.Sequence("servers") is { } servers ? servers.Select(s => ReadServer(map.Reader, s.Node, s.Path)).OfType<ServerSpec>().ToList() : [],
        Health = map.Mapping("health", HealthKeys) is { } health
            ? new HealthSpec
            {
                Location = health.Location,
                Path = health.String("path"),
                Interval = health.String("interval"),
                Rise = health.Integer("rise"),
                Fall = health.Integer("fall"),
            }
            : null,
        Sticky = map.Mapping("sticky", StickyKeys) is { } sticky
            ? new StickySpec { Location = sticky.Location, Mode = sticky.Choice("mode", Choices.StickyModes, required: true), Cookie = sticky.String("cookie") }
            : null,
        ClientAddress = map.Choice("clientAddress", Choices.ClientAddressModes),
    };

    private static DiscoverSpec ReadDiscover(MappingReader map)
    {
        var labels = new List<LabelSpec>();
        var labelsNode = map.Get("labels");
        if (labelsNode is not null && map.Reader.Mapping(labelsNode, map.PathOf("labels"), knownKeys: null) is { } labelMap)
        {
            foreach (var (keyNode, valueNode) in labelMap.Node.Children)
            {
                var path = map.PathOf("labels");
                if (map.Reader.Text(keyNode, path) is { } key)
                {
                    var labelPath = $"{path}.{GitOps.Core.Validation.ConfigToken.Printable(key.Value)}";
                    if (map.Reader.Text(valueNode, labelPath) is { } value)
                    {
                        labels.Add(new LabelSpec { Path = labelPath, Key = key, Value = value });
                    }
                }
            }
        }

        var compose = map.Mapping("compose", ComposeKeys);
        return new DiscoverSpec
        {
            Location = map.Location,
            Labels = labels,
            LabelsLocation = labelsNode is null ? null : map.Reader.At(labelsNode),
            ComposeProject = compose?.String("project", required: true),
            ComposeService = compose?.String("service"),
            Port = map.Integer("port", required: true),
            Network = map.String("network"),
        };
    }

    private static ServerSpec? ReadServer(NodeReader reader, YamlNode node, string path) =>
        reader.Mapping(node, path, ServerKeys) is { } map
            ? new ServerSpec
            {
                Location = map.Location,
                Path = path,
                Name = map.String("name", required: true),
                Address = map.String("address", required: true),
                Weight = map.Integer("weight"),
            }
            : null;
}
