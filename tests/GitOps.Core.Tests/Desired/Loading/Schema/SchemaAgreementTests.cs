using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;
using Xunit;

namespace GitOps.Core.Tests.Desired.Loading.Schema;

/// <summary>The JSON Schemas editors use and the C# validator accept and reject the same files.</summary>
public sealed class SchemaAgreementTests
{
    private const string Head = "apiVersion: gitops/v1\nkind: Service\nname: web\n";
    private const string Listen = "listen: { port: 80, mode: http }\n";
    private const string Tcp = "listen: { port: 5432, mode: tcp }\n";
    private const string Servers = "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }] }\n";
    private const string SettingsHead = "apiVersion: gitops/v1\nkind: Settings\n";
    private const string Pair = "hosts: [{ name: lb-a, address: 10.99.0.11 }, { name: lb-b, address: 10.99.0.12 }]\n";

    private static readonly RepositorySchema ServiceSchema = RepositorySchema.Load(Path.Combine(TestRepository.Root, "schemas", "service.schema.json"));
    private static readonly RepositorySchema SettingsSchema = RepositorySchema.Load(Path.Combine(TestRepository.Root, "schemas", "gitops.schema.json"));

    public static TheoryData<string> ValidServices() =>
    [
        Head + Listen + Servers,
        Head + Listen + "routes:\nbackend:\n  balance:\n  discover: { labels: { app: web, replicas: 3, canary: false, ratio: 0.5 }, port: 80 }\noptions:\n",
        Head + "listen: { port: 443, mode: http, tls: { certificate: /a.pem, redirectFrom: null } }\n" + Servers,
        Head + Tcp + "backend: { discover: { compose: { project: shop }, port: 5432, network: my_net.1 }, sticky: { mode: source } }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"[::1]:80\", weight: 0 }, { name: s2, address: \"db-1.example:8080\" }], health: { interval: 1m30s, rise: 1, fall: 100 } }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], clientAddress: proxy-v2 }\noptions: { forwardedFor: false }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], clientAddress: header }\noptions: { forwardedFor: true }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], clientAddress: ~ }\noptions: { forwardedFor: true }\n",
        Head + Tcp + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }, { name: s2, address: \"db.internal:80\" }], clientAddress: transparent }\n",
        Head + Tcp + "backend: { discover: { labels: { app: db }, port: 5432 }, clientAddress: proxy-v1 }\noptions: { forwardedFor: false }\n",
        Head + "listen: { port: 443, mode: http, acceptProxy: true, tls: { certificate: /a.pem } }\n" + Servers,
    ];

    public static TheoryData<string> InvalidServices() =>
    [
        string.Empty,
        Head + Listen,
        Head + Listen + Servers + "extra: 1\n",
        Head + "listen: { port: 80, mode: http, prot: 1 }\n" + Servers,
        Head + "listen: { port: 0, mode: http }\n" + Servers,
        Head + "listen: { port: 65536, mode: http }\n" + Servers,
        Head + "listen: { port: \"80\", mode: http }\n" + Servers,
        Head + "listen: { port: 80, mode: htp }\n" + Servers,
        Head + "listen: [80]\n" + Servers,
        "apiVersion: gitops/v1\nkind: Service\nname: Web\n" + Listen + Servers,
        "apiVersion: gitops/v1\nkind: Service\nname: ~\n" + Listen + Servers,
        "apiVersion: gitops/v2\nkind: Service\nname: web\n" + Listen + Servers,
        "apiVersion: gitops/v1\nkind: Settings\nname: web\n" + Listen + Servers,
        Head + "listen: { port: 5432, mode: tcp, tls: { certificate: /a.pem } }\n" + Servers,
        Head + Tcp + "routes: [{ host: a.example.com }]\n" + Servers,
        Head + Tcp + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], sticky: { mode: cookie } }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], sticky: { mode: source, cookie: SRV } }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], sticky: { mode: cookie, cookie: \"a b\" } }\n",
        Head + "listen: { port: 443, mode: http, tls: { certificate: certs/a.pem } }\n" + Servers,
        Head + "listen: { port: 443, mode: http, tls: { certificate: /etc/../a.pem } }\n" + Servers,
        Head + "listen: { port: 443, mode: http, tls: { redirectFrom: 80 } }\n" + Servers,
        Head + Listen + "routes: [{ host: Web.Example.com }]\n" + Servers,
        Head + Listen + "routes: [{ path: api }]\n" + Servers,
        Head + Listen + "routes: [{ path: \"/a b\" }]\n" + Servers,
        Head + Listen + "backend: { servers: [{ name: s1 }] }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1\" }] }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"a b:80\" }] }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\", weight: 300 }] }\n",
        Head + Listen + "backend: { servers: [{ name: S1, address: \"10.0.0.1:80\" }] }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], health: { interval: 2 seconds } }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], health: { interval: 0s } }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], health: { rise: 0 } }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], health: { path: healthz } }\n",
        Head + Listen + "backend: { discover: { port: 80 } }\n",
        Head + Listen + "backend: { discover: { labels: {}, port: 80 } }\n",
        Head + Listen + "backend: { discover: { labels: { app: \"a\\nb\" }, port: 80 } }\n",
        Head + Listen + "backend: { discover: { labels: { \"\": web }, port: 80 } }\n",
        Head + Listen + "backend: { discover: { labels: { app: web } } }\n",
        Head + Listen + "backend: { discover: { labels: { app: web }, port: 80, network: \"my net\" } }\n",
        Head + Listen + "backend: { discover: { compose: { service: web }, port: 80 } }\n",
        Head + Listen + "backend: { balance: fastest, servers: [{ name: s1, address: \"10.0.0.1:80\" }] }\n",
        Head + "hosts: [lb1, lb1]\n" + Listen + Servers,
        Head + Listen + Servers + "options: { compression: \"yes\" }\n",
        Head + "listen: { port: 80, mode: http, acceptProxy: \"yes\" }\n" + Servers,
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], clientAddress: proxy-v3 }\n",
        Head + Tcp + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], clientAddress: header }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], clientAddress: proxy-v2 }\noptions: { forwardedFor: true }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }], clientAddress: header }\noptions: { forwardedFor: false }\n",
        Head + Listen + "backend: { servers: [{ name: s1, address: \"127.0.0.1:80\" }], clientAddress: transparent }\n",
        Head + Tcp + "backend: { servers: [{ name: s1, address: \"10.0.0.1:80\" }, { name: s2, address: \"[2001:db8::1]:80\" }], clientAddress: transparent }\n",
    ];

    public static TheoryData<string> ValidSettings() =>
    [
        SettingsHead,
        SettingsHead + "hosts:\ndefaults:\nstats:\ndiscovery:\n",
        SettingsHead + "stats: { enabled: false }\ndefaults: { timeouts: { tunnel: 2h } }\n",
        SettingsHead + Pair + "virtualAddresses:\n  - { address: 10.99.0.10/24, interface: eth0, hosts: [lb-a, lb-b] }\n",
        SettingsHead + "hosts: [{ name: lb1, address: \"fd00::1\" }, { name: lb2, address: \"fd00::2\" }]\nvirtualAddresses: [{ address: \"fd00::10/64\", interface: br-lan.2, hosts: [lb2, lb1] }]\n",
        SettingsHead + "hosts: [{ name: lb1, address: ~ }]\nvirtualAddresses:\n",
    ];

    public static TheoryData<string> InvalidSettings() =>
    [
        "apiVersion: gitops/v1\nkind: Service\n",
        "kind: Settings\n",
        SettingsHead + "hosts: []\n",
        SettingsHead + "hosts: [{ name: LB1 }]\n",
        SettingsHead + "hosts: [lb1]\n",
        SettingsHead + "defaults: { timeouts: { connect: 5x } }\n",
        SettingsHead + "defaults: { timeouts: { conect: 5s } }\n",
        SettingsHead + "defaults: { maxConnections: 0 }\n",
        SettingsHead + "stats: { user: admin }\n",
        SettingsHead + "stats: { user: \"a b\", password: x }\n",
        SettingsHead + "stats: { password: \"pa$$\", user: x }\n",
        SettingsHead + "stats: { bind: localhost }\n",
        SettingsHead + "stats: { port: 70000 }\n",
        SettingsHead + "stats: { path: stats }\n",
        SettingsHead + "discovery: { seedLabels: \"yes\" }\n",
        SettingsHead + "discovery: { network: \"a#b\" }\n",
        SettingsHead + "extra: true\n",
        SettingsHead + "hosts: [{ name: lb1, address: 10.99.0 }]\n",
        SettingsHead + Pair + "virtualAddresses: [{ address: 10.99.0.10, interface: eth0, hosts: [lb-a, lb-b] }]\n",
        SettingsHead + Pair + "virtualAddresses: [{ address: 10.99.0.10/33, interface: eth0, hosts: [lb-a, lb-b] }]\n",
        SettingsHead + Pair + "virtualAddresses: [{ address: 10.99.0.10/24, interface: \"eth0 x\", hosts: [lb-a, lb-b] }]\n",
        SettingsHead + Pair + "virtualAddresses: [{ address: 10.99.0.10/24, interface: this-name-is-too-long, hosts: [lb-a, lb-b] }]\n",
        SettingsHead + Pair + "virtualAddresses: [{ address: 10.99.0.10/24, interface: eth0, hosts: [lb-a] }]\n",
        SettingsHead + Pair + "virtualAddresses: [{ address: 10.99.0.10/24, interface: eth0, hosts: [lb-a, lb-a] }]\n",
        SettingsHead + Pair + "virtualAddresses: [{ address: 10.99.0.10/24, hosts: [lb-a, lb-b] }]\n",
        SettingsHead + Pair + "virtualAddresses: [{ address: 10.99.0.10/24, interface: eth0, hosts: [lb-a, lb-b], priority: 1 }]\n",
    ];

    [Fact]
    public void ExampleFiles_AreAcceptedByTheSchemaAndTheLoader()
    {
        var files = TestRepository.Example();
        Assert.Empty(DesiredStateLoader.Load(files).Diagnostics);
        foreach (var file in files)
        {
            var schema = file.Path == DesiredStateLoader.SettingsPath ? SettingsSchema : ServiceSchema;
            Assert.Empty(schema.Validate(YamlToJson.Convert(file.Content)).Select(e => $"{file.Path}: {e}"));
        }
    }

    [Theory]
    [MemberData(nameof(ValidServices))]
    public void ValidService_IsAcceptedByBoth(string yaml) => AssertAgree(yaml, "services/web.yaml", ServiceSchema, valid: true);

    [Theory]
    [MemberData(nameof(InvalidServices))]
    public void InvalidService_IsRejectedByBoth(string yaml) => AssertAgree(yaml, "services/web.yaml", ServiceSchema, valid: false);

    [Theory]
    [MemberData(nameof(ValidSettings))]
    public void ValidSettings_AreAcceptedByBoth(string yaml) => AssertAgree(yaml, "gitops.yaml", SettingsSchema, valid: true);

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void InvalidSettings_AreRejectedByBoth(string yaml) => AssertAgree(yaml, "gitops.yaml", SettingsSchema, valid: false);

    [Fact]
    public void Validate_InvalidService_NamesEachViolationButNotTheUntakenIfBranch()
    {
        var errors = ServiceSchema.Validate(YamlToJson.Convert(Head + "listen: { port: 0, mode: tcp, tls: { certificate: /x.pem } }\nbackend: { discover: { labels: {}, port: 80 } }\n"));

        Assert.Equal(
        [
            "/listen/port: minimum: 0 should be at least 1",
            "/listen/tls: type: Value is \"object\" but should be \"null\"",
            "/backend/discover/labels: minProperties: Value should have at least 1 properties",
            "/backend/discover: required: Required properties [\"compose\"] are not present",
        ], errors);
    }

    [Fact]
    public void Parse_MisspelledKeyword_Throws()
    {
        var exception = Assert.Throws<Json.Schema.JsonSchemaException>(() => RepositorySchema.Parse("""{ "$schema": "https://json-schema.org/draft/2020-12/schema", "minimun": 1 }"""));

        Assert.Contains("minimun", exception.Message, StringComparison.Ordinal);
    }

    private static void AssertAgree(string yaml, string path, RepositorySchema schema, bool valid)
    {
        var loader = DesiredStateLoader.Load([new RepositoryFile(path, yaml)]);
        var schemaErrors = schema.Validate(YamlToJson.Convert(yaml));

        Assert.True(valid == loader.Errors.All(_ => false), $"loader {(valid ? "rejected" : "accepted")}:\n{yaml}\n{string.Join('\n', loader.Diagnostics)}");
        Assert.True(valid == (schemaErrors.Count == 0), $"schema {(valid ? "rejected" : "accepted")}:\n{yaml}\n{string.Join('\n', schemaErrors)}");
    }
}
