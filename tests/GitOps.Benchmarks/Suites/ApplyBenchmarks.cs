using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using GitOps.HAProxy.Apply;
using GitOps.HAProxy.Runtime;
using GitOps.Testing.HAProxy;
using GitOps.Testing.Http;
using GitOps.Testing.Network;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// 50 keep-alive clients at steady load through a real HAProxy to 4 loopback backends while 100
/// applies happen (50 reloads: a frontend header changes; 50 runtime: a server added or removed and
/// a weight changed). Reports failed requests, socket errors, p99 latency before vs during the
/// applies, and apply time per method. Loopback only; bounded in time and request count.
/// </summary>
internal sealed class ApplyBenchmarks : IBenchmarkSuite
{
    private const int Clients = 50;
    private const int Applies = 100;
    private const int MaxRequests = 5_000_000;
    private static readonly TimeSpan Baseline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan GapBetweenApplies = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(3);

    public string Name => "apply";

    public string Description => "100 applies (50 reload, 50 runtime) under 50 keep-alive clients: failures, p99 before/during, apply times";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("gitops-bench-apply-").FullName;
        var backends = Enumerable.Range(0, 4).Select(i => new LoopbackHttpServer("backend-" + i)).ToList();
        var frontendPort = LoopbackPorts.GetFree();
        var supervisor = new HAProxySupervisor(new HAProxySupervisorOptions
        {
            ConfigPath = Path.Combine(directory, "haproxy.cfg"),
            RuntimeDirectory = Path.Combine(directory, "run"),
            SoftStopTimeout = TimeSpan.FromSeconds(2),
        });
        var adminSocket = Path.Combine(directory, "run", "admin.sock");
        var applier = new ConfigApplier(supervisor, new ConfigApplierOptions { AdminSocketPath = adminSocket, DrainTimeout = TimeSpan.FromSeconds(2), DrainPollInterval = TimeSpan.FromMilliseconds(5) });
        try
        {
            string Config(int generation, bool withFourth, int weight) => BuildConfig(adminSocket, frontendPort, backends, generation, withFourth, weight);
            await applier.StartAsync(Config(0, withFourth: false, weight: 100), "0", cancellationToken);

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Clients, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            var samples = new ConcurrentBag<(long At, double Milliseconds)>();
            var failures = new ConcurrentBag<string>();
            var socketErrors = 0;
            var requests = 0;
            using var stop = new CancellationTokenSource(MaxDuration);
            var uri = new Uri($"http://127.0.0.1:{frontendPort}/");
            var load = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested && Interlocked.Increment(ref requests) <= MaxRequests)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await client.GetAsync(uri, CancellationToken.None);
                        await response.Content.ReadAsStringAsync(CancellationToken.None);
                        if (!response.IsSuccessStatusCode)
                        {
                            failures.Add(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                        }
                    }
                    catch (HttpRequestException ex)
                    {
                        failures.Add(ex.Message);
                        if (ex.InnerException is SocketException or IOException)
                        {
                            Interlocked.Increment(ref socketErrors);
                        }
                    }

                    samples.Add((started, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
                }
            }, CancellationToken.None)).ToList();

            await Task.Delay(Baseline, cancellationToken);
            var appliesStarted = Stopwatch.GetTimestamp();
            var byMethod = new Dictionary<ApplyMethod, List<double>> { [ApplyMethod.Runtime] = [], [ApplyMethod.Reload] = [] };
            var runtimeAdds = new List<double>();
            var runtimeRemoves = new List<double>();
            var applyFailures = 0;
            var windows = new List<(long Start, long End, ApplyMethod Method)>(Applies);
            var generation = 0;
            var withFourth = false;
            var weight = 100;
            for (var i = 0; i < Applies && !stop.IsCancellationRequested; i++)
            {
                if (i % 2 == 0)
                {
                    generation++;
                }
                else
                {
                    withFourth = !withFourth;
                    weight = weight == 100 ? 50 : 100;
                }

                var applyStarted = Stopwatch.GetTimestamp();
                var result = await applier.ApplyAsync(Config(generation, withFourth, weight), i.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                windows.Add((applyStarted, Stopwatch.GetTimestamp(), result.Method));
                if (!result.Succeeded)
                {
                    applyFailures++;
                    Console.Error.WriteLine($"apply {i} failed: {result.Error}");
                }
                else if (byMethod.TryGetValue(result.Method, out var times))
                {
                    times.Add(result.Duration.TotalMilliseconds);
                    if (result.Method == ApplyMethod.Runtime)
                    {
                        (withFourth ? runtimeAdds : runtimeRemoves).Add(result.Duration.TotalMilliseconds);
                    }
                }

                await Task.Delay(GapBetweenApplies, cancellationToken);
            }

            var appliesEnded = Stopwatch.GetTimestamp();
            await stop.CancelAsync();
            await Task.WhenAll(load);

            var all = samples.ToArray();
            var before = all.Where(s => s.At < appliesStarted).Select(s => s.Milliseconds).Order().ToArray();
            var during = all.Where(s => s.At >= appliesStarted && s.At <= appliesEnded).Select(s => s.Milliseconds).Order().ToArray();
            double[] Within(ApplyMethod? method) =>
            [
                .. all.Where(s => s.At >= appliesStarted && s.At <= appliesEnded)
                    .Where(s => windows.FirstOrDefault(w => s.At >= w.Start && s.At <= w.End) is var window
                        && (method is null ? window == default : window != default && window.Method == method))
                    .Select(s => s.Milliseconds)
                    .Order(),
            ];
            var runtime = byMethod[ApplyMethod.Runtime].Order().ToArray();
            var reload = byMethod[ApplyMethod.Reload].Order().ToArray();
            report.Figure("apply_requests_total", all.Length, "requests");
            report.Figure("apply_requests_during_applies", during.Length, "requests");
            report.Figure("apply_failed_requests", failures.Count, "requests");
            report.Figure("apply_socket_errors", socketErrors, "errors");
            report.Figure("apply_latency_p99_before_ms", BenchmarkReport.Percentile(before, 99), "ms");
            report.Figure("apply_latency_p99_during_ms", BenchmarkReport.Percentile(during, 99), "ms");
            report.Figure("apply_latency_p99_ratio", BenchmarkReport.Percentile(during, 99) / BenchmarkReport.Percentile(before, 99), "x");
            // Where the tail comes from: requests started while a reload, or a runtime apply, was under way, and between applies.
            report.Figure("apply_latency_p99_in_reloads_ms", BenchmarkReport.Percentile(Within(ApplyMethod.Reload), 99), "ms");
            report.Figure("apply_latency_p99_in_runtime_applies_ms", BenchmarkReport.Percentile(Within(ApplyMethod.Runtime), 99), "ms");
            report.Figure("apply_latency_p99_between_applies_ms", BenchmarkReport.Percentile(Within(null), 99), "ms");
            report.Figure("apply_runtime_count", runtime.Length, "applies");
            report.Figure("apply_runtime_p50_ms", BenchmarkReport.Percentile(runtime, 50), "ms");
            report.Figure("apply_runtime_p99_ms", BenchmarkReport.Percentile(runtime, 99), "ms");
            report.Figure("apply_runtime_add_p50_ms", BenchmarkReport.Percentile([.. runtimeAdds.Order()], 50), "ms");
            report.Figure("apply_runtime_remove_p50_ms", BenchmarkReport.Percentile([.. runtimeRemoves.Order()], 50), "ms");
            report.Figure("apply_reload_count", reload.Length, "applies");
            report.Figure("apply_reload_p50_ms", BenchmarkReport.Percentile(reload, 50), "ms");
            report.Figure("apply_reload_p99_ms", BenchmarkReport.Percentile(reload, 99), "ms");
            report.Figure("apply_failed_applies", applyFailures, "applies");
            foreach (var failure in failures.GroupBy(f => f).OrderByDescending(g => g.Count()).Take(5))
            {
                Console.Error.WriteLine($"  {failure.Count()} x {failure.Key}");
            }
        }
        finally
        {
            await supervisor.StopAsync(CancellationToken.None);
            await supervisor.DisposeAsync();
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static string BuildConfig(string adminSocket, int frontendPort, List<LoopbackHttpServer> backends, int generation, bool withFourth, int weight)
    {
        var text = new StringBuilder(HAProxyTestConfig.Global(adminSocket));
        text.Append("\nfrontend fe\n")
            .Append("    bind 127.0.0.1:").Append(frontendPort).Append('\n')
            .Append("    http-response set-header X-Generation ").Append(generation).Append('\n')
            .Append("    default_backend b\n\n")
            .Append("backend b\n")
            .Append("    balance roundrobin\n");
        for (var i = 0; i < backends.Count; i++)
        {
            if (i == 3 && !withFourth)
            {
                continue;
            }

            text.Append("    server s").Append(i).Append(' ').Append(backends[i].EndPoint).Append(" weight ").Append(i == 0 ? weight : 100).Append('\n');
        }

        return text.ToString();
    }
}
