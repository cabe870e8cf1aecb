using GitOps.Testing;
using GitOps.Testing.Tls;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Discovery;
using GitOps.Core.Effective;
using GitOps.Docker.Discovery;
using GitOps.HAProxy.Rendering;
using GitOps.HAProxy.Validation;
using Xunit;
using static GitOps.Testing.Models.TestModels;

namespace GitOps.HAProxy.Tests.Rendering;

public sealed class HAProxyConfigRendererTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>
{
    private static readonly GoldenFiles Golden = new("GitOps.HAProxy.Tests");

    private readonly HAProxyConfigChecker _checker = new();

    public static TheoryData<string> Scenarios => new(RenderScenarios.Names);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Render_Scenario_MatchesGoldenFileAndPassesHAProxyCheck(string scenario)
    {
        var (config, options) = Build(scenario);

        var text = HAProxyConfigRenderer.Render(config, options);

        Golden.AssertMatches(scenario, "haproxy.cfg", text.Replace(certificates.Directory, CertificateFixture.Placeholder, StringComparison.Ordinal));
        Golden.AssertMatches(scenario, "diagnostics.txt", string.Concat(config.Diagnostics.Select(d => d + "\n")));
        await AssertValidAsync(text);
    }

    [Fact]
    public void Render_ShuffledInput_SameBytes()
    {
        var (desired, options) = RenderScenarios.Get("http-host-routing", certificates);
        var containers = Discovery("discovered-two-networks").ToList();
        var shuffledDesired = desired with { Services = desired.Services.OrderBy(_ => Random.Shared.Next()).ToValueList() };

        var first = HAProxyConfigRenderer.Render(EffectiveModelBuilder.Build(desired, Host, containers), options);
        for (var i = 0; i < 5; i++)
        {
            var shuffled = containers.OrderBy(_ => Random.Shared.Next()).ToList();
            Assert.Equal(first, HAProxyConfigRenderer.Render(EffectiveModelBuilder.Build(shuffledDesired, Host, shuffled), options));
        }
    }

    [Fact]
    public void Render_OneServerAdded_OneLineDiff()
    {
        var (desired, options) = RenderScenarios.Get("http-host-routing", certificates);
        var changed = desired with
        {
            Services = desired.Services.Select(s => s.Name == "web" ? RenderScenarios.WithServers(s, [.. s.Backend.Servers, RenderScenarios.Server("web-c", "192.0.2.12", 8080)]) : s).ToValueList(),
        };

        var before = HAProxyConfigRenderer.Render(EffectiveModelBuilder.Build(desired, Host, []), options).Split('\n');
        var after = HAProxyConfigRenderer.Render(EffectiveModelBuilder.Build(changed, Host, []), options).Split('\n');

        Assert.Equal(["    server web-c 192.0.2.12:8080 weight 100"], after.Except(before));
        Assert.Empty(before.Except(after));
    }

    [Fact]
    public async Task Render_HostileContainerInput_NeverReachesOutput()
    {
        var desired = State(services: [Service("web", 80, Discover("web"))]);
        (string, string)[] web = [("app", "web\n    bind :2222")];
        ObservedContainer[] containers =
        [
            // From a Docker client other than the file parser: names and networks are not pre-validated.
            Container("evil\n    bind :2221\n#", "e1", [("app", "web")], ("net\n    bind :2222", "172.17.0.2")),
            Container("quote\"d 'name' #x", "e2", [("app", "web")], ("a b#c", "172.17.0.3")),
            Container("addr", "e3", [("app", "web")], ("bridge", "172.17.0.4 backup\n    bind :2223")),
            Container("label-value", "e4", web, ("bridge", "172.17.0.5")),
            Container("seed", "e5", [("lb.enable", "Y"), ("lb.publish", "8080\n    bind :2224"), ("lb.target", "80 #")], ("bridge", "172.17.0.6")),
            Container("seed2", "e6", [("lb.enable", "Y\nbind"), ("lb.publish", "8081"), ("lb.target", "80")], ("bridge", "172.17.0.7")),
        ];
        var parsed = ContainerListParser.Parse(
            """[ { "Id": "e7", "Names": ["/x\n    bind :2225"], "State": "running" }, { "Id": "e8", "Names": ["/ok"], "State": "running", "Labels": { "app": "web" }, "NetworkSettings": { "Networks": { "n'1": { "IPAddress": "172.17.0.8" }, "n2": { "IPAddress": "172.17.0.9\n bind :2226" } } } } ]""",
            "hostile.json");

        var config = EffectiveModelBuilder.Build(desired, Host, [.. containers, .. parsed.Containers]);
        var text = HAProxyConfigRenderer.Render(config);

        Assert.Equal(["    bind :80"], text.Split('\n').Where(l => l.TrimStart().StartsWith("bind", StringComparison.Ordinal)));
        foreach (var forbidden in new[] { ":2221", ":2222", ":2223", ":2224", ":2225", ":2226", "backup", "\"", "'", "a b", ":8080", ":8081" })
        {
            Assert.DoesNotContain(forbidden, text, StringComparison.Ordinal);
        }

        Assert.All(text.Split('\n'), line => Assert.Matches(@"^(|#[ -~]*|[a-z]+( [!-~]+)*|    [!-~]+( [!-~]+)*)$", line));
        Assert.Equal(
            ["evil-bind-2221-", "quote-d-name-x"],
            config.Services.Single().Servers.Select(s => s.Name));
        Assert.Contains("    server evil-bind-2221- 172.17.0.2:80 weight 100 # container e1", text, StringComparison.Ordinal);
        Assert.Equal(
            [
                "warning GITOPS404: container 'addr' matches service 'web' but its address '172.17.0.4 backup\\u000a    bind :2223' on network 'bridge' is not an IP address; it is not served.",
                "warning GITOPS404: container 'ok' matches service 'web' but has no IP address on any network (host networking?); it is not served. Attach it to a network.",
                "error GITOPS310: container 'seed': label 'lb.publish' value '8080\\u000a    bind :2224' is not a port number 1-65535; set it to the port clients connect to on the load balancer, e.g. lb.publish=80. The container is not served.",
                "error GITOPS310: container 'seed': label 'lb.target' value '80 #' is not a port number 1-65535; set it to the port the container listens on, e.g. lb.target=8080. The container is not served.",
                "error GITOPS310: container 'seed2': label 'lb.enable' has the value 'Y\\u000abind', which is neither yes nor no; use lb.enable=Y to serve it, lb.enable=N or no label not to. The container is not served.",
            ],
            config.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(3, parsed.Diagnostics.Count);
        await AssertValidAsync(text);
    }

    [Fact]
    public void Render_TransparentBackend_GlobalSwitchesNoUserOrGroup()
    {
        // HAProxy started as root refuses "usesrc clientip" together with a uid change in global.
        var (config, options) = Build("client-address");

        var text = HAProxyConfigRenderer.Render(config, options);

        Assert.Contains("    source 0.0.0.0 usesrc clientip\n", text, StringComparison.Ordinal);
        var global = text[text.IndexOf("\nglobal\n", StringComparison.Ordinal)..text.IndexOf("\ndefaults\n", StringComparison.Ordinal)];
        Assert.DoesNotMatch(@"(?m)^\s*(user|uid|group|gid|setcap)\b", global);
    }

    [Fact]
    public void Render_ServicesDisagreeOnAcceptProxy_LeavesTheLaterOneOut()
    {
        var desired = State(services:
        [
            RenderScenarios.WithServers(Service("a", 80, routes: [RenderScenarios.Route("a.example.com")]) with { Listen = new ListenModel { Port = 80, Mode = ListenMode.Http, AcceptProxy = true } }, RenderScenarios.Server("a-1", "192.0.2.1", 80)),
            RenderScenarios.WithServers(Service("b", 80, routes: [RenderScenarios.Route("b.example.com")]), RenderScenarios.Server("b-1", "192.0.2.2", 80)),
        ]);

        var config = EffectiveModelBuilder.Build(desired, Host, []);
        var text = HAProxyConfigRenderer.Render(config);

        Assert.Equal(["a"], config.Services.Select(s => s.Name));
        Assert.Equal(
            ["error GITOPS401: service 'b' (services/b.yaml) cannot listen on port 80: the port is used by service 'a', which accepts the PROXY protocol. The service is left out; choose another port."],
            config.Diagnostics.Select(d => d.ToString()));
        Assert.Contains("    bind :80 accept-proxy\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RedirectDisagreesOnAcceptProxy_DropsTheRedirectWithAWarning()
    {
        ServiceModel Tls(string name, int port, int redirectFrom, bool acceptProxy) =>
            RenderScenarios.WithServers(Service(name, port, routes: [RenderScenarios.Route(name + ".example.com")]) with
            {
                Listen = new ListenModel { Port = port, Mode = ListenMode.Http, AcceptProxy = acceptProxy, Tls = new TlsModel { Certificate = certificates.PathOf("site"), RedirectFrom = redirectFrom } },
            }, RenderScenarios.Server(name + "-1", "192.0.2.1", 80));
        var desired = State(services:
        [
            RenderScenarios.WithServers(Service("a", 80, routes: [RenderScenarios.Route("a.example.com")]), RenderScenarios.Server("a-1", "192.0.2.1", 80)),
            Tls("b", 443, 80, acceptProxy: true),
            Tls("c", 8443, 8081, acceptProxy: true),
            Tls("d", 9443, 8081, acceptProxy: false),
        ]);

        var config = EffectiveModelBuilder.Build(desired, Host, []);
        var text = HAProxyConfigRenderer.Render(config);

        Assert.Equal(
        [
            "warning GITOPS402: service 'b' (services/b.yaml): no redirect from port 80 to https: port 80 is used by service 'a', which does not accept the PROXY protocol.",
            "warning GITOPS402: service 'd' (services/d.yaml): no redirect from port 8081 to https: port 8081 redirects for service 'c', which accepts the PROXY protocol.",
        ], config.Diagnostics.Select(d => d.ToString()));
        Assert.Contains("    bind :80\n", text, StringComparison.Ordinal);
        Assert.Contains("    bind :8081 accept-proxy\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ConnectTimeoutWritten_HoldsForContainerBackendsToo()
    {
        var written = TimeSpan.FromSeconds(3);
        var desired = State(
            DefaultsModel.Standard with { Timeouts = TimeoutsModel.Standard with { Connect = written, ContainerConnect = written } },
            null,
            null,
            Service("web", 80, Discover("web")));

        var text = HAProxyConfigRenderer.Render(EffectiveModelBuilder.Build(desired, Host, []));

        Assert.Equal(["    timeout connect 3s"], text.Split('\n').Where(l => l.Contains("timeout connect", StringComparison.Ordinal)));
    }

    [Fact]
    public void Render_ContainerAndStaticServersInOneBackend_KeepsTheDefaultConnectTimeout()
    {
        var desired = State(services: [RenderScenarios.WithServers(Service("web", 80, Discover("web")), RenderScenarios.Server("far", "192.0.2.1", 80))]);

        var text = HAProxyConfigRenderer.Render(EffectiveModelBuilder.Build(desired, Host, []));

        Assert.Equal(["    timeout connect 5s"], text.Split('\n').Where(l => l.Contains("timeout connect", StringComparison.Ordinal)));
    }

    [Fact]
    public void Render_UnvalidatedValueInModel_Throws()
    {
        var desired = State(services: [Service("web", 80, routes: [RenderScenarios.Route("a.example.com\n    bind :22")])]);

        var exception = Assert.Throws<ArgumentException>(() => HAProxyConfigRenderer.Render(EffectiveModelBuilder.Build(desired, Host, [])));

        Assert.Contains("a.example.com\\u000a    bind :22", exception.Message, StringComparison.Ordinal);
    }

    private (EffectiveHostConfig Config, RenderOptions Options) Build(string scenario)
    {
        var (desired, options) = RenderScenarios.Get(scenario, certificates);
        return (EffectiveModelBuilder.Build(desired, Host, Discovery(scenario)), options);
    }

    private static ValueList<ObservedContainer> Discovery(string scenario)
    {
        if (Golden.ReadOptional(scenario, "discovery.json") is not { } json)
        {
            return ValueList<ObservedContainer>.Empty;
        }

        var result = ContainerListParser.Parse(json, "discovery.json");
        Assert.Empty(result.Diagnostics);
        return result.Containers;
    }

    private async Task AssertValidAsync(string text)
    {
        var result = await _checker.CheckAsync(text, CancellationToken.None);
        Assert.True(result.IsValid, result.Output);
        Assert.Empty(result.Alerts);
    }
}
