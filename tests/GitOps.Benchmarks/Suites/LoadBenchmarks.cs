using System.Globalization;
using GitOps.Core.Desired;
using GitOps.Core.Desired.Loading;

namespace GitOps.Benchmarks.Suites;

/// <summary>Loads and validates a generated repository of 1,000 services, all in memory.</summary>
internal sealed class LoadBenchmarks : IBenchmarkSuite
{
    public string Name => "load";

    public string Description => "parse and validate 1,000 service files in memory (median of 15 runs after 3 warm-ups)";

    public Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        var files = Generate(1000);
        var first = DesiredStateLoader.Load(files);
        if (first.State is null || first.State.Services.Count != 1000)
        {
            throw new InvalidOperationException("the generated repository did not load: " + string.Join('\n', first.Diagnostics.Take(5)));
        }

        var samples = BenchmarkReport.Measure(() => DesiredStateLoader.Load(files), warmup: 3, iterations: 15);
        report.Figure("load_validate_1000_services_ms", BenchmarkReport.Percentile(samples, 50), "ms");
        return Task.CompletedTask;
    }

    /// <summary>A mix like a real repository: http services sharing port 80 by host, TLS services, tcp services with static servers.</summary>
    private static List<RepositoryFile> Generate(int count)
    {
        var files = new List<RepositoryFile>
        {
            new("gitops.yaml", """
                apiVersion: gitops/v1
                kind: Settings
                hosts: [{ name: lb1 }, { name: lb2 }]
                defaults: { timeouts: { connect: 5s, client: 30s, server: 30s }, maxConnections: 20000 }
                stats: { port: 8404, user: admin, password: secret }
                """),
        };
        for (var i = 0; i < count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"svc-{i:0000}");
            var text = (i % 10) switch
            {
                0 => string.Create(CultureInfo.InvariantCulture, $$"""
                    apiVersion: gitops/v1
                    kind: Service
                    name: {{name}}
                    hosts: [lb1]
                    listen: { port: {{10000 + i}}, mode: tcp }
                    backend:
                      balance: leastconn
                      servers:
                        - { name: primary, address: "10.1.{{i / 250}}.{{i % 250}}:5432" }
                        - { name: replica, address: "db-{{i}}.internal.example:5432", weight: 10 }
                      health: { interval: 2s, rise: 2, fall: 3 }
                    """),
                1 => string.Create(CultureInfo.InvariantCulture, $$"""
                    apiVersion: gitops/v1
                    kind: Service
                    name: {{name}}
                    listen:
                      port: 443
                      mode: http
                      tls: { certificate: /etc/gitops/certs/{{name}}.pem, redirectFrom: 80 }
                    routes:
                      - { host: {{name}}.example.com, path: / }
                    backend:
                      discover: { compose: { project: shop, service: {{name}} }, port: 3000 }
                      sticky: { mode: cookie, cookie: SRV }
                    """),
                _ => string.Create(CultureInfo.InvariantCulture, $$"""
                    # yaml-language-server: $schema=../schemas/service.schema.json
                    apiVersion: gitops/v1
                    kind: Service
                    name: {{name}}
                    listen: { port: 80, mode: http }
                    routes:
                      - { host: {{name}}.example.com, path: / }
                      - { host: {{name}}.example.com, path: /api }
                    backend:
                      balance: roundrobin
                      discover:
                        labels: { app: {{name}}, tier: web }
                        port: 8080
                        network: bridge
                      servers:
                        - { name: legacy, address: "192.0.2.{{i % 250}}:8080" }
                      health: { path: /healthz, interval: 2s }
                    options: { compression: true }
                    """),
            };
            files.Add(new RepositoryFile($"services/{name}.yaml", text));
        }

        return files;
    }
}
