using GitOps.Testing.Network;
using GitOps.Testing.Postgres;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// The highly available pair of the end-to-end test (<see cref="HighlyAvailablePair"/>: network namespaces, two real
/// agents running keepalived, a controller), measured from the client's namespace with a request every 50 ms: the
/// longest time without an answer (last success before → first success after) when the preferred host's link goes
/// down and when its HAProxy is killed, the requests that failed each time, and those that failed during a planned
/// hand-over (the agent stopped with <c>--stop-haproxy-on-exit</c>).
/// </summary>
internal sealed class HighlyAvailableBenchmarks : IBenchmarkSuite
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public string Name => "ha";

    public string Description => "highly available pair in network namespaces: failover gap and failed requests (link down, HAProxy killed), planned hand-over";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        await using var cluster = await PostgresCluster.StartNewAsync(cancellationToken);
        await using var pair = await HighlyAvailablePair.StartAsync(cluster, "bench_ha", cancellationToken);
        const string a = HighlyAvailablePair.PreferredHost;
        const string b = HighlyAvailablePair.OtherHost;

        var linkDown = await pair.MeasureAsync(() => pair.SetLinkAsync(a, up: false, cancellationToken), ct => pair.HoldsAloneAsync(b, ct), Bound, cancellationToken);
        report.Figure("ha_failover_link_down_gap_ms", linkDown.LongestGapMs, "ms");
        report.Figure("ha_failover_link_down_failed_requests", linkDown.Failed, "requests");
        var linkUp = await pair.MeasureAsync(() => pair.SetLinkAsync(a, up: true, cancellationToken), ct => pair.HoldsAloneAsync(a, ct), Bound, cancellationToken);
        report.Figure("ha_failback_link_up_failed_requests", linkUp.Failed, "requests");

        var killed = await pair.MeasureAsync(() => pair.KillHAProxyAsync(a, cancellationToken), ct => pair.HoldsAloneAsync(b, ct), Bound, cancellationToken);
        report.Figure("ha_failover_haproxy_killed_gap_ms", killed.LongestGapMs, "ms");
        report.Figure("ha_failover_haproxy_killed_failed_requests", killed.Failed, "requests");
        var back = await pair.MeasureAsync(() => Task.CompletedTask, ct => pair.HoldsAloneAsync(a, ct), Bound, cancellationToken);
        report.Figure("ha_failback_haproxy_restarted_failed_requests", back.Failed, "requests");

        var handOver = await pair.MeasureAsync(() => pair.Agent(a).InterruptAsync(Bound), ct => pair.HoldsAloneAsync(b, ct), Bound, cancellationToken);
        report.Figure("ha_planned_handover_failed_requests", handOver.Failed, "requests");
        report.Figure("ha_planned_handover_gap_ms", handOver.LongestGapMs, "ms");
    }
}
