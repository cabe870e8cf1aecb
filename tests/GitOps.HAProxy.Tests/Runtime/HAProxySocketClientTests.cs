using System.Net.Sockets;
using GitOps.HAProxy.Runtime;
using GitOps.Testing.HAProxy;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using Xunit;

namespace GitOps.HAProxy.Tests.Runtime;

public sealed class HAProxySocketClientTests : IAsyncLifetime
{
    private readonly HAProxySocketClient _client = new();
    private readonly HAProxyFixture _haproxy = new();
    private readonly LoopbackHttpServer _one = new("one");
    private readonly LoopbackHttpServer _two = new("two");

    public Task InitializeAsync() =>
        _haproxy.StartAsync(_haproxy.MinimalConfig(LoopbackPorts.GetFree(), ("s1", _one.EndPoint), ("s2", _two.EndPoint)));

    public async Task DisposeAsync()
    {
        await _haproxy.DisposeAsync();
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    [Fact]
    public async Task SendAsync_ShowServersState_ListsTheBackendServers()
    {
        var answer = await _client.SendAsync(_haproxy.AdminSocketPath, "show servers state", CancellationToken.None);

        var servers = ServersState.Parse(answer);
        Assert.Equal(["s1", "s2"], servers.Select(s => s["srv_name"]));
        Assert.All(servers, s => Assert.Equal("b", s["be_name"]));
        Assert.All(servers, s => Assert.Equal("127.0.0.1", s["srv_addr"]));
        Assert.Equal([_one.Port.ToString(), _two.Port.ToString()], servers.Select(s => s["srv_port"]));
    }

    [Fact]
    public async Task SendAsync_ShowStat_ListsTheBackendServers()
    {
        var answer = await _client.SendAsync(_haproxy.AdminSocketPath, "show stat", CancellationToken.None);

        var rows = answer.Split('\n').Where(l => l.StartsWith("b,", StringComparison.Ordinal)).Select(l => l.Split(',')[1]);
        Assert.Equal(["s1", "s2", "BACKEND"], rows);
    }

    [Fact]
    public async Task SendAsync_SetServerStateMaintThenReady_ChangesTheReportedState()
    {
        var maint = await _client.SendAsync(_haproxy.AdminSocketPath, "set server b/s1 state maint", CancellationToken.None);
        var inMaintenance = ServersState.Parse(await _client.SendAsync(_haproxy.AdminSocketPath, "show servers state b", CancellationToken.None));
        var ready = await _client.SendAsync(_haproxy.AdminSocketPath, "set server b/s1 state ready", CancellationToken.None);
        var backInService = ServersState.Parse(await _client.SendAsync(_haproxy.AdminSocketPath, "show servers state b", CancellationToken.None));

        Assert.Equal("", maint.Trim());
        Assert.Equal("", ready.Trim());
        // srv_admin_state 1 is SRV_ADMF_FMAINT (forced maintenance); srv_op_state 0 is stopped, 2 running.
        Assert.Equal(("1", "0"), AdminAndOperational(inMaintenance, "s1"));
        Assert.Equal(("0", "2"), AdminAndOperational(inMaintenance, "s2"));
        Assert.Equal(("0", "2"), AdminAndOperational(backInService, "s1"));
    }

    [Fact]
    public async Task SendAsync_UnknownServer_ReturnsHAProxysMessage()
    {
        var answer = await _client.SendAsync(_haproxy.AdminSocketPath, "set server b/nope state maint", CancellationToken.None);

        Assert.Equal("No such server.", answer.Trim());
    }

    [Fact]
    public async Task SendAsync_MasterShowProc_ParsesIntoTheMasterAndOneWorker()
    {
        var answer = await _client.SendAsync(_haproxy.MasterSocketPath, "show proc", CancellationToken.None);

        var processes = ShowProcParser.Parse(answer);
        Assert.Equal(_haproxy.MasterPid, processes.Master.Pid);
        Assert.Equal(HAProxyProcessType.Master, processes.Master.Type);
        var worker = Assert.Single(processes.Workers);
        Assert.Equal(HAProxyProcessType.Worker, worker.Type);
        Assert.StartsWith("2.6.", worker.Version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_MissingSocket_ThrowsUnavailable()
    {
        var path = Path.Combine(_haproxy.Directory, "absent.sock");

        var error = await Assert.ThrowsAsync<HAProxySocketException>(() => _client.SendAsync(path, "show info", CancellationToken.None));

        Assert.Equal(SocketError.AddressNotAvailable, error.Error);
        Assert.True(error.IsUnavailable);
        Assert.Equal(path, error.SocketPath);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_SocketNobodyListensOn_ThrowsRefused()
    {
        var path = Path.Combine(_haproxy.Directory, "stale.sock");
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        // A socket file with no listener behind it, like one a crashed HAProxy left (.NET unlinks on dispose, so keep it bound).
        bound.Bind(new UnixDomainSocketEndPoint(path));

        var error = await Assert.ThrowsAsync<HAProxySocketException>(() => _client.SendAsync(path, "show info", CancellationToken.None));

        Assert.True(File.Exists(path));
        Assert.Equal(SocketError.ConnectionRefused, error.Error);
        Assert.True(error.IsUnavailable);
    }

    [Fact]
    public async Task SendAsync_PeerNeverAnswers_ThrowsTimeout()
    {
        var path = Path.Combine(_haproxy.Directory, "silent.sock");
        using var silent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        silent.Bind(new UnixDomainSocketEndPoint(path));
        silent.Listen();
        var client = new HAProxySocketClient(TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.SendAsync(path, "show info", CancellationToken.None));

        Assert.Contains("did not answer 'show info'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("show info\nshutdown frontend fe")]
    [InlineData("show info\r")]
    [InlineData(" ")]
    public async Task SendAsync_CommandNotOneLine_ThrowsArgumentException(string command)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _client.SendAsync(_haproxy.AdminSocketPath, command, CancellationToken.None));
    }

    private static (string Admin, string Operational) AdminAndOperational(IReadOnlyList<IReadOnlyDictionary<string, string>> servers, string name)
    {
        var server = Assert.Single(servers, s => s["srv_name"] == name);
        return (server["srv_admin_state"], server["srv_op_state"]);
    }
}
