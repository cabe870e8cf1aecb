using System.Formats.Tar;
using GitOps.Processes;

namespace GitOps.Testing.Docker;

/// <summary>
/// The tiny image test containers run: Debian's static busybox with every applet linked in /bin, an
/// empty /www for httpd and a /tmp. Imported from a tarball because no image registry is reachable.
/// </summary>
internal static class BusyboxImage
{
    public const string Name = "gitops-test/busybox:latest";

    private const string Busybox = "/bin/busybox";
    private const UnixFileMode Directory755 =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Directory1777 =
        UnixFileMode.StickyBit | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Imports the image unless the engine has it already.</summary>
    public static async Task EnsureAsync(DockerCli cli, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(cli, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // Two test processes importing at once would both succeed, but the lock saves the second one the work.
        var lockPath = Path.Combine(Path.GetTempPath(), "gitops-test-busybox-import.lock");
        using (await FileLock.AcquireAsync(lockPath, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false))
        {
            if (await ExistsAsync(cli, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var tarball = Path.Combine(Path.GetTempPath(), $"gitops-test-busybox-{Guid.NewGuid():N}.tar");
            try
            {
                await WriteRootFileSystemAsync(tarball, cancellationToken).ConfigureAwait(false);
                await cli.RunAsync(["import", tarball, Name], cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(tarball);
            }
        }
    }

    private static async Task<bool> ExistsAsync(DockerCli cli, CancellationToken cancellationToken) =>
        (await cli.TryRunAsync(["image", "inspect", "--format", "{{.Id}}", Name], cancellationToken).ConfigureAwait(false)).Succeeded;

    private static async Task WriteRootFileSystemAsync(string tarball, CancellationToken cancellationToken)
    {
        if (!File.Exists(Busybox))
        {
            throw new InvalidOperationException($"{Busybox} is missing, needed to build the test image {Name}. Run deploy/setup.sh to install the busybox-static package.");
        }

        var listed = await ProcessRunner.RunCheckedAsync(Busybox, ["--list"], cancellationToken: cancellationToken).ConfigureAwait(false);
        var applets = listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(a => a != "busybox" && !a.Contains('/', StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        var stream = File.Create(tarball);
        await using (stream.ConfigureAwait(false))
        {
            var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: false);
            await using (writer.ConfigureAwait(false))
            {
                await writer.WriteEntryAsync(Directory("bin/", Directory755), cancellationToken).ConfigureAwait(false);
                await writer.WriteEntryAsync(Directory("www/", Directory755), cancellationToken).ConfigureAwait(false);
                await writer.WriteEntryAsync(Directory("tmp/", Directory1777), cancellationToken).ConfigureAwait(false);
                await writer.WriteEntryAsync(Busybox, "bin/busybox", cancellationToken).ConfigureAwait(false);
                foreach (var applet in applets)
                {
                    var link = new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox", Mode = Directory755 };
                    await writer.WriteEntryAsync(link, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static PaxTarEntry Directory(string name, UnixFileMode mode) => new(TarEntryType.Directory, name) { Mode = mode };
}
