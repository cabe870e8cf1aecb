using System.Net;
using System.Net.Sockets;
using System.Text;
using GitOps.HAProxy.Apply;
using GitOps.HAProxy.Tests.Runtime;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.HAProxy.Tests.Apply;

public sealed class ConfigApplierTests : IAsyncLifetime
{
    private readonly LoopbackHttpServer _one = new("one");
    private readonly LoopbackHttpServer _two = new("two");
    private ApplierHost _host = new();
    private int _requests;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    [Fact]
    public async Task ApplyAsync_ServerAdded_RuntimeWithoutReloadAndTrafficReachesIt()
    {
        await StartAsync(_host.Config([("s1", _one.EndPoint, 100)]));
        var next = _host.Config([("s1", _one.EndPoint, 100), ("s2", _two.EndPoint, 100)]);

        var result = await _host.Applier.ApplyAsync(next, "v2", CancellationToken.None);

        AssertSucceeded(result, ApplyMethod.Runtime);
        Assert.Contains($"add server b/s2 {_two.EndPoint} weight 100", result.Operations);
        Assert.Contains("enable server b/s2", result.Operations);
        Assert.Equal(0, await _host.ReloadsAsync());
        Assert.Contains("two", await BodiesAsync(10));
        Assert.Equal(next, await File.ReadAllTextAsync(_host.SupervisorOptions.ConfigPath));
        Assert.Equal("v2", _host.Applier.AppliedVersion);
    }

    [Fact]
    public async Task ApplyAsync_ServerWithSendProxyV2Added_RuntimeAndTheServerReceivesAProxyV2Header()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var endpoint = (IPEndPoint)server.LocalEndpoint;
        await StartAsync(_host.Config([], mode: "tcp"));

        var result = await _host.Applier.ApplyAsync(_host.Config([("s1", endpoint, 100)], mode: "tcp", serverExtra: " send-proxy-v2"), CancellationToken.None);

        AssertSucceeded(result, ApplyMethod.Runtime);
        Assert.Contains($"add server b/s1 {endpoint} weight 100 send-proxy-v2", result.Operations);
        Assert.Equal(0, await _host.ReloadsAsync());
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, _host.FrontendPort);
        await client.SendAsync(Encoding.ASCII.GetBytes("hello"));
        using var accepted = await server.AcceptSocketAsync();
        var header = new byte[12];
        for (var read = 0; read < header.Length;)
        {
            var count = await accepted.ReceiveAsync(header.AsMemory(read));
            Assert.NotEqual(0, count);
            read += count;
        }

        // The PROXY protocol v2 signature, which a server line without send-proxy-v2 would not send.
        Assert.Equal("\r\n\r\n\0\r\nQUIT\n"u8.ToArray(), header);
    }

    [Fact]
    public async Task ApplyAsync_ServerReaddressedAndReweighted_RuntimeWithoutReload()
    {
        await StartAsync(_host.Config([("s1", _one.EndPoint, 100)]));

        var result = await _host.Applier.ApplyAsync(_host.Config([("s1", _two.EndPoint, 7)]), CancellationToken.None);

        AssertSucceeded(result, ApplyMethod.Runtime);
        Assert.Equal(
            [$"set server b/s1 addr 127.0.0.1 port {_two.Port}", "set weight b/s1 7"],
            result.Operations.Where(o => o.StartsWith("set ", StringComparison.Ordinal)));
        Assert.Equal(0, await _host.ReloadsAsync());
        Assert.Equal(["two"], await BodiesAsync(4));
        var state = Assert.Single(ServersState.Parse(await _host.RuntimeCommandAsync("show servers state b")));
        Assert.Equal("7", state["srv_uweight"]);
    }

    [Fact]
    public async Task ApplyAsync_ServerRemoved_RuntimeDeletesItWithoutReload()
    {
        await StartAsync(_host.Config([("s1", _one.EndPoint, 100), ("s2", _two.EndPoint, 100)]));

        var result = await _host.Applier.ApplyAsync(_host.Config([("s2", _two.EndPoint, 100)]), CancellationToken.None);

        AssertSucceeded(result, ApplyMethod.Runtime);
        Assert.Equal(
            ["set server b/s1 state drain", "set server b/s1 state maint", "del server b/s1"],
            result.Operations.Where(o => o.Contains("b/s1", StringComparison.Ordinal) && !o.Contains("drained", StringComparison.Ordinal)));
        Assert.Equal(0, await _host.ReloadsAsync());
        Assert.Equal(["s2"], ServersState.Parse(await _host.RuntimeCommandAsync("show servers state b")).Select(s => s["srv_name"]));
        Assert.Equal(["two"], await BodiesAsync(4));
    }

    [Fact]
    public async Task ApplyAsync_FrontendChanged_ReloadsAndNoRequestFails()
    {
        await StartAsync(_host.Config([("s1", _one.EndPoint, 100)]));
        using var stop = new CancellationTokenSource();
        var traffic = RequestLoopAsync(stop.Token);
        await Poll.UntilAsync(() => Volatile.Read(ref _requests) > 0 || traffic.IsCompleted, "traffic before the reload");

        var result = await _host.Applier.ApplyAsync(
            _host.Config([("s1", _one.EndPoint, 100)], frontendExtra: "    http-response set-header X-Version 2\n"), CancellationToken.None);
        // Requests go on after the reload, to the new worker.
        var atReload = Volatile.Read(ref _requests);
        await Poll.UntilAsync(() => Volatile.Read(ref _requests) >= atReload + 20 || traffic.IsCompleted, "20 requests after the reload");
        await stop.CancelAsync();
        var (succeeded, failures) = await traffic;

        AssertSucceeded(result, ApplyMethod.Reload);
        Assert.Equal(1, await _host.ReloadsAsync());
        Assert.True(succeeded > atReload, "no request completed after the reload");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task ApplyAsync_MissingCertificate_FailsAndTheOldConfigKeepsServing()
    {
        var good = _host.Config([("s1", _one.EndPoint, 100)]);
        await StartAsync(good);
        var missing = Path.Combine(_host.Directory, "missing.pem");
        var bad = _host.Config(
            [("s1", _one.EndPoint, 100)], frontendExtra: $"    bind 127.0.0.1:{LoopbackPorts.GetFree()} ssl crt {missing}\n");

        var result = await _host.Applier.ApplyAsync(bad, "v-bad", CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(ApplyMethod.Reload, result.Method);
        Assert.Contains("haproxy -c rejected", result.Error, StringComparison.Ordinal);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
        Assert.Equal("v1", result.KeptVersion);
        Assert.Equal(good, await File.ReadAllTextAsync(_host.SupervisorOptions.ConfigPath));
        Assert.Equal(0, await _host.ReloadsAsync());
        Assert.Equal(["one"], await BodiesAsync(2));
    }

    [Fact]
    public async Task ApplyAsync_ReloadFailsOnTheHost_RestoresTheFileAndTheOldWorkerKeepsServing()
    {
        // haproxy -c does not bind, so a port another process holds passes the check and fails the reload.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var good = _host.Config([("s1", _one.EndPoint, 100)]);
        var started = await StartAsync(good);
        var bad = _host.Config([("s1", _one.EndPoint, 100)], frontendExtra: $"    bind 127.0.0.1:{port}\n");

        var result = await _host.Applier.ApplyAsync(bad, "v-bad", CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.StartsWith("HAProxy's reload failed: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("cannot bind socket", result.Error, StringComparison.Ordinal);
        Assert.Equal("v1", result.KeptVersion);
        Assert.Contains(result.Operations, o => o.StartsWith("the previous worker", StringComparison.Ordinal));
        Assert.Equal(good, await File.ReadAllTextAsync(_host.SupervisorOptions.ConfigPath));
        var processes = await _host.Supervisor.ShowProcAsync(CancellationToken.None);
        Assert.True(processes.LastReloadFailed);
        Assert.Equal(started, Assert.Single(processes.Workers).Pid);
        Assert.Equal(["one"], await BodiesAsync(2));
    }

    [Fact]
    public async Task ApplyAsync_RemovedServerHoldsAConnection_DeletedOnlyAfterItCloses()
    {
        // The applier's drain waits are on a clock the test steps, so it looks at the held server a counted number of times.
        await _host.DisposeAsync();
        var clock = new SteppedClock();
        _host = new ApplierHost(applierClock: clock);
        var poll = _host.ApplierOptions.DrainPollInterval;
        await StartAsync(_host.Config([("s1", _one.EndPoint, 100)], mode: "tcp"));
        using var held = await OpenKeptConnectionAsync();

        var apply = _host.Applier.ApplyAsync(_host.Config([("s2", _two.EndPoint, 100)], mode: "tcp"), CancellationToken.None);
        for (var looks = 1; looks <= 5; looks++)
        {
            // It looked, saw the session, and waits to look again.
            await clock.WaitUntilCreatedAsync(poll, looks);
            Assert.False(apply.IsCompleted, $"the server was deleted after {looks} looks while a connection still used it");
            clock.Advance(poll);
        }

        await clock.WaitUntilCreatedAsync(poll, 6);
        var whileHeld = ServersState.Parse(await _host.RuntimeCommandAsync("show servers state b")).Select(s => s["srv_name"]).ToList();
        Assert.False(apply.IsCompleted, "the server was deleted while a connection still used it");
        held.Dispose();
        // HAProxy notices the close in real time; once its session is gone, the applier's next look sees the server idle.
        await Poll.UntilAsync(async _ => await SessionsAsync("b", "s1") == 0, "HAProxy to see the held connection closed");
        await clock.AdvanceUntilDoneAsync(apply, poll, maxSteps: 10);
        var result = await apply;

        AssertSucceeded(result, ApplyMethod.Runtime);
        Assert.Equal(["s1", "s2"], whileHeld.Order());
        Assert.Contains(result.Operations, o => o.StartsWith("b/s1 drained after", StringComparison.Ordinal));
        Assert.DoesNotContain("shutdown sessions server b/s1", result.Operations);
        Assert.Equal(["s2"], ServersState.Parse(await _host.RuntimeCommandAsync("show servers state b")).Select(s => s["srv_name"]));
        Assert.Equal(0, await _host.ReloadsAsync());
    }

    [Fact]
    public async Task ApplyAsync_RemovedServerConnectionOutlivesTheDrainTimeout_ShutDownThenDeleted()
    {
        await _host.DisposeAsync();
        _host = new ApplierHost(drainTimeout: TimeSpan.FromSeconds(1));
        await StartAsync(_host.Config([("s1", _one.EndPoint, 100)], mode: "tcp"));
        using var held = await OpenKeptConnectionAsync();

        var result = await _host.Applier.ApplyAsync(_host.Config([("s2", _two.EndPoint, 100)], mode: "tcp"), CancellationToken.None);

        AssertSucceeded(result, ApplyMethod.Runtime);
        Assert.Contains("b/s1 still had 1 session(s) after the drain timeout of 1 s", result.Operations);
        Assert.Contains("shutdown sessions server b/s1", result.Operations);
        Assert.Contains("del server b/s1", result.Operations);
        Assert.True(result.Duration >= TimeSpan.FromSeconds(1));
        held.ReceiveTimeout = 5000;
        Assert.Equal(0, held.Receive(new byte[16]));
    }

    [Fact]
    public async Task CorrectDriftAsync_HandEditedFile_RewritesAndReloads()
    {
        var applied = _host.Config([("s1", _one.EndPoint, 100)]);
        await StartAsync(applied);
        await File.WriteAllTextAsync(_host.SupervisorOptions.ConfigPath, _host.Config([("s1", _two.EndPoint, 100)]));

        var correction = await _host.Applier.CorrectDriftAsync(CancellationToken.None);

        Assert.True(correction.Drift.FileDrifted);
        var description = Assert.Single(correction.Drift.Descriptions);
        Assert.Contains($"is 'server s1 {_two.EndPoint} weight 100', applied 'server s1 {_one.EndPoint} weight 100'", description, StringComparison.Ordinal);
        AssertSucceeded(correction.Correction!, ApplyMethod.Reload);
        Assert.Equal(applied, await File.ReadAllTextAsync(_host.SupervisorOptions.ConfigPath));
        Assert.False((await _host.Applier.DetectDriftAsync(CancellationToken.None)).HasDrift);
        Assert.Equal(["one"], await BodiesAsync(2));
    }

    [Fact]
    public async Task CorrectDriftAsync_ServerChangedThroughTheRuntimeApi_PutBackWithoutReload()
    {
        await StartAsync(_host.Config([("s1", _one.EndPoint, 100), ("s2", _two.EndPoint, 100)]));
        await _host.RuntimeCommandAsync("set weight b/s1 5");
        await _host.RuntimeCommandAsync($"set server b/s2 addr 127.0.0.1 port {_one.Port}");
        await _host.RuntimeCommandAsync("set server b/s2 state maint");

        var correction = await _host.Applier.CorrectDriftAsync(CancellationToken.None);

        Assert.False(correction.Drift.FileDrifted);
        Assert.Equal(
            [
                "server b/s1 has weight 5, the applied configuration says 100",
                $"server b/s2 runs at 127.0.0.1:{_one.Port}, the applied configuration says {_two.EndPoint}",
                "server b/s2 was put in maintenance through the runtime API",
            ],
            correction.Drift.Descriptions);
        AssertSucceeded(correction.Correction!, ApplyMethod.Runtime);
        Assert.Equal(0, await _host.ReloadsAsync());
        Assert.False((await _host.Applier.DetectDriftAsync(CancellationToken.None)).HasDrift);
        Assert.Equal(["one", "two"], await BodiesAsync(6));
    }

    [Fact]
    public async Task StartAsync_AgentRestartedAfterAHalfDoneApply_AdoptsAndRestoresTheAppliedConfig()
    {
        var applied = _host.Config([("s1", _one.EndPoint, 100)]);
        await StartAsync(applied);
        var master = _host.Supervisor.MasterPid;

        // As if the agent died after writing a new file but before its reload was confirmed.
        await File.WriteAllTextAsync(_host.SupervisorOptions.ConfigPath, _host.Config([("s1", _two.EndPoint, 100)], frontendExtra: "    option httplog\n"));
        await _host.SimulateAgentRestartAsync();
        var start = await _host.Applier.StartAsync(null, null, CancellationToken.None);

        Assert.True(start.Adopted);
        Assert.Equal(master, _host.Supervisor.MasterPid);
        Assert.True(start.Recovery.Drift.FileDrifted);
        Assert.Equal(applied, await File.ReadAllTextAsync(_host.SupervisorOptions.ConfigPath));
        Assert.Equal("v1", _host.Applier.AppliedVersion);
        Assert.Equal(1, await _host.ReloadsAsync());
        Assert.Equal(["one"], await BodiesAsync(2));
    }

    [Fact]
    public async Task StartAsync_AgentRestartedWithANewerDesiredConfig_AdoptsAndAppliesIt()
    {
        await StartAsync(_host.Config([("s1", _one.EndPoint, 100)]));
        await _host.SimulateAgentRestartAsync();

        var start = await _host.Applier.StartAsync(_host.Config([("s1", _one.EndPoint, 100), ("s2", _two.EndPoint, 100)]), "v2", CancellationToken.None);

        Assert.True(start.Adopted);
        Assert.False(start.Recovery.Drift.HasDrift);
        AssertSucceeded(start.Apply!, ApplyMethod.Runtime);
        Assert.Equal(0, await _host.ReloadsAsync());
    }

    private async Task<int> StartAsync(string config)
    {
        var start = await _host.Applier.StartAsync(config, "v1", CancellationToken.None);
        Assert.False(start.Adopted);
        Assert.Null(start.Apply);
        return Assert.Single((await _host.Supervisor.ShowProcAsync(CancellationToken.None)).Workers).Pid;
    }

    private static void AssertSucceeded(ApplyResult result, ApplyMethod method)
    {
        Assert.True(result.Succeeded, $"{result.Error}\n{string.Join('\n', result.Operations)}");
        Assert.Equal(method, result.Method);
        Assert.Null(result.KeptVersion);
    }

    private async Task<List<string>> BodiesAsync(int count)
    {
        var bodies = new List<string>();
        for (var i = 0; i < count; i++)
        {
            bodies.Add(await LoopbackHttpClient.GetStringAsync(_host.FrontendPort));
        }

        return bodies.Distinct().Order().ToList();
    }

    /// <summary>A connection through the TCP frontend that has had one answer and stays open.</summary>
    private async Task<Socket> OpenKeptConnectionAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _host.FrontendPort);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: test\r\n\r\n"));
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer);
        Assert.Contains("200 OK", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        return socket;
    }

    /// <summary>
    /// Fresh-connection GETs until cancelled (at most 2,000 and 20 s, the bounds of any traffic loop), counted in
    /// <see cref="_requests"/> as they end: how many succeeded, and every failure.
    /// </summary>
    private async Task<(int Succeeded, List<string> Failures)> RequestLoopAsync(CancellationToken stop)
    {
        var succeeded = 0;
        var failures = new List<string>();
        var started = TimeProvider.System.GetTimestamp();
        while (!stop.IsCancellationRequested && succeeded + failures.Count < 2000 && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(20))
        {
            try
            {
                // Not cancelled by the stop signal: a request in flight must finish to count.
                await LoopbackHttpClient.GetStringAsync(_host.FrontendPort, "/", CancellationToken.None);
                succeeded++;
            }
            catch (HttpRequestException ex)
            {
                failures.Add(ex.Message);
            }

            Interlocked.Increment(ref _requests);
        }

        return (succeeded, failures);
    }

    /// <summary>The sessions HAProxy counts on <paramref name="backend"/>/<paramref name="server"/> (<c>show stat</c>'s scur).</summary>
    private async Task<int> SessionsAsync(string backend, string server)
    {
        var lines = (await _host.RuntimeCommandAsync("show stat -1 4 -1")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var current = lines[0][2..].Split(',').ToList().IndexOf("scur");
        var row = lines.Skip(1).Select(l => l.Split(',')).Single(f => f[0] == backend && f[1] == server);
        return int.Parse(row[current], System.Globalization.CultureInfo.InvariantCulture);
    }
}
