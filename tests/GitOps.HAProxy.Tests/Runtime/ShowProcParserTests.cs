using GitOps.HAProxy.Runtime;
using Xunit;

namespace GitOps.HAProxy.Tests.Runtime;

/// <summary>Samples are answers captured from HAProxy 2.6.12 (Debian 12), trailing spaces included.</summary>
public sealed class ShowProcParserTests
{
    private const string AfterFailedReloadWithOldWorker =
        "#<PID>          <type>          <reloads>       <uptime>        <version>      \n" +
        "7470            master          4 [failed: 1]   0d00h00m15s     2.6.12-1+deb12u4\n" +
        "# workers\n" +
        "7783            worker          1               0d00h00m04s     2.6.12-1+deb12u4\n" +
        "# old workers\n" +
        "7559            worker          3               1d02h03m12s     2.6.12-1+deb12u4\n" +
        "# programs\n" +
        "\n";

    private const string WithProgram =
        "#<PID>          <type>          <reloads>       <uptime>        <version>      \n" +
        "14228           master          0 [failed: 0]   0d00h00m01s     2.6.12-1+deb12u4\n" +
        "# workers\n" +
        "14232           worker          0               0d00h00m01s     2.6.12-1+deb12u4\n" +
        "# programs\n" +
        "14231           sleeper         0               0d00h00m01s     -              \n" +
        "\n";

    [Fact]
    public void Parse_AfterFailedReload_ReadsMasterWorkersAndFailure()
    {
        var processes = ShowProcParser.Parse(AfterFailedReloadWithOldWorker);

        Assert.Equal(
            new HAProxyProcess(7470, HAProxyProcessType.Master, "master", 4, TimeSpan.FromSeconds(15), "2.6.12-1+deb12u4"),
            processes.Master);
        Assert.Equal(1, processes.FailedReloads);
        Assert.True(processes.LastReloadFailed);
        Assert.Equal(
            [new HAProxyProcess(7783, HAProxyProcessType.Worker, "worker", 1, TimeSpan.FromSeconds(4), "2.6.12-1+deb12u4")],
            processes.Workers);
        Assert.Equal(
            [new HAProxyProcess(7559, HAProxyProcessType.Worker, "worker", 3, new TimeSpan(1, 2, 3, 12), "2.6.12-1+deb12u4")],
            processes.OldWorkers);
        Assert.Empty(processes.Programs);
    }

    [Fact]
    public void Parse_ProgramSection_ReadsProgramByName()
    {
        var processes = ShowProcParser.Parse(WithProgram);

        Assert.Equal(0, processes.FailedReloads);
        Assert.False(processes.LastReloadFailed);
        Assert.Equal(14232, Assert.Single(processes.Workers).Pid);
        Assert.Equal(
            new HAProxyProcess(14231, HAProxyProcessType.Program, "sleeper", 0, TimeSpan.FromSeconds(1), "-"),
            Assert.Single(processes.Programs));
    }

    [Fact]
    public void Parse_MasterWithoutFailedCount_LeavesItNull()
    {
        var processes = ShowProcParser.Parse(
            "#<PID> <type> <reloads> <uptime> <version>\n1 master 0 0d00h00m01s 2.6.12\n# workers\n2 worker 0 0d00h00m01s 2.6.12\n");

        Assert.Null(processes.FailedReloads);
        Assert.False(processes.LastReloadFailed);
    }

    [Theory]
    [InlineData("Unknown command, but maybe one of the following ones is a better match:\n  reload : reload haproxy\n", "no '#<PID>' header line")]
    [InlineData("", "no master line")]
    [InlineData("#<PID> <type> <reloads> <uptime> <version>\n# workers\n2 worker 0 0d00h00m01s 2.6.12\n", "no master line")]
    [InlineData("#<PID> <type> <reloads> <uptime> <version>\n1 worker 0 0d00h00m01s 2.6.12\n", "process type 'worker' in the Master section")]
    [InlineData("#<PID> <type> <reloads> <uptime> <version>\n1 master 0 0d00h00m01s 2.6.12\n# zombies\n", "unknown section '# zombies'")]
    [InlineData("#<PID> <type> <reloads> <uptime> <version>\n1 master zero 0d00h00m01s 2.6.12\n", "unreadable process line '1 master zero 0d00h00m01s 2.6.12'")]
    public void Parse_NotAShowProcAnswer_ThrowsFormatExceptionNamingWhy(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => ShowProcParser.Parse(text));

        Assert.StartsWith($"Not an HAProxy 'show proc' answer ({reason})", error.Message, StringComparison.Ordinal);
    }
}
