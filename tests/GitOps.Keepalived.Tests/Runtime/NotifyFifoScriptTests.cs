using System.Diagnostics;
using System.Text;
using GitOps.Keepalived.Rendering;
using GitOps.Keepalived.Runtime;
using GitOps.Processes;
using GitOps.Testing;
using GitOps.Testing.Time;
using Xunit;

namespace GitOps.Keepalived.Tests.Runtime;

/// <summary>
/// The rendered reader of keepalived's notify FIFO, run on a FIFO the test makes and writes to the way keepalived does
/// (open for reading and writing, one whole line per write). <see cref="KeepalivedPairTests"/> runs it under keepalived.
/// </summary>
public sealed class NotifyFifoScriptTests : IDisposable
{
    private readonly KeepalivedPaths paths = new(Directory.CreateTempSubdirectory("gitops-notify-fifo-").FullName);
    private readonly List<Process> readers = [];

    [Fact]
    public async Task Reader_SigtermThenStopLines_RecordsTheInstanceLinesInOrderAndExits()
    {
        var reader = await StartReaderAsync();
        await using var fifo = OpenLikeKeepalived();

        await WriteAsync(fifo, "INSTANCE \"gitops_1\" BACKUP 254\n");
        await WriteAsync(fifo, "GROUP \"sync\" BACKUP 0\n");
        await WriteAsync(fifo, "INSTANCE \"gitops_2\" BACKUP 253\n");
        await WriteAsync(fifo, "INSTANCE \"gitops_2\" BACKUP_PRIORITY 200\n");
        await WriteAsync(fifo, "INSTANCE \"two words\" MASTER 254\n");
        await WriteAsync(fifo, "INSTANCE \"gitops_1\" MASTER 254\n");
        await Poll.UntilAsync(async _ => (await RecordedAsync()).Count == 3, "the reader recording three lines", TimeSpan.FromSeconds(15));

        // keepalived stopping: SIGTERM to the reader first, the STOP lines after; the FIFO stays open.
        Assert.True(PosixSignals.Send(reader.Id, PosixSignals.SigTerm));
        await WriteAsync(fifo, "INSTANCE \"gitops_1\" STOP 254\n");
        await WriteAsync(fifo, "INSTANCE \"gitops_2\" STOP 253\n");
        await Poll.UntilAsync(() => reader.HasExited, "the reader exiting once the STOP lines are written", TimeSpan.FromSeconds(15));

        Assert.Equal(0, reader.ExitCode);
        Assert.Equal(
            [
                ("gitops_1", KeepalivedNotice.Backup, 254),
                ("gitops_2", KeepalivedNotice.Backup, 253),
                ("gitops_1", KeepalivedNotice.Master, 254),
                ("gitops_1", KeepalivedNotice.Stop, 254),
                ("gitops_2", KeepalivedNotice.Stop, 253),
            ],
            (await RecordedAsync()).Select(n => (n.Instance, n.State, n.Priority)));
        Assert.All(await RecordedAsync(), n => Assert.InRange(n.At, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Reader_FifoClosedAsOnAReload_ExitsAfterRecordingItsLines()
    {
        var reader = await StartReaderAsync();
        var fifo = OpenLikeKeepalived();
        await WriteAsync(fifo, "INSTANCE \"gitops_1\" FAULT 254\n");
        await WriteAsync(fifo, "INSTANCE \"gitops_1\" BACKUP 254\n");
        await Poll.UntilAsync(async _ => (await RecordedAsync()).Count == 2, "the reader recording two lines", TimeSpan.FromSeconds(15));

        await fifo.DisposeAsync();
        await Poll.UntilAsync(() => reader.HasExited, "the reader exiting at the end of the FIFO", TimeSpan.FromSeconds(15));

        Assert.Equal([KeepalivedNotice.Fault, KeepalivedNotice.Backup], (await RecordedAsync()).Select(n => n.State));
    }

    public void Dispose()
    {
        // A reader a failed test left waiting on its FIFO.
        foreach (var reader in readers)
        {
            if (!reader.HasExited)
            {
                reader.Kill();
                reader.WaitForExit();
            }

            reader.Dispose();
        }

        Directory.Delete(paths.Directory, recursive: true);
    }

    private async Task<Process> StartReaderAsync()
    {
        await ProcessRunner.RunCheckedAsync("mkfifo", [paths.NotifyFifoPath]);
        await ExecutableFile.WriteAsync(paths.NotifyFifoScriptPath, KeepalivedConfigRenderer.RenderNotifyFifoScript("lb-a", paths, ProcessRunner.FindOnPath("flock")!));
        var startInfo = new ProcessStartInfo(paths.NotifyFifoScriptPath) { UseShellExecute = false };
        startInfo.ArgumentList.Add(paths.NotifyFifoPath);
        var reader = Process.Start(startInfo)!;
        readers.Add(reader);
        return reader;
    }

    /// <summary>keepalived opens its FIFO for reading and writing, so opening never waits for the reader.</summary>
    private FileStream OpenLikeKeepalived() => new(paths.NotifyFifoPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);

    private static async Task WriteAsync(FileStream fifo, string line) => await fifo.WriteAsync(Encoding.ASCII.GetBytes(line));

    private async Task<IReadOnlyList<KeepalivedNotice>> RecordedAsync() =>
        (await new NotifyLog(paths).ReadNewAsync(CancellationToken.None)).Notices;
}
