using System.Diagnostics;
using System.Globalization;
using GitOps.Testing.HAProxy;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.HAProxy.Tests.Fixtures;

public sealed class HAProxyFixtureTests : IAsyncLifetime
{
    private const string BadLine = "    bogus_keyword on\n";

    private readonly HAProxyFixture _haproxy = new();
    private readonly LoopbackHttpServer _backend = new("backend-one");
    private readonly int _frontendPort = LoopbackPorts.GetFree();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _haproxy.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task CheckConfigAsync_ValidConfig_ExitsZero()
    {
        var result = await _haproxy.CheckConfigAsync(ValidConfig());

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Configuration file is valid", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfigAsync_UnknownKeyword_ExitsOneAndNamesTheLine()
    {
        var (config, line) = BrokenConfig();

        var result = await _haproxy.CheckConfigAsync(config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"parsing [{_haproxy.CandidateConfigPath}:{line}] : unknown keyword 'bogus_keyword'", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_InvalidConfig_ThrowsWithHAProxyOutput()
    {
        var (config, line) = BrokenConfig();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _haproxy.StartAsync(config));

        Assert.Contains($"[{_haproxy.ConfigPath}:{line}] : unknown keyword 'bogus_keyword'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_haproxy.MasterSocketPath));
    }

    [Fact]
    public async Task StartAsync_ValidConfig_ProxiesHttpToTheBackend()
    {
        await _haproxy.StartAsync(ValidConfig());

        var body = await LoopbackHttpClient.GetStringAsync(_frontendPort);

        Assert.Equal("backend-one", body);
        Assert.Equal(1, _backend.RequestCount);
    }

    [Fact]
    public async Task StartAsync_ValidConfig_ShowProcListsTheMasterAndOneWorker()
    {
        var started = await _haproxy.StartAsync(ValidConfig());

        var processes = await _haproxy.ShowProcAsync();

        Assert.Equal(_haproxy.MasterPid, processes.Master.Pid);
        Assert.Equal(_haproxy.MasterPid.ToString(CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(_haproxy.PidFilePath)).Trim());
        Assert.Equal(0, processes.Master.Reloads);
        Assert.Equal(0, processes.FailedReloads);
        var worker = Assert.Single(processes.Workers);
        Assert.Equal(Assert.Single(started.Workers).Pid, worker.Pid);
        Assert.Empty(processes.OldWorkers);
    }

    [Fact]
    public async Task ReloadAsync_ChangedConfig_NewWorkerServesTheNewBackend()
    {
        await using var second = new LoopbackHttpServer("backend-two");
        var before = await _haproxy.StartAsync(ValidConfig());
        Assert.Equal("backend-one", await LoopbackHttpClient.GetStringAsync(_frontendPort));

        await _haproxy.WriteConfigAsync(_haproxy.MinimalConfig(_frontendPort, ("s", second.EndPoint)));
        var after = await _haproxy.ReloadAsync();

        Assert.Equal(before.Master.Pid, after.Master.Pid);
        Assert.Equal(before.Master.Reloads + 1, after.Master.Reloads);
        Assert.Equal(0, after.FailedReloads);
        var worker = Assert.Single(after.Workers);
        Assert.NotEqual(Assert.Single(before.Workers).Pid, worker.Pid);
        Assert.Equal(0, worker.Reloads);
        Assert.Equal("backend-two", await LoopbackHttpClient.GetStringAsync(_frontendPort));
    }

    [Fact]
    public async Task TryReloadAsync_BrokenConfig_MasterReportsFailureAndOldWorkerKeepsServing()
    {
        var before = await _haproxy.StartAsync(ValidConfig());
        var oldWorker = Assert.Single(before.Workers);
        var (config, line) = BrokenConfig();
        await _haproxy.WriteConfigAsync(config);

        var result = await _haproxy.TryReloadAsync();

        Assert.False(result.Succeeded);
        Assert.True(result.After.LastReloadFailed);
        Assert.Equal(1, result.After.FailedReloads);
        Assert.Equal(before.Master.Reloads + 1, result.After.Master.Reloads);
        var worker = Assert.Single(result.After.Workers);
        Assert.Equal(oldWorker.Pid, worker.Pid);
        Assert.Equal(1, worker.Reloads);
        Assert.Empty(result.After.OldWorkers);
        Assert.Equal("backend-one", await LoopbackHttpClient.GetStringAsync(_frontendPort));
        await WaitForLogAsync($"[{_haproxy.ConfigPath}:{line}] : unknown keyword 'bogus_keyword'");
    }

    [Fact]
    public async Task ReloadAsync_BrokenConfig_ThrowsAndAGoodReloadClearsTheFailure()
    {
        await _haproxy.StartAsync(ValidConfig());
        await _haproxy.WriteConfigAsync(BrokenConfig().Text);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _haproxy.ReloadAsync());
        await _haproxy.WriteConfigAsync(ValidConfig());
        var after = await _haproxy.ReloadAsync();

        Assert.Equal(2, after.Master.Reloads);
        Assert.Equal(0, after.FailedReloads);
        Assert.False(after.LastReloadFailed);
        Assert.Equal("backend-one", await LoopbackHttpClient.GetStringAsync(_frontendPort));
    }

    [Fact]
    public async Task DisposeAsync_Started_StopsEveryProcessAndDeletesTheDirectory()
    {
        var started = await _haproxy.StartAsync(ValidConfig());
        var pids = new[] { started.Master.Pid, Assert.Single(started.Workers).Pid };

        await _haproxy.DisposeAsync();

        Assert.False(Directory.Exists(_haproxy.Directory));
        foreach (var pid in pids)
        {
            Assert.False(IsRunning(pid), $"process {pid} still runs");
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => LoopbackHttpClient.GetStringAsync(_frontendPort));
    }

    private string ValidConfig() => _haproxy.MinimalConfig(_frontendPort, ("s", _backend.EndPoint));

    /// <summary>A valid config with an unknown keyword appended to the backend, and that line's number.</summary>
    private (string Text, int Line) BrokenConfig()
    {
        var valid = ValidConfig();
        return (valid + BadLine, valid.Count(c => c == '\n') + 1);
    }

    private async Task WaitForLogAsync(string text)
    {
        // The master's output reaches the fixture through a pipe, a moment after the CLI shows the outcome.
        await Poll.UntilAsync(() => _haproxy.Log.Contains(text, StringComparison.Ordinal), $"\"{text}\" in the HAProxy log");
    }

    private static bool IsRunning(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        // A process its parent has not reaped yet is a zombie (state Z after the command name): it no longer runs.
        return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
    }
}
