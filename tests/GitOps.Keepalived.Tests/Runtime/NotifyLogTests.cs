using GitOps.Keepalived.Rendering;
using GitOps.Keepalived.Runtime;
using Xunit;

namespace GitOps.Keepalived.Tests.Runtime;

public sealed class NotifyLogTests : IDisposable
{
    private readonly KeepalivedPaths paths = new(Directory.CreateTempSubdirectory("gitops-notify-").FullName);

    [Fact]
    public async Task ReadNew_WholeLinesAfterTheCommittedOffset_EachOnce()
    {
        var log = new NotifyLog(paths);
        await File.WriteAllTextAsync(paths.NotifyLogPath, "1700000000123 gitops_1 FAULT 254\nnot a notice\n1700000001000 gitops_1 MASTER 254\n1700000002");

        var (first, end) = await log.ReadNewAsync(CancellationToken.None);
        await log.CommitAsync(end, CancellationToken.None);
        await File.AppendAllTextAsync(paths.NotifyLogPath, "000 gitops_1 BACKUP 254\n");
        var (second, _) = await new NotifyLog(paths).ReadNewAsync(CancellationToken.None);

        Assert.Equal(
            [
                new KeepalivedNotice(DateTimeOffset.FromUnixTimeMilliseconds(1700000000123), "gitops_1", KeepalivedNotice.Fault, 254, 33),
                new KeepalivedNotice(DateTimeOffset.FromUnixTimeMilliseconds(1700000001000), "gitops_1", KeepalivedNotice.Master, 254, 80),
            ],
            first);
        Assert.Equal(80, end);
        Assert.Equal([new KeepalivedNotice(DateTimeOffset.FromUnixTimeMilliseconds(1700000002000), "gitops_1", KeepalivedNotice.Backup, 254, 114)], second);
    }

    [Fact]
    public async Task ReadNew_NoLogYet_ReadsNothing()
    {
        var (notices, end) = await new NotifyLog(paths).ReadNewAsync(CancellationToken.None);

        Assert.Empty(notices);
        Assert.Equal(0, end);
    }

    [Theory]
    [InlineData("1700000000123 gitops_1 SLEEPING 254")]
    [InlineData("1700000000123 gitops_1 MASTER")]
    [InlineData("-5 gitops_1 MASTER 254")]
    public void Parse_NotANotice_ReturnsNull(string line) => Assert.Null(KeepalivedNotice.Parse(line, 0));

    public void Dispose() => Directory.Delete(paths.Directory, recursive: true);
}
