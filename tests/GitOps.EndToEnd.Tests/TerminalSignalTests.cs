using System.Globalization;
using GitOps.EndToEnd.Tests.Support;
using GitOps.EventStore.Local;
using GitOps.Processes;
using GitOps.Testing.Cli;
using GitOps.Testing.Git;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.EndToEnd.Tests;

/// <summary>
/// The long-running commands stopped as a terminal stops them: Ctrl-C is SIGINT to the job's whole process group, so it
/// also reaches every child left in that group; a closed terminal is a real pseudo-terminal hung up under the process.
/// </summary>
public sealed class TerminalSignalTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(45);

    private static readonly TimeSpan Stop = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Agent_CtrlCOnItsTerminal_AgentStopsAndHAProxyKeepsServing()
    {
        await using var directory = new UpDirectory();
        await using var repo = await GitRepoBuilder.CreateAsync();
        await using var backend = new LoopbackHttpServer("behind-haproxy");
        var port = LoopbackPorts.GetFree();
        await repo.WriteFile("services/site.yaml", ServiceYaml.Static("site", port, backend.Port)).CommitAsync("add site");
        string[] common = ["--store", database.ConnectionString, "--runtime-dir", directory.RunDirectory];
        await using var controller = GitOpsProcess.StartAsTerminalJob(["controller", "--repo", repo.WorkTree, "--bind", "127.0.0.1", .. common]);
        await using var agent = GitOpsProcess.StartAsTerminalJob(
            ["agent", "--host", "local", "--data-dir", directory.Data, "--docker", "none", .. common]);
        await Eventually.ServedAsync(port, "behind-haproxy", Converge, () => controller.Transcript() + agent.Transcript());
        var master = MasterPid(directory);

        Assert.Equal(0, await agent.SignalGroupAsync("INT", Stop));
        Assert.True(agent.Error.Contains("HAProxy keeps serving", StringComparison.Ordinal), agent.Transcript());
        Assert.True(PosixSignals.IsRunning(master), agent.Transcript());
        Assert.Equal("behind-haproxy", (await LoopbackHttpClient.GetStringAsync(port)).Trim());
        Assert.Equal(0, await controller.SignalGroupAsync("INT", Stop));
    }

    [Fact]
    public async Task Up_TerminalClosedThenCtrlC_EachStopsHAProxyAndPostgresInOrder()
    {
        await using var directory = new UpDirectory();
        await using var repo = await GitRepoBuilder.CreateAsync();
        await using var backend = new LoopbackHttpServer("behind-haproxy");
        var port = LoopbackPorts.GetFree();
        await repo.WriteFile("services/site.yaml", ServiceYaml.Static("site", port, backend.Port)).CommitAsync("add site");
        string[] upArguments =
        [
            "up", "--repo", repo.WorkTree, "--data-dir", directory.Data, "--bind", "127.0.0.1", "--log-level", "Information",
            "--docker", "none",
        ];

        // The terminal closed (its window, or the SSH session dropped): the kernel hangs it up and sends `up` SIGHUP,
        // which runs the shutdown SIGTERM runs, though nothing can be printed any more.
        var log = Path.Combine(directory.Root, "up-on-a-terminal.log");
        await using (var terminal = GitOpsProcess.StartOnTerminal(log, upArguments))
        {
            await terminal.WaitForOutputAsync("Serving host 'local'", TimeSpan.FromSeconds(90));
            var up = terminal.TerminalJobPid();
            var master = MasterPid(directory);

            await terminal.KillAsync();

            await Eventually.UntilAsync(() => Task.FromResult(PosixSignals.IsRunning(up) ? null : "exited"), Stop, () => File.ReadAllText(log));
            var text = await File.ReadAllTextAsync(log);
            Assert.Contains("Local PostgreSQL stopped", text, StringComparison.Ordinal);
            await AssertStoppedInOrderAsync(text, directory, master, port);
        }

        // Ctrl-C: the terminal's SIGINT to the whole group reaches `up` only, which stops HAProxy and PostgreSQL itself.
        await using (var up = GitOpsProcess.StartAsTerminalJob(upArguments))
        {
            await up.WaitForOutputAsync("Serving host 'local'", TimeSpan.FromSeconds(90));
            var master = MasterPid(directory);

            Assert.Equal(0, await up.SignalGroupAsync("INT", Stop));

            Assert.Contains("stopping the private PostgreSQL…", up.Output, StringComparison.Ordinal);
            Assert.Contains("gitops up: stopped", up.Output, StringComparison.Ordinal);
            await AssertStoppedInOrderAsync(up.Error, directory, master, port);
        }
    }

    /// <summary>HAProxy was stopped by `up` (a soft stop: connections in flight finish), not killed by the terminal's signal; nothing is left.</summary>
    private static async Task AssertStoppedInOrderAsync(string log, UpDirectory directory, int master, int port)
    {
        Assert.Contains($"HAProxy master {master.ToString(CultureInfo.InvariantCulture)} stopped (soft stop)", log, StringComparison.Ordinal);
        Assert.False(PosixSignals.IsRunning(master), log);
        await Assert.ThrowsAsync<HttpRequestException>(() => LoopbackHttpClient.GetStringAsync(port));
        Assert.Null(await LocalPostgres.ConnectionStringIfRunningAsync(directory.Data, CancellationToken.None));
    }

    private static int MasterPid(UpDirectory directory) =>
        int.Parse(File.ReadAllText(Path.Combine(directory.RunDirectory, "haproxy.pid")).Trim(), CultureInfo.InvariantCulture);
}
