using System.Globalization;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Discovery;
using GitOps.Core.Effective;
using GitOps.HAProxy.Rendering;
using GitOps.HAProxy.Validation;
using GitOps.Testing.Models;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// Building and rendering the configuration of a large host: 1,000 http services on one port,
/// each routed by host name to 20 discovered containers, then the real <c>haproxy -c</c> on it.
/// </summary>
internal sealed class RenderBenchmarks : IBenchmarkSuite
{
    private const int Services = 1000;
    private const int ServersPerService = 20;

    public string Name => "render";

    public string Description => "effective model + HAProxy config for 1,000 services x 20 servers, and haproxy -c on it";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        var (desired, containers) = Scenario();
        EffectiveHostConfig? config = null;
        var build = BenchmarkReport.Measure(() => config = EffectiveModelBuilder.Build(desired, TestModels.Host, containers), warmup: 3, iterations: 15);
        var text = string.Empty;
        var render = BenchmarkReport.Measure(() => text = HAProxyConfigRenderer.Render(config!), warmup: 5, iterations: 25);
        var checker = new HAProxyConfigChecker();
        HAProxyCheckResult? result = null;
        var check = await BenchmarkReport.MeasureAsync(async () => result = await checker.CheckAsync(text, cancellationToken), warmup: 1, iterations: 5);
        if (result is not { IsValid: true })
        {
            throw new InvalidOperationException("haproxy -c rejected the benchmark configuration: " + result?.Output);
        }

        report.Figure("effective_1000x20_ms", BenchmarkReport.Percentile(build, 50), "ms");
        report.Figure("render_1000x20_ms", BenchmarkReport.Percentile(render, 50), "ms");
        report.Figure("render_1000x20_p95_ms", BenchmarkReport.Percentile(render, 95), "ms");
        report.Figure("render_1000x20_bytes", text.Length, "bytes");
        report.Figure("haproxy_check_1000x20_ms", BenchmarkReport.Percentile(check, 50), "ms");
    }

    private static (DesiredState Desired, List<ObservedContainer> Containers) Scenario()
    {
        var services = new List<ServiceModel>(Services);
        var containers = new List<ObservedContainer>(Services * ServersPerService);
        for (var s = 0; s < Services; s++)
        {
            var name = "svc-" + s.ToString("D4", CultureInfo.InvariantCulture);
            services.Add(TestModels.Service(name, 80, TestModels.Discover(name, 8080), routes: new RouteModel { Host = name + ".example.com" }) with
            {
                Backend = new BackendModel { Discover = TestModels.Discover(name, 8080), Health = new HealthModel { Path = "/healthz" } },
            });
            for (var i = 0; i < ServersPerService; i++)
            {
                var n = (s * ServersPerService) + i;
                containers.Add(TestModels.Container(
                    $"{name}-{i}",
                    n.ToString("x12", CultureInfo.InvariantCulture),
                    [("app", name), ("com.docker.compose.project", "bench")],
                    ("bridge", $"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}")));
            }
        }

        return (TestModels.State(services: [.. services]), containers);
    }
}
