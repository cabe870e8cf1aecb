using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Core.Effective;
using Xunit;
using static GitOps.Testing.Models.TestModels;

namespace GitOps.Core.Tests.Effective;

public sealed class EffectiveModelBuilderTests
{
    private static readonly (string, string)[] Web = [("app", "web")];

    [Fact]
    public void Build_OnlyRoutableContainers_BecomeServers()
    {
        var desired = State(services: Service("web", 80, Discover("web")));
        ObservedContainer[] containers =
        [
            Container("web-1", "a1", Web, ("bridge", "172.17.0.2")),
            Container("web-2", "a2", Web, ("bridge", "172.17.0.3")) with { Health = ContainerHealth.Healthy },
            Container("web-3", "a3", Web, ("bridge", "172.17.0.4")) with { Health = ContainerHealth.Starting },
            Container("web-4", "a4", Web, ("bridge", "172.17.0.5")) with { Health = ContainerHealth.Unhealthy },
            Container("web-5", "a5", Web, ("bridge", "172.17.0.6")) with { State = "exited" },
            Container("other", "a6", [("app", "other")], ("bridge", "172.17.0.7")),
        ];

        var config = EffectiveModelBuilder.Build(desired, "lb1", containers);

        var service = Assert.Single(config.Services);
        Assert.Equal(["web-1", "web-2"], service.Servers.Select(s => s.Name));
        Assert.Equal(new ServerContainer("a1", "web-1", "bridge"), service.Servers[0].Container);
        Assert.Equal(80, service.Servers[0].Port);
        Assert.Empty(config.Diagnostics);
    }

    [Fact]
    public void Build_NetworkChoice_ServiceThenSettingsThenFirstByName()
    {
        var desired = State(
            new DiscoverySettings { Network = "frontend" },
            null,
            Service("api", 81, Discover("web", 8080, "backend")),
            Service("web", 80, Discover("web")));
        var noChoice = State(services: Service("web", 80, Discover("web")));
        var container = Container("web-1", "a1", Web, ("frontend", "10.1.0.2"), ("backend", "10.2.0.2"), ("zeta", "10.3.0.2"));

        var config = EffectiveModelBuilder.Build(desired, "lb1", [container]);
        var first = EffectiveModelBuilder.Build(noChoice, "lb1", [container]);

        Assert.Equal("10.2.0.2", config.Services.Single(s => s.Name == "api").Servers.Single().Address);
        Assert.Equal("10.1.0.2", config.Services.Single(s => s.Name == "web").Servers.Single().Address);
        Assert.Equal("10.2.0.2", first.Services.Single().Servers.Single().Address);
    }

    [Fact]
    public void Build_ContainerNotOnChosenNetwork_SkippedWithWarning()
    {
        var desired = State(services: Service("web", 80, Discover("web", 80, "backend")));

        var config = EffectiveModelBuilder.Build(desired, "lb1", [Container("web-1", "a1", Web, ("bridge", "172.17.0.2"))]);

        Assert.Empty(config.Services.Single().Servers);
        var diagnostic = Assert.Single(config.Diagnostics);
        Assert.Equal(EffectiveDiagnostics.NetworkMissing, diagnostic.Code);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("container 'web-1' matches service 'web' but is not on network 'backend'; it is not served. Attach it to that network or change backend.discover.network.", diagnostic.Message);
    }

    [Fact]
    public void Build_NameCollisions_ResolvedDeterministically()
    {
        var service = Service("web", 80, Discover("web")) with
        {
            Backend = new BackendModel
            {
                Discover = Discover("web"),
                Servers = ValueList.Create(new StaticServerModel { Name = "web-1", Address = "192.0.2.10", Port = 80 }),
            },
        };
        ObservedContainer[] containers =
        [
            Container("web-1", "aaaaaaaa01", Web, ("bridge", "172.17.0.2")),
            Container("Web_1", "bbbbbbbb02", Web, ("bridge", "172.17.0.3")),
            Container("WEB.1", "bbbbbbbb03", Web, ("bridge", "172.17.0.4")),
        ];

        // Containers are taken in ordinal name order: "WEB.1", "Web_1", "web-1".
        var servers = EffectiveModelBuilder.Build(State(services: service), "lb1", containers).Services.Single().Servers;

        Assert.Equal(["web-1", "web-1-bbbbbbbb", "web-1-bbbbbbbb-2", "web-1-aaaaaaaa"], servers.Select(s => s.Name));
        Assert.Null(servers[0].Container);
        Assert.All(servers, s => Assert.True(GitOps.Core.Validation.ConfigToken.IsName(s.Name)));
    }

    [Fact]
    public void Build_SeedLabels_GroupedByPublishPort()
    {
        var desired = State(services: Service("web", 80, Discover("web")));
        ObservedContainer[] containers =
        [
            Container("b", "b1", [("lb.enable", "Y"), ("lb.publish", "8080"), ("lb.target", "80")], ("bridge", "172.17.0.3")),
            Container("a", "a1", [("lb.enable", "yes"), ("lb.publish", "8080"), ("lb.target", "3000")], ("bridge", "172.17.0.2")),
            Container("c", "c1", [("lb.enable", "true"), ("lb.publish", "9000"), ("lb.target", "80")], ("bridge", "172.17.0.4")),
        ];

        var config = EffectiveModelBuilder.Build(desired, "lb1", containers);

        Assert.Equal(["seed-8080", "seed-9000", "web"], config.Services.Select(s => s.Name));
        var seed = config.Services[0];
        Assert.Equal(ServiceOrigin.SeedLabels, seed.Origin);
        Assert.Equal(8080, seed.Service.Listen.Port);
        Assert.Equal(ListenMode.Http, seed.Service.Listen.Mode);
        Assert.Equal([("a", 3000), ("b", 80)], seed.Servers.Select(s => (s.Name, s.Port)));
        Assert.Empty(config.Diagnostics);
    }

    [Fact]
    public void Build_SeedOnGitPort_GitWinsWithWarning()
    {
        var desired = State(services: Service("web", 80, Discover("web")));
        var seeded = Container("legacy", "a1", [("lb.enable", "Y"), ("lb.publish", "80"), ("lb.target", "80")], ("bridge", "172.17.0.2"));

        var config = EffectiveModelBuilder.Build(desired, "lb1", [seeded]);

        Assert.Equal(["web"], config.Services.Select(s => s.Name));
        var diagnostic = Assert.Single(config.Diagnostics);
        Assert.Equal(DiscoveryDiagnostics.SeedPortTaken, diagnostic.Code);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal("containers 'legacy' ask for port 80 with lb.publish, but the port is used by service 'web' from Git, which wins; they are not served there. Change lb.publish or the Git service.", diagnostic.Message);
    }

    [Fact]
    public void Build_SeedLabelsTurnedOff_NoSeedServices()
    {
        var desired = State(new DiscoverySettings { SeedLabels = false });
        var seeded = Container("legacy", "a1", [("lb.enable", "Y"), ("lb.publish", "8080"), ("lb.target", "80")], ("bridge", "172.17.0.2"));

        var config = EffectiveModelBuilder.Build(desired, "lb1", [seeded]);

        Assert.Empty(config.Services);
        Assert.Empty(config.Diagnostics);
    }

    [Fact]
    public void Build_BadSeedLabel_ContainerLeftOutOthersServed()
    {
        ObservedContainer[] containers =
        [
            Container("good", "a1", [("lb.enable", "Y"), ("lb.publish", "8080"), ("lb.target", "80")], ("bridge", "172.17.0.2")),
            Container("evil", "a2", [("lb.enable", "Y"), ("lb.publish", "8080\n    bind :22"), ("lb.target", "80")], ("bridge", "172.17.0.3")),
        ];

        var config = EffectiveModelBuilder.Build(State(), "lb1", containers);

        Assert.Equal(["good"], config.Services.Single().Servers.Select(s => s.Name));
        Assert.Equal(DiscoveryDiagnostics.InvalidSeedLabel, Assert.Single(config.Diagnostics).Code);
    }

    [Fact]
    public void Build_PortConflicts_LaterServiceLeftOut()
    {
        var desired = State(
            null,
            new StatsModel { Port = 8404 },
            Service("a-web", 80, Discover("web")),
            Service("b-db", 80, Discover("db"), ListenMode.Tcp),
            Service("c-stats", 8404, Discover("web")),
            Service("d-web", 80, Discover("web")));

        var config = EffectiveModelBuilder.Build(desired, "lb1", []);

        Assert.Equal(["a-web"], config.Services.Select(s => s.Name));
        Assert.Equal(
            [
                "service 'b-db' (services/b-db.yaml) cannot listen on port 80: the port is used by http service 'a-web'. The service is left out; choose another port.",
                "service 'c-stats' (services/c-stats.yaml) cannot listen on port 8404: the port is the statistics port. The service is left out; choose another port.",
                "service 'd-web' (services/d-web.yaml) cannot listen on port 80: the port already sends every unrouted request to service 'a-web'; add routes to one of them. The service is left out; choose another port.",
            ],
            config.Diagnostics.Select(d => d.Message));
    }

    [Fact]
    public void Build_RedirectOntoTcpPort_DroppedWithWarning()
    {
        var tls = new TlsModel { Certificate = "/etc/ssl/site.pem", RedirectFrom = 80 };
        var desired = State(services: [Service("shop", 443, Discover("web"), tls: tls, routes: new RouteModel { Host = "shop.example.com" }), Service("raw", 80, Discover("db"), ListenMode.Tcp)]);

        var config = EffectiveModelBuilder.Build(desired, "lb1", []);

        Assert.Null(config.Services.Single(s => s.Name == "shop").Service.Listen.Tls!.RedirectFrom);
        Assert.Equal(EffectiveDiagnostics.RedirectDropped, Assert.Single(config.Diagnostics).Code);
    }

    [Fact]
    public void Build_ServicesOfOtherHosts_NotPlaced()
    {
        var desired = State(services: [Service("web", 80) with { Hosts = ValueList.Create("lb2") }, Service("api", 81)]);

        var config = EffectiveModelBuilder.Build(desired, "lb1", []);

        Assert.Equal(["api"], config.Services.Select(s => s.Name));
    }

    [Fact]
    public void Build_ShuffledInput_EqualModels()
    {
        var desired = State(services: [Service("web", 80, Discover("web")), Service("api", 81, Discover("web"))]);
        var containers = Enumerable.Range(0, 30)
            .Select(i => Container($"web-{i}", $"{i:x4}", Web, ("bridge", $"172.17.0.{i + 2}"), ("front", $"172.18.0.{i + 2}")))
            .ToList();
        var shuffled = containers.OrderBy(_ => Random.Shared.Next()).ToList();
        var reversedDesired = desired with { Services = desired.Services.Reverse().ToValueList() };

        var a = EffectiveModelBuilder.Build(desired, "lb1", containers);
        var b = EffectiveModelBuilder.Build(reversedDesired, "lb1", shuffled);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, EffectiveModelBuilder.Build(desired, "lb1", containers.Skip(1)));
    }
}
