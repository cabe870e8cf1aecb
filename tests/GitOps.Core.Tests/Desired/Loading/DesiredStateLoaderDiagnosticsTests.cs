using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using Xunit;

namespace GitOps.Core.Tests.Desired.Loading;

/// <summary>Exact messages and positions for every kind of problem (STYLE §10).</summary>
public sealed class DesiredStateLoaderDiagnosticsTests
{
    private static RepositoryFile Service(string path, string name, string listen, string extra = "") => new(path, $"""
        apiVersion: gitops/v1
        kind: Service
        name: {name}
        listen: {listen}
        backend: {"{"} servers: [{"{"} name: s, address: "10.0.0.1:80" {"}"}] {"}"}
        {extra}
        """);

    [Fact]
    public void Load_ServiceWithManyProblems_ReportsEveryErrorAtOnce()
    {
        var lines = TestRepository.DiagnoseService("""
            apiVersion: gitops/v1
            kind: Service
            name: 123
            listen: { port: 70000, mode: tcp, tls: { certificate: certs/x.pem, redirectFrom: 0 } }
            routes:
              - { host: Web.Example.com, path: api }
            backend:
              servers:
                - { name: a, address: "10.0.0.1" }
                - { name: a, address: "bad host:80", weight: 300 }
              health: { path: /h, interval: 2 seconds, rise: 0 }
              sticky: { mode: cookie, cookie: "my cookie" }
            """);

        Assert.Equal(
        [
            "services/web.yaml:3:7: error GITOPS006: 'name' must be a string, not the integer 123; quote it: \"123\"",
            "services/web.yaml:4:17: error GITOPS013: port 70000 at 'listen.port' is out of range; use a port between 1 and 65535",
            "services/web.yaml:4:40: error GITOPS020: service 'services/web.yaml' is tcp and cannot terminate TLS; remove 'listen.tls' or use mode http",
            "services/web.yaml:4:55: error GITOPS019: certificate path 'certs/x.pem' is invalid; use an absolute path of letters, digits and ._+@=,- without '.' or '..' segments, such as /etc/gitops/certs/site.pem",
            "services/web.yaml:4:82: error GITOPS013: port 0 at 'listen.tls.redirectFrom' is out of range; use a port between 1 and 65535",
            "services/web.yaml:6:5: error GITOPS021: service 'services/web.yaml' is tcp and cannot have routes; remove 'routes' or use mode http",
            "services/web.yaml:6:13: error GITOPS017: route host 'Web.Example.com' at 'routes[0].host' is invalid; use a lowercase DNS name such as www.example.com or *.example.com",
            "services/web.yaml:6:36: error GITOPS018: path 'api' at 'routes[0].path' is invalid; start it with '/' and use only letters, digits and -._~/%:@!*+,;=&",
            "services/web.yaml:9:27: error GITOPS016: address '10.0.0.1' at 'backend.servers[0].address' is invalid; write 'ip:port', '[ipv6]:port' or 'host:port' with a port between 1 and 65535",
            "services/web.yaml:10:15: error GITOPS027: server name 'a' is used twice in service 'services/web.yaml'; give each server a unique name",
            "services/web.yaml:10:27: error GITOPS016: address 'bad host:80' at 'backend.servers[1].address' is invalid; write 'ip:port', '[ipv6]:port' or 'host:port' with a port between 1 and 65535",
            "services/web.yaml:10:50: error GITOPS014: 'backend.servers[1].weight' is 300; use a number between 0 and 256",
            "services/web.yaml:11:33: error GITOPS015: 'backend.health.interval' is '2 seconds'; write a duration such as 500ms, 2s, 1m30s or 1h",
            "services/web.yaml:11:50: error GITOPS014: 'backend.health.rise' is 0; use a number between 1 and 100",
            "services/web.yaml:12:19: error GITOPS030: service 'services/web.yaml' is tcp and cannot use cookie stickiness; use 'mode: source'",
            "services/web.yaml:12:35: error GITOPS030: cookie name 'my cookie' is invalid; use letters, digits, '_' and '-' (at most 64 characters)",
        ], lines);
    }

    [Fact]
    public void Load_WrongHeaderAndUnknownKey_ReportsEachWithSuggestion()
    {
        var lines = TestRepository.DiagnoseService("""
            apiVersion: gitops/v2
            kind: Servce
            name: Web_1
            lisen: { port: 80, mode: http }
            backend: {}
            """);

        Assert.Equal(
        [
            "services/web.yaml:1:1: error GITOPS007: the required key 'listen' is missing; add it at the top level",
            "services/web.yaml:1:13: error GITOPS009: apiVersion 'gitops/v2' is not supported; use 'gitops/v1'",
            "services/web.yaml:2:7: error GITOPS010: kind 'Servce' does not belong in 'services/web.yaml'; use 'Service'",
            "services/web.yaml:3:7: error GITOPS012: service name 'Web_1' is invalid; use lowercase letters, digits and '-', starting with a letter or digit (at most 63 characters)",
            "services/web.yaml:4:1: error GITOPS005: unknown key 'lisen'; did you mean 'listen'?",
            "services/web.yaml:5:10: warning GITOPS034: backend of service 'Web_1' has neither 'discover' nor 'servers', so it will answer 503; add one of them",
        ], lines);
    }

    [Fact]
    public void Load_WrongTypesAndChoices_ReportsEach()
    {
        var lines = TestRepository.DiagnoseService("""
            apiVersion: gitops/v1
            kind: Service
            name: web
            listen: { port: "80", mode: htp }
            backend:
              balance: roundrobbin
              servers: { name: a }
              discover: { labels: { app: web }, port: 80, netwrk: x }
            """);

        Assert.Equal(
        [
            "services/web.yaml:4:17: error GITOPS006: 'listen.port' must be an integer, not the string '80'; write a whole number without quotes",
            "services/web.yaml:4:29: error GITOPS011: 'listen.mode' is 'htp'; did you mean 'http'?",
            "services/web.yaml:6:12: error GITOPS011: 'backend.balance' is 'roundrobbin'; did you mean 'roundrobin'?",
            "services/web.yaml:7:12: error GITOPS006: 'backend.servers' must be a list, not a mapping; write '- item' lines or [a, b]",
            "services/web.yaml:8:47: error GITOPS005: unknown key 'backend.discover.netwrk'; did you mean 'network'?",
        ], lines);
    }

    [Fact]
    public void Load_MissingNestedKeys_ReportsAtTheMapping()
    {
        var lines = TestRepository.DiagnoseService("""
            apiVersion: gitops/v1
            kind: Service
            name: web
            listen: { mode: http, tls: {} }
            backend:
              servers: [{ address: "10.0.0.1:80" }]
              sticky: {}
            """);

        Assert.Equal(
        [
            "services/web.yaml:4:9: error GITOPS007: the required key 'listen.port' is missing; add 'port' under 'listen'",
            "services/web.yaml:4:28: error GITOPS007: the required key 'listen.tls.certificate' is missing; add 'certificate' under 'listen.tls'",
            "services/web.yaml:6:13: error GITOPS007: the required key 'backend.servers[0].name' is missing; add 'name' under 'backend.servers[0]'",
            "services/web.yaml:7:11: error GITOPS007: the required key 'backend.sticky.mode' is missing; add 'mode' under 'backend.sticky'",
        ], lines);
    }

    [Fact]
    public void Load_DuplicateServiceNamesAcrossFiles_ReportsTheLaterFile()
    {
        var lines = TestRepository.Diagnose(
            Service("services/a.yaml", "web", "{ port: 80, mode: http }"),
            Service("services/b.yaml", "web", "{ port: 81, mode: http }"));

        Assert.Equal(["services/b.yaml:3:7: error GITOPS023: service name 'web' is already declared in 'services/a.yaml'; rename one of them"], lines);
    }

    [Fact]
    public void Load_PortConflicts_ReportsEachKind()
    {
        var lines = TestRepository.Diagnose(
            Service("services/a.yaml", "a", "{ port: 5432, mode: tcp }"),
            Service("services/b.yaml", "b", "{ port: 5432, mode: tcp }"),
            Service("services/c.yaml", "c", "{ port: 5432, mode: http }"),
            Service("services/d.yaml", "d", "{ port: 80, mode: tcp }"),
            Service("services/e.yaml", "e", "{ port: 443, mode: http, tls: { certificate: /c.pem } }"),
            Service("services/f.yaml", "f", "{ port: 443, mode: http }"),
            Service("services/g.yaml", "g", "{ port: 8080, mode: http }", "routes: [{ host: a.example.com, path: /x }]"),
            Service("services/h.yaml", "h", "{ port: 8080, mode: http }", "routes: [{ host: a.example.com, path: /y }, { host: a.example.com, path: /x }]"));

        Assert.Equal(
        [
            "services/b.yaml:4:17: error GITOPS032: port 5432 of service 'b' is already used by tcp service 'a' (services/a.yaml) on host 'local'; a tcp port cannot be shared, choose another port",
            "services/c.yaml:4:17: error GITOPS032: port 5432 of service 'c' is already used by tcp service 'a' (services/a.yaml) on host 'local'; a tcp port cannot be shared, choose another port",
            "services/e.yaml:4:39: error GITOPS033: TLS redirect port 80 of service 'e' is used by tcp service 'd' (services/d.yaml) on host 'local'; set 'listen.tls.redirectFrom' to another port, or null for no redirect",
            "services/f.yaml:4:17: error GITOPS032: port 443 is shared on host 'local' by service 'e', which terminates TLS, and service 'f', which does not; give them different ports or the same 'listen.tls' setting",
            "services/h.yaml:6:45: error GITOPS032: route 'a.example.com/x' of service 'h' on port 8080 is already served by service 'g' (services/g.yaml) on host 'local'; change the route's host or path, or the port",
        ], lines);
    }

    [Fact]
    public void Load_ServicesOnDifferentHosts_MayShareAPort()
    {
        var settings = new RepositoryFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts: [{ name: lb1 }, { name: lb2 }]\n");
        var result = DesiredStateLoader.Load(
        [
            settings,
            Service("services/a.yaml", "a", "{ port: 5432, mode: tcp }", "hosts: [lb1]"),
            Service("services/b.yaml", "b", "{ port: 5432, mode: tcp }", "hosts: [lb2]"),
        ]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["a"], result.State!.ServicesOn("lb1").Select(s => s.Name));
    }

    [Fact]
    public void Load_TlsRedirectProblems_ReportsOwnPortAndTlsListener()
    {
        var lines = TestRepository.Diagnose(
            Service("services/a.yaml", "a", "{ port: 443, mode: http, tls: { certificate: /c.pem, redirectFrom: 443 } }"),
            Service("services/b.yaml", "b", "{ port: 8443, mode: http, tls: { certificate: /c.pem, redirectFrom: 443 } }"),
            Service("services/c.yaml", "c", "{ port: 9443, mode: http, tls: { certificate: /c.pem, redirectFrom: null } }"));

        Assert.Equal(
        [
            "services/a.yaml:4:76: error GITOPS033: 'listen.tls.redirectFrom' of service 'a' is its own port 443; use another port such as 80, or null for no redirect",
            "services/b.yaml:4:77: error GITOPS033: TLS redirect port 443 of service 'b' is used by TLS service 'a' (services/a.yaml) on host 'local'; set 'listen.tls.redirectFrom' to another port, or null for no redirect",
        ], lines);
    }

    [Fact]
    public void Load_SettingsAndPlacementProblems_ReportsEach()
    {
        var lines = TestRepository.Diagnose(
            new RepositoryFile("gitops.yaml", """
                apiVersion: gitops/v1
                kind: Settings
                hosts: [{ name: lb1 }, { name: lb1 }, { name: LB2 }]
                defaults:
                  timeouts: { connect: 0s, client: 25h, server: 5x }
                  maxConnections: 0
                stats: { port: 8404, bind: localhost, user: "a b", path: /s, prometheusPath: /s }
                discovery: { seedLabels: yes, network: "" }
                """),
            new RepositoryFile("services/web.yaml", """
                apiVersion: gitops/v1
                kind: Service
                name: web
                hosts: [lb3, lb1, lb1]
                listen: { port: 8404, mode: tcp }
                routes: [{ path: / }]
                backend: { sticky: { mode: source, cookie: X } }
                """));

        Assert.Equal(
        [
            "gitops.yaml:3:32: error GITOPS025: host 'lb1' is declared twice in 'hosts'; remove the duplicate",
            "gitops.yaml:3:47: error GITOPS012: host name 'LB2' is invalid; use lowercase letters, digits and '-', starting with a letter or digit (at most 63 characters)",
            "gitops.yaml:5:24: error GITOPS015: 'defaults.timeouts.connect' is '0s'; use a duration above 0 and at most 24h",
            "gitops.yaml:5:36: error GITOPS015: 'defaults.timeouts.client' is '25h'; use a duration above 0 and at most 24h",
            "gitops.yaml:5:49: error GITOPS015: 'defaults.timeouts.server' is '5x'; write a duration such as 500ms, 2s, 1m30s or 1h",
            "gitops.yaml:6:19: error GITOPS014: 'defaults.maxConnections' is 0; use a number between 1 and 1000000",
            "gitops.yaml:7:28: error GITOPS016: stats bind address 'localhost' is invalid; use an IPv4 or IPv6 address such as 127.0.0.1 or 0.0.0.0",
            "gitops.yaml:7:45: error GITOPS031: stats user 'a b' is invalid; use 1 to 128 printable ASCII characters without spaces, quotes, backslash, '#', '$' or ':'",
            "gitops.yaml:7:45: error GITOPS031: stats 'user' is set without 'password'; set both or neither",
            "gitops.yaml:7:78: error GITOPS031: 'stats.prometheusPath' is the same as 'stats.path'; use another path such as /metrics",
            "gitops.yaml:8:26: error GITOPS006: 'discovery.seedLabels' must be true or false, not the string 'yes'; write true or false without quotes",
            "gitops.yaml:8:40: error GITOPS029: network name '' at 'discovery.network' is invalid; use letters, digits, '_', '.' and '-', starting with a letter or digit",
            "services/web.yaml:4:9: error GITOPS024: host 'lb3' of service 'web' is not declared in gitops.yaml; declare it under 'hosts' there or remove it (declared: lb1, LB2)",
            "services/web.yaml:4:19: error GITOPS025: host 'lb1' is listed twice in 'hosts' of service 'web'; remove the duplicate",
            "services/web.yaml:5:17: error GITOPS032: port 8404 of service 'web' is used by the stats page; choose another port or change 'stats.port' in gitops.yaml",
            "services/web.yaml:6:10: error GITOPS021: service 'web' is tcp and cannot have routes; remove 'routes' or use mode http",
            "services/web.yaml:7:10: warning GITOPS034: backend of service 'web' has neither 'discover' nor 'servers', so it will answer 503; add one of them",
            "services/web.yaml:7:44: error GITOPS030: 'backend.sticky.cookie' only applies to 'mode: cookie'; remove it or set 'mode: cookie'",
        ], lines);
    }

    [Fact]
    public void Load_EmptyHostListAndDuplicateRoute_ReportsEach()
    {
        var lines = TestRepository.Diagnose(
            new RepositoryFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts: []\n"),
            Service("services/web.yaml", "web", "{ port: 80, mode: http }", "routes: [{ host: a.example.com }, { host: a.example.com, path: / }]"));

        Assert.Equal(
        [
            "gitops.yaml:3:8: error GITOPS026: 'hosts' is empty; declare at least one host such as '- name: lb1', or remove 'hosts' for the single default host",
            "services/web.yaml:6:35: error GITOPS022: route 'a.example.com/' is listed twice in service 'web'; remove the duplicate",
        ], lines);
    }

    [Fact]
    public void Load_BadLabelSelectors_ReportsEach()
    {
        var lines = TestRepository.Diagnose(
            Service("services/a.yaml", "a", "{ port: 80, mode: http }").WithBackend("""{ discover: { labels: { "": x, app: "a\u2028b" }, port: 80, network: "my net" } }"""),
            Service("services/b.yaml", "b", "{ port: 81, mode: http }").WithBackend("""{ discover: { labels: { com.docker.compose.project: x }, compose: { project: "y" }, port: 80 } }"""),
            Service("services/c.yaml", "c", "{ port: 82, mode: http }").WithBackend("""{ discover: { labels: {}, port: 80 } }"""));

        Assert.Equal(
        [
            "services/a.yaml:5:34: error GITOPS028: a label key in 'backend.discover.labels' is empty; write a label name such as 'app'",
            "services/a.yaml:5:46: error GITOPS028: value 'a\\u2028b' of label 'app' holds control or line-break characters or is over 1024 characters; remove them",
            "services/a.yaml:5:79: error GITOPS029: network name 'my net' at 'backend.discover.network' is invalid; use letters, digits, '_', '.' and '-', starting with a letter or digit",
            "services/b.yaml:5:34: error GITOPS028: label 'com.docker.compose.project' is given both in 'labels' and by 'compose.project' with different values; keep one of them",
            "services/c.yaml:5:32: error GITOPS028: 'backend.discover' of service 'c' selects no containers; add 'labels' (such as app: web) or 'compose'",
        ], lines);
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", "services/web.yaml:2:1: error GITOPS008: the key 'a' appears twice in one mapping; remove one of them")]
    [InlineData("a:\n\tb: 1\n", "services/web.yaml:2:1: error GITOPS001: the file is not valid YAML: While scanning a mapping, found invalid tab as indentation; fix the syntax here (indent with spaces, close every bracket and quote)")]
    [InlineData("a: [1, 2\n", "services/web.yaml:2:1: error GITOPS001: the file is not valid YAML: While parsing a flow sequence, did not find expected ',' or ']'; fix the syntax here (indent with spaces, close every bracket and quote)")]
    [InlineData("x: &a 1\ny: *a\n", "services/web.yaml:1:4: error GITOPS004: the anchor '&a' is not supported; remove it and write values out in full")]
    [InlineData("x: !!str 1\n", "services/web.yaml:1:4: error GITOPS004: the tag 'tag:yaml.org,2002:str' is not supported; remove it (quote the value to make it a string)")]
    [InlineData("a: 1\n---\nb: 2\n", "services/web.yaml:2:1: error GITOPS003: the file holds more than one YAML document; keep one document per file and remove the '---' separator")]
    [InlineData("- 1\n", "services/web.yaml:1:1: error GITOPS006: the document must be a mapping of keys to values (such as 'apiVersion: gitops/v1'); remove the leading '-' or text")]
    [InlineData("name: web\nkind: \0\u0001", "services/web.yaml:2:7: error GITOPS002: the file is not UTF-8 text (it holds a NUL byte or an invalid UTF-8 sequence); save it as UTF-8 YAML")]
    [InlineData("name: w\uFFFDb\n", "services/web.yaml:1:8: error GITOPS002: the file is not UTF-8 text (it holds a NUL byte or an invalid UTF-8 sequence); save it as UTF-8 YAML")]
    public void Load_UnusableYaml_ReportsOnePositionedError(string content, string expected)
    {
        Assert.Equal([expected], TestRepository.DiagnoseService(content));
    }

    [Fact]
    public void Load_DeepNesting_ReportsInsteadOfOverflowingTheStack()
    {
        var content = "a: " + new string('[', 100_000) + new string(']', 100_000);

        Assert.Equal(["services/web.yaml:1:35: error GITOPS004: the nesting is deeper than 32 levels; flatten the document"], TestRepository.DiagnoseService(content));
    }

    [Fact]
    public void Load_HugeFile_ReportsItsSize()
    {
        var content = TestRepository.MinimalService + "\n" + new string('#', 2_000_000);

        Assert.Equal([$"services/web.yaml:1:1: error GITOPS002: the file is {content.Length} characters long, over the limit of 1048576; split it or remove content"], TestRepository.DiagnoseService(content));
    }

    [Fact]
    public void Load_EmptyServiceFile_ReportsEveryMissingKey()
    {
        Assert.Equal(
        [
            "services/web.yaml:1:1: error GITOPS007: the required key 'apiVersion' is missing; add it at the top level",
            "services/web.yaml:1:1: error GITOPS007: the required key 'kind' is missing; add it at the top level",
            "services/web.yaml:1:1: error GITOPS007: the required key 'name' is missing; add it at the top level",
            "services/web.yaml:1:1: error GITOPS007: the required key 'listen' is missing; add it at the top level",
            "services/web.yaml:1:1: error GITOPS007: the required key 'backend' is missing; add it at the top level",
        ], TestRepository.DiagnoseService("# nothing yet\n"));
    }

    [Fact]
    public void Load_BackendWithoutServers_WarnsButSucceeds()
    {
        var result = DesiredStateLoader.Load([new RepositoryFile("services/web.yaml", "apiVersion: gitops/v1\nkind: Service\nname: web\nlisten: { port: 80, mode: http }\nbackend: { balance: first }\n")]);

        Assert.NotNull(result.State);
        Assert.Equal(["services/web.yaml:5:10: warning GITOPS034: backend of service 'web' has neither 'discover' nor 'servers', so it will answer 503; add one of them"], result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Load_FilesOutsideTheLayout_AreIgnored()
    {
        var result = DesiredStateLoader.Load(
        [
            new RepositoryFile("README.md", "not: [yaml"),
            new RepositoryFile("services/nested/x.yaml", "not: [yaml"),
            new RepositoryFile("services/notes.txt", "not: [yaml"),
            new RepositoryFile("other.yaml", "not: [yaml"),
            new RepositoryFile("services/web.yml", TestRepository.MinimalService),
        ]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["web"], result.State!.Services.Select(s => s.Name));
        Assert.Equal([RepositorySettings.DefaultHostName], result.State.Settings.Hosts.Select(h => h.Name));
        Assert.Null(result.State.Settings.Stats);
    }

    [Fact]
    public void DiagnosticCodes_Catalog_ListsEveryCodeOnceInOrder()
    {
        var constants = typeof(DiagnosticCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(constants, DiagnosticCodes.Catalog.Select(c => c.Key));
        Assert.Equal(Enumerable.Range(1, constants.Count).Select(i => $"GITOPS{i:000}"), constants);
    }
}
