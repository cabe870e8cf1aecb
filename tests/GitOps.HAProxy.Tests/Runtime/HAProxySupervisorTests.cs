using System.Globalization;
using GitOps.HAProxy.Runtime;
using GitOps.HAProxy.Tests.Apply;
using GitOps.Processes;
using GitOps.Testing.Http;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.HAProxy.Tests.Runtime;

public sealed class HAProxySupervisorTests : IAsyncLifetime
{
    private readonly LoopbackHttpServer _backend = new("one");
    private readonly ApplierHost _host = new(restartOnExit: true);

    public async Task InitializeAsync() =>
        await _host.Applier.StartAsync(_host.Config([("s1", _backend.EndPoint, 100)]), "v1", CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task StartAsync_MasterKilled_RestartsItAndServesAgain()
    {
        var killed = _host.Supervisor.MasterPid;

        Assert.True(PosixSignals.Send(killed, PosixSignals.SigKill));
        await Poll.UntilAsync(() => _host.Supervisor.Restarts > 0 && _host.Supervisor.IsRunning, "the supervisor to restart the killed master");

        Assert.Equal(1, _host.Supervisor.Restarts);
        Assert.NotEqual(killed, _host.Supervisor.MasterPid);
        Assert.False(_host.Supervisor.Adopted);
        Assert.Equal("one", await LoopbackHttpClient.GetStringAsync(_host.FrontendPort));
    }

    [Fact]
    public async Task StartAsync_MasterLeftRunningByAnEarlierAgent_AdoptsInsteadOfStartingAnother()
    {
        var master = _host.Supervisor.MasterPid;

        await _host.SimulateAgentRestartAsync();
        var processes = await _host.Supervisor.StartAsync(CancellationToken.None);

        Assert.True(_host.Supervisor.Adopted);
        Assert.Equal(master, _host.Supervisor.MasterPid);
        Assert.Equal(master, processes.Master.Pid);
        Assert.Equal("one", await LoopbackHttpClient.GetStringAsync(_host.FrontendPort));
    }

    [Fact]
    public void StartAsync_Started_MasterLeadsASessionOfItsOwn()
    {
        var master = _host.Supervisor.MasterPid;

        // Out of the caller's process group and session: a terminal's Ctrl-C or hang-up reaches the agent only.
        Assert.Equal(master, SessionOf(master));
        Assert.NotEqual(SessionOf(Environment.ProcessId), SessionOf(master));
    }

    [Fact]
    public async Task StopAsync_Running_StopsMasterAndWorkers()
    {
        var processes = await _host.Supervisor.ShowProcAsync(CancellationToken.None);

        await _host.Supervisor.StopAsync(CancellationToken.None);

        Assert.False(PosixSignals.IsRunning(processes.Master.Pid));
        Assert.False(PosixSignals.IsRunning(Assert.Single(processes.Workers).Pid));
        await Assert.ThrowsAsync<HttpRequestException>(() => LoopbackHttpClient.GetStringAsync(_host.FrontendPort));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(9, 2000)]
    public void RestartDelay_QuickFailuresInARow_DoublesUpToTheMaximum(int quickFailures, int expectedMilliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), _host.Supervisor.RestartDelay(quickFailures));

    /// <summary>The session id in /proc/&lt;pid&gt;/stat: "pid (comm) state ppid pgrp session …", counted after the ')' as comm may hold spaces.</summary>
    private static int SessionOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3], CultureInfo.InvariantCulture);
    }
}
