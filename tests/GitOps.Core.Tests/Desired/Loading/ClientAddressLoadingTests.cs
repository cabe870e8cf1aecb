using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using Xunit;

namespace GitOps.Core.Tests.Desired.Loading;

/// <summary><c>backend.clientAddress</c>, its absorption of <c>forwardedFor</c>, and <c>listen.acceptProxy</c>: resolved values and exact positioned errors.</summary>
public sealed class ClientAddressLoadingTests
{
    private static RepositoryFile Service(string name, string listen, string backend = "servers: [{ name: s, address: \"10.0.0.1:80\" }]", string options = "") => new($"services/{name}.yaml", $"""
        apiVersion: gitops/v1
        kind: Service
        name: {name}
        listen: {listen}
        backend: {"{"} {backend} {"}"}
        {options}
        """);

    [Fact]
    public void Load_ClientAddressProblems_ReportsEachWhereItIsWritten()
    {
        var lines = TestRepository.Diagnose(
            Service("a", "{ port: 5432, mode: tcp }", "servers: [{ name: s, address: \"10.0.0.1:80\" }], clientAddress: header"),
            Service("b", "{ port: 80, mode: http }", "servers: [{ name: s, address: \"10.0.0.1:80\" }], clientAddress: proxy-v2", "options: { forwardedFor: true }"),
            Service("c", "{ port: 81, mode: http }", "servers: [{ name: s, address: \"10.0.0.1:80\" }], clientAddress: header", "options: { forwardedFor: false }"),
            Service("d", "{ port: 82, mode: http }", "clientAddress: transparent, servers: [{ name: lo, address: \"127.0.0.5:80\" }, { name: v6, address: \"[2001:db8::1]:80\" }, { name: ok, address: \"10.0.0.1:80\" }, { name: dns, address: \"app.internal:80\" }]"),
            Service("e", "{ port: 83, mode: http, acceptProxy: \"yes\" }", "servers: [{ name: s, address: \"10.0.0.1:80\" }], clientAddress: proxy"),
            Service("f", "{ port: 84, mode: http }", "servers: [{ name: s, address: \"10.0.0.1:80\" }], clientAddress: proxyv2"));

        Assert.Equal(
        [
            "services/a.yaml:5:75: error GITOPS039: service 'a' is tcp and cannot send the client's address in a header; use 'clientAddress: proxy-v2' (or proxy-v1, transparent, none), or mode http",
            "services/b.yaml:6:26: error GITOPS039: 'options.forwardedFor: true' of service 'b' contradicts 'backend.clientAddress: proxy-v2'; remove 'options.forwardedFor', which 'clientAddress' replaces",
            "services/c.yaml:6:26: error GITOPS039: 'options.forwardedFor: false' of service 'c' contradicts 'backend.clientAddress: header'; remove 'options.forwardedFor', which 'clientAddress' replaces",
            "services/d.yaml:5:71: error GITOPS039: server 'lo' of service 'd' is at the loopback address 127.0.0.5, which 'clientAddress: transparent' cannot use: a connection from the client's non-local address cannot reach it; give the server a non-loopback IPv4 address, or use another 'clientAddress' such as proxy-v2",
            "services/d.yaml:5:110: error GITOPS039: server 'v6' of service 'd' is at the IPv6 address 2001:db8::1, which 'clientAddress: transparent' cannot use: the kernel rules the agent sets up for it are IPv4-only; give the server a non-loopback IPv4 address, or use another 'clientAddress' such as proxy-v2",
            "services/e.yaml:4:46: error GITOPS006: 'listen.acceptProxy' must be true or false, not the string 'yes'; write true or false without quotes",
            "services/e.yaml:5:75: error GITOPS011: 'backend.clientAddress' is 'proxy'; use one of: header, proxy-v1, proxy-v2, transparent, none",
            "services/f.yaml:5:75: error GITOPS011: 'backend.clientAddress' is 'proxyv2'; did you mean 'proxy-v2'?",
        ], lines);
    }

    [Fact]
    public void Load_NoClientAddress_FollowsForwardedForOnHttpAndIsNoneOnTcp()
    {
        var result = DesiredStateLoader.Load(
        [
            new RepositoryFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\ndefaults: { forwardedFor: false }\n"),
            Service("plain", "{ port: 80, mode: http }"),
            Service("forwarded", "{ port: 81, mode: http }", options: "options: { forwardedFor: true }"),
            Service("db", "{ port: 5432, mode: tcp }", options: "options: { forwardedFor: true }"),
            Service("proxied", "{ port: 82, mode: http, acceptProxy: true }", "servers: [{ name: s, address: \"10.0.0.1:80\" }], clientAddress: proxy-v1", "options: { forwardedFor: false }"),
            Service("direct", "{ port: 83, mode: tcp, acceptProxy: false }", "servers: [{ name: s, address: \"10.0.0.1:80\" }], clientAddress: transparent"),
        ]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            ["db None False", "direct Transparent False", "forwarded Header False", "plain None False", "proxied ProxyV1 True"],
            result.State!.Services.Select(s => $"{s.Name} {s.Backend.ClientAddress} {s.Listen.AcceptProxy}"));
    }

    [Fact]
    public void Load_NoSettings_HttpDefaultsToHeader()
    {
        var result = DesiredStateLoader.Load([Service("web", "{ port: 80, mode: http }"), Service("v2", "{ port: 81, mode: http }", "servers: [{ name: s, address: \"10.0.0.1:80\" }], clientAddress: proxy-v2")]);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["v2 ProxyV2", "web Header"], result.State!.Services.Select(s => $"{s.Name} {s.Backend.ClientAddress}"));
    }

    [Fact]
    public void Load_AcceptProxyDisagreesOnASharedPort_ReportsTheLaterService()
    {
        var lines = TestRepository.Diagnose(
            Service("a", "{ port: 80, mode: http, acceptProxy: true }", options: "routes: [{ host: a.example.com }]"),
            Service("b", "{ port: 80, mode: http }", options: "routes: [{ host: b.example.com }]"),
            Service("c", "{ port: 443, mode: http, acceptProxy: true, tls: { certificate: /c.pem, redirectFrom: 8080 } }", options: "routes: [{ host: c.example.com }]"),
            Service("d", "{ port: 8443, mode: http, tls: { certificate: /d.pem, redirectFrom: 8080 } }", options: "routes: [{ host: d.example.com }]"),
            Service("e", "{ port: 9443, mode: http, acceptProxy: true, tls: { certificate: /e.pem } }", options: "routes: [{ host: e.example.com }]"));

        Assert.Equal(
        [
            "services/b.yaml:4:17: error GITOPS032: port 80 is shared on host 'local' by service 'a', which accepts the PROXY protocol ('listen.acceptProxy: true'), and service 'b', which does not; a port either expects a PROXY header on every connection or on none, so give them the same 'listen.acceptProxy' setting or different ports",
            "services/d.yaml:4:77: error GITOPS032: port 8080 is shared on host 'local' by service 'c', which accepts the PROXY protocol ('listen.acceptProxy: true'), and service 'd', which does not; a port either expects a PROXY header on every connection or on none, so give them the same 'listen.acceptProxy' setting or another 'listen.tls.redirectFrom'",
        ], lines);
    }

    [Fact]
    public void Load_AcceptProxyAgreesOnASharedPort_Loads()
    {
        var result = DesiredStateLoader.Load(
        [
            Service("a", "{ port: 80, mode: http, acceptProxy: true }", options: "routes: [{ host: a.example.com }]"),
            Service("b", "{ port: 80, mode: http, acceptProxy: true }", options: "routes: [{ host: b.example.com }]"),
            Service("c", "{ port: 443, mode: http, acceptProxy: true, tls: { certificate: /c.pem } }", options: "routes: [{ host: c.example.com }]"),
        ]);

        Assert.Empty(result.Diagnostics);
        Assert.All(result.State!.Services, s => Assert.True(s.Listen.AcceptProxy));
    }
}
