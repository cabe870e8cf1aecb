using GitOps.Testing.Tls;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.HAProxy.Rendering;
using static GitOps.Testing.Models.TestModels;

namespace GitOps.HAProxy.Tests.Rendering;

/// <summary>The desired states behind the golden files, one per <c>testassets/&lt;scenario&gt;/</c>; discovery input, when a scenario has one, is its <c>discovery.json</c>.</summary>
internal static class RenderScenarios
{
    public static readonly string[] Names =
    [
        "http-host-routing", "tcp-service", "tls-redirect", "sticky", "health-checks",
        "discovered-two-networks", "seed-labels", "stats", "options", "client-address", "accept-proxy",
    ];

    public static (DesiredState Desired, RenderOptions Options) Get(string name, CertificateFixture certificates) => name switch
    {
        "http-host-routing" => (State(services:
            [
                WithServers(Service("web", 80, routes: [Route("web.example.com"), Route("www.example.com")]), Server("web-a", "192.0.2.10", 8080), Server("web-b", "192.0.2.11", 8080, 50)),
                WithServers(Service("api", 80, routes: [Route("api.example.com", "/v1"), Route("*.api.example.com"), Route("api.example.com")]), Server("api-1", "192.0.2.20", 9000)),
                WithServers(Service("docs", 80, routes: [Route(null, "/docs")]), Server("docs-1", "2001:db8::30", 80)),
                WithServers(Service("catchall", 80), Server("fallback", "192.0.2.31", 80)),
            ]), RenderOptions.Default),
        "tcp-service" => (State(services:
            [
                WithBackend(Service("db", 5432, mode: ListenMode.Tcp), b => b with { Balance = BalanceAlgorithm.LeastConn, Health = new HealthModel { Interval = TimeSpan.FromSeconds(5) } }, Server("db-1", "192.0.2.40", 5432), Server("db-2", "db2.internal", 5432)),
                WithBackend(Service("redis", 6379, mode: ListenMode.Tcp), b => b with { Balance = BalanceAlgorithm.First }, Server("redis-1", "192.0.2.50", 6379)),
            ]), RenderOptions.Default),
        "tls-redirect" => (State(services:
            [
                WithServers(Service("shop", 443, tls: new TlsModel { Certificate = certificates.PathOf("site") }, routes: [Route("shop.example.com"), Route("*.shop.example.com")]), Server("shop-1", "192.0.2.60", 8080)),
                WithServers(Service("blog", 80, routes: [Route("blog.example.com")]), Server("blog-1", "192.0.2.61", 8080)),
                WithServers(Service("admin", 8443, tls: new TlsModel { Certificate = certificates.PathOf("admin"), RedirectFrom = 8080 }), Server("admin-1", "192.0.2.62", 8080)),
            ]), RenderOptions.Default),
        "sticky" => (State(services:
            [
                WithBackend(Service("cart", 80, routes: [Route("cart.example.com")]), b => b with { Sticky = new StickyModel { Mode = StickyMode.Cookie, CookieName = "CART" } }, Server("cart-1", "192.0.2.70", 80), Server("cart-2", "192.0.2.71", 80)),
                WithBackend(Service("sessions", 80, routes: [Route("sessions.example.com")]), b => b with { Balance = BalanceAlgorithm.Source, Sticky = new StickyModel { Mode = StickyMode.Source } }, Server("s-1", "192.0.2.72", 80), Server("s-2", "192.0.2.73", 80)),
            ]), RenderOptions.Default),
        "health-checks" => (State(services:
            [
                WithBackend(Service("app", 80), b => b with { Health = new HealthModel { Path = "/healthz", Interval = TimeSpan.FromMilliseconds(500), Rise = 3, Fall = 2 } }, Server("app-1", "192.0.2.80", 8080), Server("app-2", "192.0.2.81", 8080)),
                WithBackend(Service("mq", 5672, mode: ListenMode.Tcp), b => b with { Health = new HealthModel() }, Server("mq-1", "192.0.2.82", 5672)),
            ]), RenderOptions.Default),
        "discovered-two-networks" => (State(services:
            [
                Service("web", 80, Discover("web", 80, "backend"), routes: [Route("web.example.com")]),
                Service("metrics", 9100, Discover("web", 9100)),
                Service("admin", 8081, Discover("admin", 8080, "backend")),
            ]), RenderOptions.Default),
        "seed-labels" => (State(services:
            [
                WithServers(Service("web", 80), Server("web-1", "192.0.2.90", 80)),
            ]), RenderOptions.Default),
        "stats" => (State(null, new StatsModel { User = "admin", Password = "s3cr3t!", Port = 8404 }, WithServers(Service("web", 80), Server("web-1", "192.0.2.100", 80))), RenderOptions.Default),
        "options" => (State(
            DefaultsModel.Standard with
            {
                MaxConnections = 10000,
                Timeouts = TimeoutsModel.Standard with { Connect = TimeSpan.FromMilliseconds(1500), Tunnel = TimeSpan.FromMinutes(10) },
            },
            null,
            null,
            WithBackend(Service("plain", 80, routes: [Route("plain.example.com")]), b => b with { ClientAddress = ClientAddressMode.None }, Server("plain-1", "192.0.2.110", 80)),
            WithServers(Service("zipped", 80, routes: [Route("zipped.example.com")]) with { Options = new ServiceOptions { Compression = true } }, Server("zipped-1", "192.0.2.111", 80)),
            WithServers(Service("tagged", 80, routes: [Route("tagged.example.com")]) with { Options = new ServiceOptions { ServerHeader = true } }, Server("tagged-1", "192.0.2.112", 80))),
            new RenderOptions { RuntimeDirectory = "/var/lib/gitops/run", LogToStdout = true, HardStopAfter = TimeSpan.FromMinutes(30) }),
        "client-address" => (State(services:
            [
                WithServers(Service("forwarded", 80, routes: [Route("forwarded.example.com")]), Server("forwarded-1", "192.0.2.120", 80)),
                WithBackend(Service("plain", 80, routes: [Route("plain.example.com")]), b => b with { ClientAddress = ClientAddressMode.None }, Server("plain-1", "192.0.2.121", 80)),
                WithBackend(Service("v1", 80, routes: [Route("v1.example.com")]), b => b with { ClientAddress = ClientAddressMode.ProxyV1, Sticky = new StickyModel { Mode = StickyMode.Cookie } }, Server("v1-1", "192.0.2.122", 80), Server("v1-2", "v1.internal", 80)),
                WithBackend(Service("db", 5432, Discover("db", 5432), mode: ListenMode.Tcp), b => b with { ClientAddress = ClientAddressMode.ProxyV2, Health = new HealthModel() }, Server("db-static", "192.0.2.123", 5432)),
                WithBackend(Service("mail", 25, mode: ListenMode.Tcp), b => b with { ClientAddress = ClientAddressMode.Transparent }, Server("mail-1", "192.0.2.124", 25)),
                WithBackend(Service("intranet", 8080), b => b with { ClientAddress = ClientAddressMode.Transparent }, Server("intranet-1", "192.0.2.125", 8080)),
            ]), RenderOptions.Default),
        "accept-proxy" => (State(services:
            [
                WithServers(Service("edge", 80, routes: [Route("edge.example.com")]) with { Listen = new ListenModel { Port = 80, Mode = ListenMode.Http, AcceptProxy = true } }, Server("edge-1", "192.0.2.130", 80)),
                WithServers(Service("edge2", 80, routes: [Route("edge2.example.com")]) with { Listen = new ListenModel { Port = 80, Mode = ListenMode.Http, AcceptProxy = true } }, Server("edge2-1", "192.0.2.131", 80)),
                WithServers(Service("secure", 443, routes: [Route("secure.example.com")]) with { Listen = new ListenModel { Port = 443, Mode = ListenMode.Http, AcceptProxy = true, Tls = new TlsModel { Certificate = certificates.PathOf("site"), RedirectFrom = 8081 } } }, Server("secure-1", "192.0.2.132", 8080)),
                WithBackend(Service("stream", 5000, mode: ListenMode.Tcp) with { Listen = new ListenModel { Port = 5000, Mode = ListenMode.Tcp, AcceptProxy = true } }, b => b with { ClientAddress = ClientAddressMode.ProxyV2 }, Server("stream-1", "192.0.2.133", 5000)),
                WithServers(Service("direct", 81), Server("direct-1", "192.0.2.134", 80)),
            ]), RenderOptions.Default),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown scenario."),
    };

    public static RouteModel Route(string? host, string path = "/") => new() { Host = host, Path = path };

    public static StaticServerModel Server(string name, string address, int port, int weight = 100) =>
        new() { Name = name, Address = address, Port = port, Weight = weight };

    public static ServiceModel WithServers(ServiceModel service, params StaticServerModel[] servers) =>
        WithBackend(service, b => b, servers);

    public static ServiceModel WithBackend(ServiceModel service, Func<BackendModel, BackendModel> change, params StaticServerModel[] servers) =>
        service with { Backend = change(service.Backend) with { Servers = servers.ToValueList() } };
}
